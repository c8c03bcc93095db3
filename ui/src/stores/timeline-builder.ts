/**
 * The timeline builder: ready videos to pick from, one filmstrip per chosen
 * asset, the picks (marked, adjusted, typed, reordered), the name, Save
 * (create, or update once it has an id), and an existing timeline's frame
 * cache and deletion. Also the timelines list. The picks are checked as the
 * server checks them (timeline-picks.ts) once Save was pressed, and a refusal
 * is shown at the field it names.
 */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import type { FrameCache, Filmstrip, Source, Timeline } from '../detect-api.ts';
import type { SourceChunk } from '../../../src/types/detect-run.ts';
import { errorText } from '../format.ts';
import {
  addPick,
  moveEdge,
  movePick,
  pickIndexOf,
  removePick,
  snapRange,
  timelineDuration,
  validateTimeline,
  type Pick as TimelinePick,
} from '../timeline-picks.ts';
import { createPagedList } from './paged.ts';
import { createFormCheck } from './form-check.ts';

export type TimelineApi = Pick<Api, 'detect'>;

/** Sources per page of the asset picker; timelines per page of the list. */
export const SOURCES_PAGE = 100;
export const TIMELINES_PAGE = 50;

/** A filmstrip request: `count` frames, each this many pixels high. */
export const FILMSTRIP_HEIGHT = 54;

type Loadable<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; error: string };

const without = <T>(m: Record<string, T>, pred: (k: string) => boolean): Record<string, T> => Object.fromEntries(Object.entries(m).filter(([k]) => !pred(k)));

