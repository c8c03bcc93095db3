/**
 * A timeline's checkpoint tree and the comparison of two of its checkpoints:
 * the tree is fetched on load and on refresh; picking a checkpoint fetches
 * its job (`GET /detect/jobs/:id`, for its settings and its brand report)
 * once, kept by job id; a job not ended yet, or one that could not be
 * fetched, is fetched again on refresh.
 */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import {
  buildForest,
  commonAncestor,
  type ConfigDiff,
  configDiff,
  type Forest,
  layoutForest,
  pathSettings,
  pathTo,
  type ReportDiff,
  reportDiff,
  type Settings,
  shortId,
  type StatsDiffRow,
  statsDiff,
  type TreeLayout,
} from '../checkpoint-tree.ts';
import type { BrandReport, CheckpointNode, DetectJob } from '../detect-api.ts';
import { errorText } from '../format.ts';
import { createPagedList } from './paged.ts';

export type CheckpointsApi = Pick<Api, 'detect'>;

/** A picked checkpoint's job: being fetched, fetched, or not fetched (the server's words). */
export type JobEntry = { state: 'loading' } | { state: 'loaded'; job: DetectJob } | { state: 'failed'; message: string };

export interface Side {
  node: CheckpointNode;
  /** From its root down to it. */
  path: CheckpointNode[];
  job: JobEntry | null;
}

export interface Comparison {
  a: Side;
  b: Side;
  /** The last checkpoint both paths hold (where they branch), or null (other roots). */
  common: CheckpointNode | null;
  /** What the config diff compares: each job's whole settings of the stages on its path (both jobs fetched), else the overrides along the paths. */
  basis: 'settings' | 'overrides';
  config: ConfigDiff;
  stats: StatsDiffRow[];
  /** A's job's report against B's; null when one is missing (`missing` says why). */
  report: ReportDiff | null;
  missing: string[];
}

const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A job's whole settings of the stages on a path (a job runs or reuses each with its own params' config), when its params carry them. */
const jobSettings = (e: JobEntry | null, path: readonly CheckpointNode[]): Settings | null => {
  const configs = e?.state === 'loaded' ? e.job.params?.configs : undefined;
  if (!isObj(configs)) return null;
  const out: Settings = {};
  for (const n of path) {
    const c = configs[n.stage];
    out[n.stage] = isObj(c) ? c : {};
  }
  return out;
};

export const reportOf = (e: JobEntry | null): BrandReport | null => (e?.state === 'loaded' ? (e.job.result?.report ?? null) : null);

/** Why a job's report cannot be compared yet, in words; null when it can. */
export const whyNoReport = (jobId: string, e: JobEntry | null): string | null => {
  const job = `Job ${shortId(jobId)}`;
  if (!e || e.state === 'loading') return `Loading job ${shortId(jobId)}…`;
  if (e.state === 'failed') return `${job} could not be fetched: ${e.message}`;
  const { status, error } = e.job;
  if (status === 'FAILED') return `${job} failed${error ? ` (${error.replace(/\.$/, '')})` : ''}: it has no report.`;
  if (status === 'CANCELLED') return `${job} was cancelled: it has no report.`;
  if (!ENDED.has(status)) {
    const how = status === 'PAUSED' ? 'is paused' : status === 'PROCESSING' ? 'is still running' : 'is waiting to run';
    return `${job} ${how}: its report comes when it completes.`;
  }
  if (!reportOf(e)) return `${job} has no report: its profile has no compile_report stage.`;
  return null;
};

/** Pure: checkpoint `a` against checkpoint `b` of a forest, with what is known of their jobs. */
export const compareCheckpoints = (f: Forest, a: string, b: string, jobs: Readonly<Record<string, JobEntry>>): Comparison | null => {
  const side = (id: string): Side | null => {
    const node = f.byId.get(id);
    return node ? { node, path: pathTo(f, id), job: jobs[node.job_id] ?? null } : null;
  };
  const [sa, sb] = [side(a), side(b)];
  if (!sa || !sb) return null;
  const [wa, wb] = [jobSettings(sa.job, sa.path), jobSettings(sb.job, sb.path)];
  const basis = wa && wb ? 'settings' : 'overrides';
  const config = wa && wb ? configDiff(wa, wb) : configDiff(pathSettings(sa.path), pathSettings(sb.path));
  let report: ReportDiff | null = null;
  let missing: string[] = [];
  if (sa.node.job_id === sb.node.job_id) {
    missing = [`Both checkpoints are of job ${shortId(sa.node.job_id)}: there is one report, nothing to compare it with.`];
  } else {
    missing = [whyNoReport(sa.node.job_id, sa.job), whyNoReport(sb.node.job_id, sb.job)].filter((m): m is string => m !== null);
    const [ra, rb] = [reportOf(sa.job), reportOf(sb.job)];
    if (missing.length === 0 && ra && rb) report = reportDiff(ra, rb);
  }
  return { a: sa, b: sb, common: commonAncestor(sa.path, sb.path), basis, config, stats: statsDiff(sa.path, sb.path), report, missing };
};

