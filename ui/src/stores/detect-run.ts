/**
 * One detection run: its status stage by stage (GET /detect/status), its
 * job row (params: order, configs, timeline, profile, brand list, replay;
 * the result once completed), the profile's edges for the graph, the
 * stages' schemas for the inspector, the controls, and replays. Live: the
 * job's own stream (`?job=`, from position 0, resumed from the last seen)
 * asks for the status again, one fetch per burst of events; the row is read
 * again when the status changes state. A control answers the new status,
 * which is used as is.
 */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import type { DetectJob, DetectStatus, StageInfo } from '../detect-api.ts';
import { effectiveEdges, type GraphEdge } from '../detect-graph.ts';
import { errorText } from '../format.ts';
import { createDedupe } from '../live.ts';
import type { ReplayOf, StageRow } from '../../../src/types/detect-run.ts';
import type { LiveState, StoredEvent, Telemetry } from '../types.ts';

export type DetectRunApi = Pick<Api, 'detect' | 'live'>;

const ENDED = ['COMPLETED', 'FAILED', 'CANCELLED'];

/** Where a run stands for its controls: pause while running, resume and step while paused, stop until it ends. */
export type RunPhase = 'loading' | 'running' | 'paused' | 'ended';

export const phaseOf = (s: DetectStatus | null): RunPhase => {
  if (!s) return 'loading';
  if (ENDED.includes(s.status)) return 'ended';
  return s.paused || s.status === 'PAUSED' ? 'paused' : 'running';
};

/** What the job row's params say of the run (null until the row is read, or where a field is missing). */
export interface RunParams {
  timelineId: string;
  profile: string;
  brandListId: string;
  order: string[];
  configs: Record<string, Record<string, unknown>>;
  replay: ReplayOf | null;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

export const runParams = (job: DetectJob | null): RunParams | null => {
  const p = job?.params;
  if (!isObj(p)) return null;
  const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : '');
  return {
    timelineId: str('timelineId'),
    profile: str('profile'),
    brandListId: str('brandListId'),
    order: Array.isArray(p.order) ? p.order.filter((s): s is string => typeof s === 'string') : [],
    configs: isObj(p.configs) ? (p.configs as RunParams['configs']) : {},
    replay: isObj(p.replay) ? (p.replay as unknown as ReplayOf) : null,
  };
};

const FINISHED = ['completed', 'skipped'];

/**
 * Why a stage cannot be replayed now, in words; null when it can. The
 * server's rules (src/work/detect/runs.ts replayStage): outputs not cleared,
 * the stage available, every stage before it finished; and the page waits
 * until the run has finished the stage itself.
 */
export const replayBlock = (s: DetectStatus | null, stage: string, info?: StageInfo): string | null => {
  if (!s) return 'The run is still loading.';
  if (s.cleared) return 'This run’s outputs were cleared: run the timeline again to replay its stages.';
  if (info && !info.available) return `${stage} is not available yet: it reports skipped.`;
  const at = s.stages.findIndex((r) => r.stage === stage);
  if (at < 0) return `${stage} is not a stage of this run.`;
  const row = s.stages[at]!;
  if (row.status === 'waiting' || row.status === 'running') return 'Replay opens once the run has finished this stage.';
  const missing = s.stages.slice(0, at).filter((r) => !FINISHED.includes(r.status));
  if (missing.length > 0) return `The run has not finished ${missing.map((r) => r.stage).join(', ')}: nothing to replay this stage from.`;
  return null;
};

/**
 * Runs each key's refresh once, `wait` ms after it is first asked for;
 * calls meanwhile join it (a burst of events is one fetch), and one asking
 * sooner than the pending deadline brings it forward.
 */
const createCoalescer = (ms: number) => {
  const timers: Record<string, { t: ReturnType<typeof setTimeout>; at: number } | undefined> = {};
  const soon = (key: string, f: () => Promise<void>, wait = ms) => {
    const at = Date.now() + wait;
    const pending = timers[key];
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.t);
    timers[key] = {
      at,
      t: setTimeout(() => {
        timers[key] = undefined;
        void f();
      }, wait),
    };
  };
  const clear = () => {
    for (const [k, x] of Object.entries(timers)) {
      if (x) clearTimeout(x.t);
      timers[k] = undefined;
    }
  };
  return { soon, clear };
};

/** A replay started from this page: the new branch's job. */
export interface Branch {
  jobId: string;
  stage: string;
  downstream: boolean;
}

/**
 * `refetchDelayMs`: how long a burst of log events is gathered before the
 * status is read again; `tickDelayMs`: the same for progress ticks, which
 * come every second from each running item and move only the percentage.
 */
