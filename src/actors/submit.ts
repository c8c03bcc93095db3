/** Entry points that users' requests (HTTP, CLI) use to start and stop jobs. */
import { nanoid } from 'nanoid';
import { AppError } from '../errors.ts';
import { jobStream } from '../events/job.ts';
import type { Database } from 'bun:sqlite';
import { assetsTable, findPreset } from '../projections/index.ts';
import type { JobKinds } from '../work/kinds.ts';
import type { ForkRequest } from './replay.ts';
import { sourceFromProbe } from '../work/transcode/params.ts';
import { jobDecider } from './job.ts';
import { mergeOverrides } from './overrides.ts';
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

/** A transcode of an asset with a preset: the asset's facts and a snapshot of the preset become the job's params. */
export const submitTranscode = async (
  d: { runtime: Runtime; kinds: JobKinds; now: () => string; db: Database },
  req: { assetId: string; presetId: string; range?: unknown; jobId?: string; actor?: string },
) => {
  if (typeof req.assetId !== 'string' || !req.assetId) throw new AppError('validation', 'assetId: required');
  if (typeof req.presetId !== 'string' || !req.presetId) throw new AppError('validation', 'presetId: required');
  const asset = assetsTable.load(d.db, [req.assetId]);
  if (!asset) throw new AppError('not_found', `no asset ${req.assetId}`);
  if (asset.status === 'missing') {
    throw new AppError('invalid_state', `asset ${asset.key} cannot be transcoded: its file is no longer in the input store (the last scan found it gone); put the file back and scan again`);
  }
  if (asset.status !== 'ready' || !asset.probe) throw new AppError('invalid_state', `asset ${asset.key} is not transcodable: ${asset.reason ?? 'it is not ready'}`);
  const preset = findPreset(d.db, req.presetId);
  if (!preset) throw new AppError('not_found', `no preset ${req.presetId}`);
  return submitJob(d, {
    kind: 'transcode',
    jobId: req.jobId,
    actor: req.actor,
    params: {
      assetId: asset.id,
      inputKey: asset.key,
      presetId: preset.id,
      preset,
      // The file as it was probed: the job checks it is still the same before it starts.
      source: { ...sourceFromProbe(asset.probe, asset.verdict), size: asset.size, modifiedAt: asset.modified_at },
      ...(req.range !== undefined && req.range !== null ? { range: req.range } : {}),
    },
  });
};

/** A failed or cancelled job runs again as its next attempt (refused past maxAttempts). */
export const retryJob = async (d: { runtime: Runtime; now: () => string }, jobId: string, maxAttempts: number) => {
  const r = await d.runtime.execute(jobStream(jobId), jobDecider, { type: 'RetryJob', data: { maxAttempts, at: d.now() } }, { actor: 'api', correlationId: jobId });
  return { position: r.position };
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
  const { state } = await d.runtime.load(jobStream(req.jobId), jobDecider);
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