/** The last result of `f` while its inputs are the same objects (signals hand out new ones on change). */
const lastOf = <I extends unknown[], O>(f: (...i: I) => O) => {
  let last: { i: I; o: O } | null = null;
  return (...i: I): O => {
    if (!last || last.i.length !== i.length || last.i.some((x, k) => x !== i[k])) last = { i, o: f(...i) };
    return last.o;
  };
};

export const createCheckpointsStore = (api: CheckpointsApi, timelineId: string) => {
  // The tree comes whole: one page of a paged list, for its guards (an older answer that comes later is dropped).
  const tree = createPagedList<CheckpointNode>(async () => {
    const items = await api.detect.checkpoints(timelineId);
    return { items, total: items.length };
  }, Number.MAX_SAFE_INTEGER);
  const nodes = tree.items;
  const [picked, setPicked] = createSignal<string[]>([]);
  const [jobs, setJobs] = createSignal<Record<string, JobEntry>>({});
  const inFlight = new Map<string, Promise<void>>();

  const forestOf = lastOf(buildForest);
  const forest = () => forestOf(nodes());
  const layoutOf = lastOf(layoutForest);
  const compareOf = lastOf((f: Forest, p: string[], j: Record<string, JobEntry>) => (p.length === 2 ? compareCheckpoints(f, p[0]!, p[1]!, j) : null));

  const fetchJob = (jobId: string): Promise<void> => {
    const running = inFlight.get(jobId);
    if (running) return running;
    // A job fetched before stays on show while it is fetched again.
    if (jobs()[jobId]?.state !== 'loaded') setJobs((j) => ({ ...j, [jobId]: { state: 'loading' } }));
    const p = api.detect
      .runJob(jobId)
      .then(
        (job) => setJobs((j) => ({ ...j, [jobId]: { state: 'loaded', job } })),
        (e) => setJobs((j) => ({ ...j, [jobId]: { state: 'failed', message: errorText(e) } })),
      )
      .then(() => void inFlight.delete(jobId));
    inFlight.set(jobId, p);
    return p;
  };
  const pickedJobs = () => [
    ...new Set(
      picked()
        .map((id) => forest().byId.get(id)?.job_id)
        .filter((j): j is string => !!j),
    ),
  ];
  /** The picked checkpoints' jobs not fetched yet; with `again`, also those not ended or not fetched last time. */
  const fetchPicked = async (again: boolean) => {
    const stale = (e: JobEntry | undefined) => !e || (again && (e.state === 'failed' || (e.state === 'loaded' && !ENDED.has(e.job.status))));
    await Promise.all(
      pickedJobs()
        .filter((j) => stale(jobs()[j]))
        .map(fetchJob),
    );
  };

  /** The tree again; picks of checkpoints no longer in it go. */
  const load = async (): Promise<void> => {
    await tree.load();
    const ids = new Set(nodes().map((n) => n.id));
    if (picked().some((id) => !ids.has(id))) setPicked((p) => p.filter((id) => ids.has(id)));
  };

  return {
    timelineId,
    nodes,
    loaded: tree.loaded,
    loading: tree.loading,
    error: tree.error,
    load,
    /** The tree again, and the picked jobs that may have moved on since (running, or not fetched). */
    async refresh() {
      await load();
      await fetchPicked(true);
    },
    forest,
    layout: (): TreeLayout => layoutOf(forest()),
    /** The picked checkpoints' ids, the older pick first (A), at most two. */
    picked,
    /** Picks a checkpoint, or unpicks it; a third pick replaces the older one. Resolves once its job is fetched. */
    pick(id: string): Promise<void> {
      setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-2)));
      return fetchPicked(false);
    },
    clearPicks: () => setPicked([]),
    /** The fetched jobs by id. */
    jobs,
    comparison: (): Comparison | null => compareOf(forest(), picked(), jobs()),
  };
};

export type CheckpointsStore = ReturnType<typeof createCheckpointsStore>;
