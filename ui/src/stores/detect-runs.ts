/**
 * Detection runs: the newest-first list (paged), and what the new-run form
 * chooses from — timelines, profiles, brand lists and detection's settings
 * (the profile and brand list a run takes when it names none).
 */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import type { BrandList, DetectJob, DetectSettingsDto, ProfileDto, RunInput, Timeline } from '../detect-api.ts';
import { layersOf } from '../detect-graph.ts';
import { errorText } from '../format.ts';
import { createPagedList } from './paged.ts';
import { runParams } from './detect-run.ts';

export type DetectRunsApi = Pick<Api, 'detect'>;

/** Rows per page of the runs list. */
export const DETECT_RUNS_PAGE_SIZE = 25;
/** The most the server answers in one page: the form's choices come in one. */
const ALL = 500;

/**
 * A profile's stages as they will run: layer by layer of its edges, in the
 * listed order within a layer (a pipeline without edges runs as listed).
 */
export const stagesInRunOrder = (p: ProfileDto | undefined): string[] => {
  if (!p) return [];
  const listed = p.pipeline.stages;
  if (!p.pipeline.edges?.length) return [...listed];
  const layer = layersOf(listed, p.pipeline.edges);
  return [...listed].sort((a, b) => layer.get(a)! - layer.get(b)! || listed.indexOf(a) - listed.indexOf(b));
};

export const createDetectRunsStore = (api: DetectRunsApi, opts: { pageSize?: number } = {}) => {
  const list = createPagedList<DetectJob>((limit, offset) => api.detect.runs({ limit, offset }), opts.pageSize ?? DETECT_RUNS_PAGE_SIZE);
  const [timelines, setTimelines] = createSignal<Timeline[]>([]);
  const [profiles, setProfiles] = createSignal<ProfileDto[]>([]);
  const [brandLists, setBrandLists] = createSignal<BrandList[]>([]);
  const [settings, setSettings] = createSignal<DetectSettingsDto | null>(null);
  const [optionsError, setOptionsError] = createSignal<string | null>(null);
  const [optionsLoaded, setOptionsLoaded] = createSignal(false);

  const loadOptions = async (): Promise<void> => {
    const [t, p, b, s] = await Promise.allSettled([
      api.detect.timelines({ limit: ALL }),
      api.detect.profiles(),
      api.detect.brandLists({ limit: ALL }),
      api.detect.settings(),
    ]);
    if (t.status === 'fulfilled') setTimelines(t.value.items);
    if (p.status === 'fulfilled') setProfiles(p.value);
    if (b.status === 'fulfilled') setBrandLists(b.value.items);
    if (s.status === 'fulfilled') setSettings(s.value);
    const failed = [t, p, b, s].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    setOptionsError(failed ? errorText(failed.reason) : null);
    setOptionsLoaded(true);
  };

  const timelineName = (id: string) => timelines().find((t) => t.id === id)?.name ?? null;
  const brandListName = (id: string) => brandLists().find((b) => b.id === id)?.name ?? null;

  return {
    ...list,
    timelines,
    profiles,
    brandLists,
    settings,
    optionsError,
    optionsLoaded,
    loadOptions,
    /** The list and the form's choices, together (what a page calls on mount). */
    load: () => Promise.all([list.load(), loadOptions()]).then(() => undefined),
    /** The list alone (its current page). */
    reload: list.load,
    timelineName,
    brandListName,
    /** The stages a profile will run, in order (the "pause after" choices). */
    stagesOf: (profile: string) => stagesInRunOrder(profiles().find((p) => p.name === profile)),
    /** What a row's params say (timeline, profile, brand list, replay). */
    paramsOf: (job: DetectJob) => runParams(job),
    /** Starts a run; answers its job id (the list shows it from its first page). Throws the server's refusal. */
    start: async (input: RunInput): Promise<string> => {
      const { jobId } = await api.detect.run(input);
      void list.firstPage();
      return jobId;
    },
  };
};

export type DetectRunsStore = ReturnType<typeof createDetectRunsStore>;
