/**
 * A job kind says how a job splits into chunks, what a chunk does, and
 * everything else about it that generic layers must not know: how a
 * request becomes its params, the tags its jobs carry in lists, each
 * chunk's share of the progress, and how its result is shown. The job and
 * chunk actors, the routers, the projections and the routes are the same
 * for every kind; transcoding and detection plug in through `src/system.ts`.
 *
 * A kind is generic over its params `P`, its result `R` and its chunks' spec `S`. The registry
 * holds kinds of many types, so it erases them (`AnyJobKind`): params
 * arrive from the log as the JSON a kind's own `validate` produced.
 */
import { AppError } from '../errors.ts';
import type { ChunkSpec, StageOutcome } from '../events/job.ts';
import type { ForkPlan } from './replay.ts';

/** Which job and attempt a kind's effect works for: output keys derive from it. */
export interface JobContext {
  jobId: string;
  attempt: number;
  signal: AbortSignal;
}

/** A progress tick from running work (telemetry: shown live, never stored). */
export interface WorkProgress {
  /** 0–100, or null when the work cannot tell. */
  percent: number | null;
  fps?: number | null;
  speed?: number | null;
  etaSeconds?: number | null;
}

export interface WorkContext extends JobContext {
  progress(p: WorkProgress): void;
}

/** What a job works on and with, for lists, filters and people (null where a kind has no such thing). */
export interface JobTags {
  assetId: string | null;
  presetId: string | null;
  /** The input-store key it reads. */
  sourceKey: string | null;
  presetName: string | null;
}

export const NO_TAGS: JobTags = { assetId: null, presetId: null, sourceKey: null, presetName: null };

/** How a job's result is shown by the API: a kind with outputs in the output store names them and their URLs. */
export interface ResultView {
  outputs: unknown;
  urls: unknown;
  renditions: unknown[];
  /** The kind's own result, for kinds that show it as it is. */
  result: unknown;
}

/** What a staged kind decides for a stage when it comes up: chunks to run, a skip (with why), or another job's output reused. */
export type StagePlan<S extends object = Record<string, unknown>> =
  | { run: S[] }
  | { skip: string }
  | { reuse: { output: unknown; stats: Record<string, number>; checkpointId: string; from: string } };

/**
 * A kind whose jobs run in stages, one after another in the order it gives:
 * each stage plans its chunks from what the stages before it produced, and
 * its chunks' results become the stage's output. The job and chunk actors,
 * the routers and run control are the same as for any kind.
 */
export interface JobStages<P, S extends object = Record<string, unknown>> {
  /** Pure: the stages of a job with these params, in run order. */
  order(params: P): string[];
  /** A stage's chunk specs (numbered by the job), skip or reuse; `upstream`: the stages finished so far. Effectful: may read their outputs. */
  plan(stage: string, params: P, upstream: Readonly<Record<string, StageOutcome>>, ctx: JobContext): Promise<StagePlan<S>>;
  /** A stage's output and figures from its chunks' results (ordered by chunk number). Idempotent. */
  finish(
    stage: string,
    results: unknown[],
    params: P,
    upstream: Readonly<Record<string, StageOutcome>>,
    ctx: JobContext,
  ): Promise<{ output: unknown; stats: Record<string, number> }>;
  /** Pure, optional: the settings a stage runs with (recorded when it starts) and the overrides it has against its profile (on its checkpoint). */
  settings?(stage: string, params: P): { config: Record<string, unknown>; overrides: Record<string, unknown> };
  /** Pure, optional: what groups this job's checkpoints (detection: its timeline). */
  scope?(params: P): string | null;
}