export const createTimelineBuilderStore = (api: TimelineApi, timelineId: string | null) => {
  const d = api.detect;
  const [id, setId] = createSignal<string | null>(timelineId);
  const [loaded, setLoaded] = createSignal(false);
  const [name, setNameRaw] = createSignal('');
  const [picks, setPicksRaw] = createSignal<TimelinePick[]>([]);
  const [chosen, setChosen] = createSignal<string[]>([]);
  /** Every source seen on any page, by asset id: durations outlive paging. */
  const [known, setKnown] = createSignal<Record<string, Source>>({});
  const [strips, setStrips] = createSignal<Record<string, Loadable<Filmstrip>>>({});
  const [chunks, setChunks] = createSignal<Record<string, Loadable<SourceChunk[]>>>({});
  const form = createFormCheck();
  const [error, setError] = createSignal<string | null>(null);
  const [savedAt, setSavedAt] = createSignal<string | null>(null);
  const [cache, setCache] = createSignal<FrameCache | null>(null);
  const [cacheError, setCacheError] = createSignal<string | null>(null);
  const [deleted, setDeleted] = createSignal(false);

  const sources = createPagedList<Source>(async (limit, offset) => {
    const page = await d.sources({ limit, offset });
    setKnown((k) => ({ ...k, ...Object.fromEntries(page.items.map((s) => [s.id, s])) }));
    return page;
  }, SOURCES_PAGE);

  const durationOf = (assetId: string): number | null => known()[assetId]?.duration ?? null;

  /** An asset's length for the filmstrip: the probed one, else what its sprite's frame times imply. */
  const stripDuration = (assetId: string): number | null => {
    const known = durationOf(assetId);
    if (known !== null) return known;
    const s = strips()[assetId];
    if (s?.state !== 'ready' || s.value.times.length === 0) return null;
    const t = s.value.times;
    // Frames sit at the middle of equal slices: the first and the last add up to the length.
    return t.length === 1 ? t[0]! * 2 : t[0]! + t[t.length - 1]!;
  };

  // Plain derivations, not memos: stores are also used outside a reactive root (their tests).
  const errors = () => form.errors(() => validateTimeline(name(), picks(), durationOf));

  const setPicks = (next: TimelinePick[]) => {
    setPicksRaw(next);
    // Indexes shift under a reorder or remove: the server's per-pick messages no longer point at their pick.
    form.setServerErrors((m) => without(m, (k) => k === 'picks' || pickIndexOf(k) !== null));
  };

  const loadFilmstrip = async (assetId: string, count: number) => {
    setStrips((m) => ({ ...m, [assetId]: { state: 'loading' } }));
    try {
      const value = await d.filmstrip(assetId, { count, height: FILMSTRIP_HEIGHT });
      setStrips((m) => ({ ...m, [assetId]: { state: 'ready', value } }));
    } catch (e) {
      setStrips((m) => ({ ...m, [assetId]: { state: 'error', error: errorText(e) } }));
    }
  };

  const choose = (assetId: string) => {
    if (!chosen().includes(assetId)) setChosen((c) => [...c, assetId]);
  };

  const loadCache = async () => {
    const t = id();
    if (!t) return;
    try {
      setCache(await d.frameCache(t));
      setCacheError(null);
    } catch (e) {
      setCacheError(errorText(e));
    }
  };

  const adopt = (t: Timeline) => {
    setId(t.id);
    setNameRaw(t.name);
    setPicksRaw(t.picks);
    setSavedAt(t.updatedAt);
    for (const p of t.picks) choose(p.assetId);
  };

  const load = async () => {
    const t = id();
    await Promise.all([
      sources.load(),
      t
        ? d.timeline(t).then(
            (tl) => adopt(tl),
            (e) => setError(errorText(e)),
          )
        : null,
      loadCache(),
    ]);
    setLoaded(true);
  };

  const save = async (): Promise<string | null> => {
    const t = id();
    const body = { name: name().trim(), picks: picks() };
    const saved = await form.submit({
      problems: validateTimeline(name(), picks(), durationOf),
      send: () => (t ? d.updateTimeline(t, body) : d.createTimeline(body)),
      saved: (tl) => {
        adopt(tl);
        form.setChecked(false);
        if (!t) void loadCache();
      },
      place: (f) => (f === 'name' || f === 'picks' || (pickIndexOf(f) ?? Number.POSITIVE_INFINITY) < picks().length ? f : null),
      general: setError,
    });
    return saved?.id ?? null;
  };

  return {
    id,
    loaded,
    load,
    error,
    dismissError: () => setError(null),
    sources,
    sourceOf: (assetId: string): Source | null => known()[assetId] ?? null,
    durationOf,
    stripDuration,

    chosen,
    choose,
    /** Takes an asset's filmstrip away; its picks stay. */
    unchoose: (assetId: string) => setChosen((c) => c.filter((x) => x !== assetId)),
    filmstrip: (assetId: string): Loadable<Filmstrip> | undefined => strips()[assetId],
    loadFilmstrip,

    chunksOf: (jobId: string): Loadable<SourceChunk[]> | undefined => chunks()[jobId],
    loadChunks: async (jobId: string) => {
      setChunks((m) => ({ ...m, [jobId]: { state: 'loading' } }));
      try {
        const value = (await d.sourceChunks(jobId)).chunks;
        setChunks((m) => ({ ...m, [jobId]: { state: 'ready', value } }));
      } catch (e) {
        setChunks((m) => ({ ...m, [jobId]: { state: 'error', error: errorText(e) } }));
      }
    },

    picks,
    duration: () => timelineDuration(picks()),
    /** A range marked on `assetId`'s filmstrip, snapped and kept inside the asset; answers its index. */
    mark: (assetId: string, a: number, b: number): number => {
      const r = snapRange(a, b, stripDuration(assetId));
      setPicks(addPick(picks(), { assetId, ...r }));
      return picks().length - 1;
    },
    /** A pick as the server gave it (a transcode chunk, say), added as is. */
    addPick: (p: TimelinePick) => {
      choose(p.assetId);
      setPicks(addPick(picks(), p));
    },
    /** A handle dragged: that edge only, snapped, inside the asset, never past its partner. */
    moveEdge: (index: number, edge: 'start' | 'end', t: number) => {
      const p = picks()[index];
      if (p) setPicks(picks().map((x, i) => (i === index ? moveEdge(p, edge, t, stripDuration(p.assetId)) : x)));
    },
    /** A typed start or end, kept as typed (NaN for a blank or bad number) so the check can name it. */
    setEdge: (index: number, edge: 'start' | 'end', seconds: number) => setPicks(picks().map((x, i) => (i === index ? { ...x, [edge]: seconds } : x))),
    removePick: (index: number) => setPicks(removePick(picks(), index)),
    movePick: (from: number, to: number) => setPicks(movePick(picks(), from, to)),

    name,
    setName: (n: string) => {
      setNameRaw(n);
      form.setServerErrors((m) => without(m, (k) => k === 'name'));
    },
    errors,
    saving: form.saving,
    savedAt,
    save,

    cache,
    cacheError,
    loadCache,
    /** Drops the frame cache (the next run extracts again), then reads what is left. */
    dropCache: async (): Promise<boolean> => {
      const t = id();
      if (!t) return false;
      setCacheError(null);
      try {
        await d.clearFrameCache(t);
      } catch (e) {
        setCacheError(errorText(e));
        return false;
      }
      await loadCache();
      return true;
    },

    deleted,
    remove: async (): Promise<boolean> => {
      const t = id();
      if (!t) return false;
      setError(null);
      try {
        await d.deleteTimeline(t);
        setDeleted(true);
        return true;
      } catch (e) {
        setError(errorText(e));
        return false;
      }
    },
  };
};

export type TimelineBuilderStore = ReturnType<typeof createTimelineBuilderStore>;

/** The timelines, a page at a time, newest first as the server lists them. */
export const createTimelineListStore = (api: TimelineApi, pageSize = TIMELINES_PAGE) =>
  createPagedList<Timeline>((limit, offset) => api.detect.timelines({ limit, offset }), pageSize);

export type TimelineListStore = ReturnType<typeof createTimelineListStore>;
