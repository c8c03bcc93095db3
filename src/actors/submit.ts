/** Entry points that users' requests (HTTP, CLI) use to start and stop jobs. */
import { nanoid } from 'nanoid';
import { AppError } from '../errors.ts';
import { jobStream } from '../events/job.ts';
import type { JobKinds } from '../work/kinds.ts';
import { jobDecider } from './job.ts';
import type { Runtime } from './runtime.ts';

export const submitJob = async (
  d: { runtime: Runtime; kinds: JobKinds; now: () => string },
  req: { kind: string; params: Record<string, unknown>; jobId?: string; actor?: string },
): Promise<{ jobId: string; position: number }> => {
  const kind = d.kinds.get(req.kind);
  if (!kind) throw new AppError('validation', `unknown job kind "${req.kind}" (known: ${[...d.kinds.keys()].join(', ')})`);
  const params = kind.validate(req.params);
  const jobId = req.jobId ?? nanoid(12);
  const r = await d.runtime.execute(
    jobStream(jobId),
    jobDecider,
    { type: 'CreateJob', data: { jobId, kind: req.kind, params, at: d.now() } },
    { actor: req.actor ?? 'api', correlationId: jobId },
  );
  return { jobId, position: r.position };
};

export const cancelJob = async (d: { runtime: Runtime; now: () => string }, jobId: string, reason = 'cancelled by user') => {
  const r = await d.runtime.execute(jobStream(jobId), jobDecider, { type: 'CancelJob', data: { reason, at: d.now() } }, { actor: 'api', correlationId: jobId });
  return { position: r.position };
};