export const createDetectRunStore = (api: DetectRunApi, jobId: string, opts: { refetchDelayMs?: number; tickDelayMs?: number } = {}) => {
  const [status, setStatus] = createSignal<DetectStatus | null>(null);
  const [job, setJob] = createSignal<DetectJob | null>(null);
  const [profileEdges, setProfileEdges] = createSignal<GraphEdge[]>([]);
  const [stages, setStages] = createSignal<StageInfo[]>([]);
  const [names, setNames] = createSignal<{ timeline: string | null; brandList: string | null }>({ timeline: null, brandList: null });
  const [error, setError] = createSignal<string | null>(null);
  const [stagesError, setStagesError] = createSignal<string | null>(null);
  const [actionError, setActionError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal<string | null>(null);
  const [liveState, setLiveState] = createSignal<LiveState>('connecting');
  const [branches, setBranches] = createSignal<Branch[]>([]);
  const { soon, clear } = createCoalescer(opts.refetchDelayMs ?? 150);
  const tickDelay = opts.tickDelayMs ?? 1000;
  const dedupe = createDedupe(0);
  // A status asked for before a newer one arrived (a control's answer, a later fetch) is dropped when it lands.
  let seq = 0;

  const fetchJob = async () => {
    try {
      setJob(await api.detect.runJob(jobId));
    } catch (e) {
      setError((prev) => prev ?? errorText(e));
    }
  };

  const apply = (next: DetectStatus) => {
    const prev = status();
    setStatus(next);
    if (prev && (prev.status !== next.status || prev.paused !== next.paused)) soon('job', fetchJob, 0);
  };

  const fetchStatus = async () => {
    const mine = ++seq;
    try {
      const s = await api.detect.status(jobId);
      if (mine !== seq) return;
      apply(s);
      setError(null);
    } catch (e) {
      if (mine === seq) setError(errorText(e));
    }
  };

  const fetchStages = async () => {
    try {
      setStages(await api.detect.stages());
      setStagesError(null);
    } catch (e) {
      setStagesError(errorText(e));
    }
  };

  // The profile may since have been changed or deleted: its edges are drawn only between stages of this run, else a chain.
  const loadPipeline = async (profile: string) => {
    try {
      setProfileEdges((await api.detect.pipeline(profile)).edges);
    } catch {
      setProfileEdges([]);
    }
  };

  const loadNames = async (s: DetectStatus) => {
    const [t, b] = await Promise.allSettled([api.detect.timeline(s.timelineId), api.detect.brandList(s.brandListId)]);
    setNames({ timeline: t.status === 'fulfilled' ? t.value.name : null, brandList: b.status === 'fulfilled' ? b.value.name : null });
  };

  const ours = (stream: string) => stream.split(':')[1] === jobId;
  const onLog = (e: StoredEvent) => {
    if (!dedupe.accept(e.position) || !ours(e.stream)) return;
    soon('status', fetchStatus);
  };
  const onTelemetry = (t: Telemetry) => {
    if (t.data?.jobId === jobId) soon('status', fetchStatus, tickDelay);
  };
  const onState = (s: LiveState) => {
    setLiveState(s);
    // After a reconnect, read again what a server restart may have changed.
    if (s === 'open') soon('status', fetchStatus, 0);
  };

  let close: (() => void) | null = null;
  const open = () => {
    close?.();
    close = api.live({ job: jobId, after: 0, resumeFrom: () => dedupe.high() }, { onLog, onTelemetry, onState });
  };

  const start = async (): Promise<void> => {
    await Promise.all([fetchStatus(), fetchJob(), fetchStages()]);
    open();
    const s = status();
    if (s) await Promise.all([loadPipeline(s.profile), loadNames(s)]);
  };
  const stop = () => {
    close?.();
    close = null;
    clear();
  };
  /** The app saw the server go away and come back: reopen from the last position, read the status again. */
  const reopen = () => {
    open();
    soon('status', fetchStatus, 0);
  };

  const control = async (name: string, f: () => Promise<DetectStatus>): Promise<void> => {
    setActionError(null);
    setBusy(name);
    try {
      const s = await f();
      seq++;
      apply(s);
    } catch (e) {
      setActionError(errorText(e));
    } finally {
      setBusy(null);
    }
  };

  const order = (): string[] => status()?.stages.map((r) => r.stage) ?? runParams(job())?.order ?? [];

  return {
    jobId,
    status,
    job,
    params: () => runParams(job()),
    names,
    /** The edges to draw (a chain when the profile has none). */
    edges: () => effectiveEdges(order(), profileEdges()),
    stages,
    stageInfo: (name: string): StageInfo | undefined => stages().find((s) => s.name === name),
    /** A stage's whole config as this run ran it; null until the job row is read. */
    config: (stage: string): Record<string, unknown> | null => runParams(job())?.configs[stage] ?? null,
    row: (stage: string): StageRow | null => status()?.stages.find((r) => r.stage === stage) ?? null,
    phase: () => phaseOf(status()),
    replayBlock: (stage: string) =>
      replayBlock(
        status(),
        stage,
        stages().find((s) => s.name === stage),
      ),
    error,
    stagesError,
    actionError,
    busy,
    liveState,
    branches,
    start,
    stop,
    reopen,
    refresh: () => Promise.all([fetchStatus(), fetchJob()]).then(() => undefined),
    stopRun: () => control('stop', () => api.detect.stop(jobId)),
    pause: () => control('pause', () => api.detect.pause(jobId)),
    resume: () => control('resume', () => api.detect.resume(jobId)),
    step: () => control('step', () => api.detect.step(jobId)),
    pauseAfter: (stage: string | null) => control('pause-after', () => api.detect.pauseAfterStage(jobId, stage)),
    /** A new job that runs `stage` again with `overrides` (and the stages after it with `downstream`); its id. Throws the server's refusal. */
    replayStage: async (stage: string, overrides: Record<string, unknown>, downstream: boolean): Promise<string> => {
      const r = await api.detect.replayStage({ jobId, stage, overrides, downstream });
      setBranches((b) => [{ jobId: r.jobId, stage, downstream }, ...b.filter((x) => x.jobId !== r.jobId)]);
      return r.jobId;
    },
  };
};

export type DetectRunStore = ReturnType<typeof createDetectRunStore>;