export interface JobKind<P = unknown, R = unknown, S extends object = Record<string, unknown>> {
  name: string;
  /**
   * A staged kind: `plan` is not used; its stages plan their chunks, and
   * `combine` gets the stages' outputs in run order (skipped ones as null).
   */
  stages?: JobStages<P, S>;
  /** Checks and normalises params; throws AppError('validation') with a human message. */
  validate(params: Record<string, unknown>): P;
  /**
   * Optional: a request in the kind's own words (`POST /api/jobs` with
   * `fields` instead of `params`, e.g. an asset and a preset), made into
   * raw params that `validate` then checks; may look at read models it was
   * given. Throws AppError.
   */
  request?: { fields: readonly string[]; params(body: Record<string, unknown>): Record<string, unknown> };
  /** The effectful planning step (may look at the input); every kind has it but a staged one. */
  plan?(params: P, ctx: JobContext): Promise<ChunkSpec<S>[]>;
  /** Runs one chunk; its result must be plain JSON. Runs again if a worker dies, so outputs go to deterministic keys. */
  run(chunk: ChunkSpec<S>, params: P, ctx: WorkContext): Promise<unknown>;
  /** Pure: the job's result from its chunks' results, ordered by chunk number. */
  combine(results: unknown[], params: P): unknown;
  /** Optional effect after every chunk succeeded (packaging); returns the job's final result. Idempotent. */
  finish?(combined: unknown, params: P, ctx: JobContext): Promise<R>;
  /** Optional: whether chunks made with `before` params are still right with `after` (a fork with overrides). Default: yes. */
  reusable?(before: P, after: P): boolean;
  /**
   * Optional: what a fork with `params` reuses of its parent's recorded work,
   * branch by branch, checking the recorded outputs still exist. Without it a
   * fork keeps the parent's plan and every finished chunk (when `reusable`).
   */
  forkPlan?(parent: { params: P; plan: ChunkSpec<S>[] | null; done: Record<string, unknown> }, params: P): Promise<ForkPlan>;
  /** Optional: top-level params a fork may add that the parent's params lack (every other override key must exist in them). */
  forkKeys?: readonly string[];
  /** Optional: completes a fork's overrides (e.g. a new presetId brings that preset's settings). */
  resolveOverrides?(overrides: Record<string, unknown>): Record<string, unknown>;
  /** Optional effect when an attempt fails or is cancelled: remove its partial outputs. Idempotent. */
  discard?(params: P, ctx: Omit<JobContext, 'signal'>): Promise<void>;
  /** Pure, optional: the tags of a job with these params (default: none). */
  tags?(params: P): JobTags;
  /** Pure, optional: a chunk's share of its job's work, > 0 (default: equal shares). */
  weight?(chunk: ChunkSpec<S>): number;
  /** Pure, optional: the API's view of a result (null until the job completed); default: the result as it is. */
  present?(result: R | null, outputUrl: (key: string) => string): ResultView;
  /**
   * Pure, optional: the span of the job's source a chunk covers, in the
   * source's seconds, with the keys of any pictures of it (thumbnails) once
   * it has run (`result`); null for a chunk that covers no time span. Lets a
   * user pick a job's chunks as ranges of its source.
   */
  sourceSpan?(chunk: ChunkSpec<S>, result: unknown, params: P): { start: number; end: number; thumbs: string[] } | null;
  /**
   * Pure, optional: when a plan makes more work items than a job may have
   * (MPR_MAX_CHUNKS), the param that decides their number and what to do
   * about it, for the refusal's message.
   */
  tooManyChunks?(params: P, count: number, max: number): { field: string; advice: string };
}

// biome-ignore lint/suspicious/noExplicitAny: erases P, R and S so one registry holds every kind (see the header).
export type AnyJobKind = JobKind<any, any, any>;

/** The kinds a system knows, by name; the first one given is the default for requests that name none. */
export interface JobKinds {
  get(name: string): AnyJobKind | undefined;
  names(): string[];
  /** The kind a request without `kind` means. */
  readonly defaultKind: string;
  /** The most work items (chunks) one job may have, over all its stages (default DEFAULT_MAX_CHUNKS). */
  readonly maxChunks?: number;
}

/** MPR_MAX_CHUNKS's default: a job's events, chunk actors and queue entries grow with its chunks, so a plan may not make more. */
export const DEFAULT_MAX_CHUNKS = 1000;

export const kindsOf = (...kinds: AnyJobKind[]): JobKinds => {
  const byName = new Map(kinds.map((k) => [k.name, k]));
  return { get: (name) => byName.get(name), names: () => [...byName.keys()], defaultKind: kinds[0]?.name ?? '' };
};

/** The same kinds, with at most `maxChunks` work items per job. */
export const withMaxChunks = (kinds: JobKinds, maxChunks: number): JobKinds => ({
  get: (name) => kinds.get(name),
  names: () => kinds.names(),
  defaultKind: kinds.defaultKind,
  maxChunks,
});

/**
 * Pure: null when a job of `kind` with `count` work items is within the
 * limit, else the sentence that refuses it (naming the limit, the setting
 * and, by the kind's say, the param to change).
 */
export const planTooLarge = (kinds: JobKinds, kind: string, params: unknown, count: number): string | null => {
  const max = kinds.maxChunks ?? DEFAULT_MAX_CHUNKS;
  if (count <= max) return null;
  let hint: { field: string; advice: string } | null = null;
  try {
    hint = kinds.get(kind)?.tooManyChunks?.(params, count, max) ?? null;
  } catch {
    hint = null; // a hint is words for a message, never a reason to fail otherwise
  }
  const limit = `this plan makes ${count} work items, more than MPR_MAX_CHUNKS (${max})`;
  return hint ? `${hint.field}: ${limit}; ${hint.advice}` : `${limit}; ask for less work in one job`;
};

/** Throws AppError('validation') when a job's plan makes more work items than a job may have. */
export const checkPlanSize = (kinds: JobKinds, kind: string, params: unknown, count: number): void => {
  const refused = planTooLarge(kinds, kind, params, count);
  if (refused) throw new AppError('validation', refused);
};

/** Pure: a kind's tags for params (none for an unknown kind, or on a failure: tags are a label, never a reason to drop an event). */
export const tagsOf = (kinds: JobKinds, kind: string, params: unknown): JobTags => {
  const k = kinds.get(kind);
  try {
    return k?.tags ? k.tags(params) : NO_TAGS;
  } catch {
    return NO_TAGS;
  }
};

/** Pure: a chunk's weight by its kind's say (1 by default, and for anything not a positive finite number). */
export const weightOf = (kinds: JobKinds, kind: string, chunk: ChunkSpec): number => {
  const w = kinds.get(kind)?.weight?.(chunk) ?? 1;
  return Number.isFinite(w) && w > 0 ? w : 1;
};

/** Pure: the API's view of a job's result. */
export const presentResult = (kinds: JobKinds, kind: string, result: unknown, outputUrl: (key: string) => string): ResultView => {
  const k = kinds.get(kind);
  return k?.present ? k.present(result, outputUrl) : { outputs: null, urls: null, renditions: [], result };
};
