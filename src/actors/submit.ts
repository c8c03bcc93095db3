/** Entry points that users' requests (HTTP, CLI) use to start and stop jobs. */
import { AppError } from '../errors.ts';
import type { JobControl } from '../events/job.ts';
import type { ForkRequest } from './replay.ts';
import { checkPlanSize, type AnyJobKind, type JobKinds } from './job-kind.ts';
import { mergeOverrides } from './overrides.ts';
import { actorsOf } from './registry.ts';
import type { Runtime } from './runtime.ts';
import { newId } from '../ids.ts';

type Deps = { runtime: Runtime; now: () => string };

const kindNamed = (kinds: JobKinds, name: string) => {
  const kind = kinds.get(name);
  if (!kind) throw new AppError('validation', `unknown job kind "${name}" (known: ${kinds.names().join(', ')})`);
  return kind;
};

/**
 * Refuses (AppError 'validation'), before anything is written, a job whose
 * plan would make more work items than a job may have: the plan is made
 * once here to count them. A plan that fails here is left to the jobs
 * router, which retries and reports it as it always has; a staged kind
 * plans stage by stage, so only the router can check it.
 */
const checkPlanFits = async (kinds: JobKinds, name: string, kind: AnyJobKind, params: unknown, jobId: string): Promise<void> => {
  if (kind.stages || !kind.plan) return;
  let count: number;
  try {
    count = (await kind.plan(params, { jobId, attempt: 1, signal: AbortSignal.timeout(30_000) })).length;
  } catch {
    return;
  }
  checkPlanSize(kinds, name, params, count);
};

export const submitJob = async (
  d: Deps & { kinds: JobKinds },
  req: { kind: string; params: Record<string, unknown>; jobId?: string; actor?: string; control?: JobControl },
): Promise<{ jobId: string; position: number }> => {
  const kind = kindNamed(d.kinds, req.kind);
  const params = kind.validate(req.params);
  const jobId = req.jobId ?? newId(12);
  await checkPlanFits(d.kinds, req.kind, kind, params, jobId);
  const control = req.control && (req.control.pauseAfter || req.control.step) ? { control: req.control } : {};
  const r = await actorsOf(d.runtime)
    .job(jobId)
    .execute({ type: 'CreateJob', data: { jobId, kind: req.kind, params, ...control, at: d.now() } }, { actor: req.actor ?? 'api', correlationId: jobId });
  return { jobId, position: r.position };
};

/**
 * A job asked for in its kind's own words (the kind's request `fields`, e.g.
 * an asset and a preset): the kind makes them into params. `kind` defaults
 * to the system's default kind.
 */
export const submitRequest = async (
  d: Deps & { kinds: JobKinds },
  req: { kind?: string; fields: Record<string, unknown>; jobId?: string; actor?: string },
): Promise<{ jobId: string; position: number }> => {
  const name = req.kind ?? d.kinds.defaultKind;
  const kind = kindNamed(d.kinds, name);
  if (!kind.request) throw new AppError('validation', `a ${name} job is given by { kind, params }`);
  return submitJob(d, { kind: name, params: kind.request.params(req.fields), jobId: req.jobId, actor: req.actor });
};

export const cancelJob = async (d: Deps, jobId: string, reason = 'cancelled by user') => {
  const r = await actorsOf(d.runtime)
    .job(jobId)
    .execute({ type: 'CancelJob', data: { reason, at: d.now() } }, { actor: 'api', correlationId: jobId });
  return { position: r.position };
};

/** Run control: pause (nothing new starts), resume (optionally as a step: until the current or next stage ends), pause after a named stage (null: none). */
export const controlJob = async (
  d: Deps,
  jobId: string,
  c: { pause: string } | { resume: { step: boolean } } | { pauseAfter: string | null },
  actor = 'api',
) => {
  const at = d.now();
  const cmd =
    'pause' in c
      ? { type: 'PauseJob' as const, data: { reason: c.pause, at } }
      : 'resume' in c
        ? { type: 'ResumeJob' as const, data: { step: c.resume.step, at } }
        : { type: 'SetPauseAfter' as const, data: { stage: c.pauseAfter, at } };
  const r = await actorsOf(d.runtime).job(jobId).execute(cmd, { actor, correlationId: jobId });
  return { position: r.position, changed: r.events.length > 0 };
};

/** A failed or cancelled job runs again as its next attempt (refused past maxAttempts). */
export const retryJob = async (d: Deps, jobId: string, maxAttempts: number) => {
  const r = await actorsOf(d.runtime)
    .job(jobId)
    .execute({ type: 'RetryJob', data: { maxAttempts, at: d.now() } }, { actor: 'api', correlationId: jobId });
  return { position: r.position };
};

/**
 * Refuses a fork whose plan would make more work items than a job may have:
 * the plan it keeps, or (when it plans afresh) the plan its params make.
 */
export const checkForkFits = async (
  d: { kinds: JobKinds },
  fork: { state: { kind: string }; params: Record<string, unknown>; plan: readonly unknown[] | null },
): Promise<void> => {
  const kind = d.kinds.get(fork.state.kind);
  if (!kind) return;
  if (fork.plan) checkPlanSize(d.kinds, fork.state.kind, fork.params, fork.plan.length);
  else await checkPlanFits(d.kinds, fork.state.kind, kind, fork.params, '');
};

/**
 * A fork request as the job's kind wants it: overrides completed (a new
 * presetId brings that preset) and validated, and reuse of recorded chunks
 * only where they still fit the new params.
 */
export const prepareFork = async (
  d: { runtime: Runtime; kinds: JobKinds },
  req: { jobId: string; fromPosition: number; overrides: Record<string, unknown> },
): Promise<ForkRequest & { overrides: Record<string, unknown> }> => {
  const { state } = await actorsOf(d.runtime).job(req.jobId).load();
  if (state.status === 'none') throw new AppError('not_found', `no job ${req.jobId}`);
  const kind = d.kinds.get(state.kind);
  const overrides = kind?.resolveOverrides ? kind.resolveOverrides(req.overrides) : req.overrides;
  const forkKeys = kind?.forkKeys ?? [];
  if (kind && Object.keys(overrides).length) kind.validate(mergeOverrides(state.params, overrides, forkKeys));
  return {
    ...req,
    overrides,
    forkKeys,
    canReuse: kind?.reusable ? (a, b) => kind.reusable!(a, b) : undefined,
    forkPlan: kind?.forkPlan ? (parent, params) => kind.forkPlan!(parent, params) : undefined,
    at: '',
  };
};
