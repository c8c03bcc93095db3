/**
 * What the API answers (pure): read-model rows become the camelCase shapes
 * that clients and the UI rely on, and list queries are parsed once with
 * messages that name the bad parameter.
 */
import { AppError } from '../errors.ts';
import type { AssetView, ChunkView, JobView } from '../projections/index.ts';
import type { ApiKeyView, UserView } from '../projections/users.ts';
import type { ResultView } from '../actors/job-kind.ts';
import type { AssetDto, ChunkDto, JobDto, JobResultView } from '../types/api.ts';
import type { ApiKeyDto, UserDto } from '../types/accounts.ts';

export const userDto = (u: UserView): UserDto => ({
  id: u.id,
  email: u.email,
  role: u.role,
  disabled: u.disabled === 1,
  mustChangePassword: u.must_change_password === 1,
  createdAt: u.created_at,
  updatedAt: u.updated_at,
});

/** A key as its owner sees it: never its secret; `lastUsedMs` from the session store. */
export const keyDto = (k: ApiKeyView, lastUsedMs: number | null): ApiKeyDto => ({
  id: k.id,
  name: k.name,
  scopes: k.scopes,
  prefix: `mpr_${k.id.slice(0, 6)}`,
  createdAt: k.created_at,
  expiresAt: k.expires_at,
  lastUsedAt: lastUsedMs === null ? null : new Date(lastUsedMs).toISOString(),
  revoked: k.revoked_at !== null,
});

/** `/api/outputs/<key>`: where a browser fetches an output (each path segment escaped). */
export const outputUrl = (key: string) => `/api/outputs/${key.split('/').map(encodeURIComponent).join('/')}`;

export const assetDto = (a: AssetView): AssetDto => ({
  id: a.id,
  key: a.key,
  name: a.key.split('/').at(-1) ?? a.key,
  /** The key's directory ('' at the root of the input store). */
  folder: a.key.includes('/') ? a.key.slice(0, a.key.lastIndexOf('/')) : '',
  kind: a.kind,
  status: a.status,
  reason: a.reason,
  size: a.size,
  modifiedAt: a.modified_at,
  duration: a.duration,
  width: a.width,
  height: a.height,
  videoCodec: a.video_codec,
  audioCodec: a.audio_codec,
  probe: a.probe,
  comment: a.comment,
  registeredAt: a.registered_at,
  updatedAt: a.updated_at,
});

/**
 * A job as the API answers it; `view` is its result as its kind shows it
 * (JobKind.present). ResultView is kind-agnostic (unknown fields: the actors
 * know no job kind), so it is read here as the contract's JobResultView: the
 * one kind that presents (transcode) is checked against it where it builds
 * the view (presentTranscode), and kinds without `present` answer nulls.
 * A job whose outputs were deleted with its asset names no URLs: they would
 * only answer 410 (its `outputs` keys stay, as the record of what it made).
 */
export const jobDto = (j: JobView, view: ResultView): JobDto => {
  const shown = view as JobResultView;
  const gone = j.outputs_deleted_at !== null;
  return {
    id: j.id,
    kind: j.kind,
    assetId: j.asset_id,
    presetId: j.preset_id,
    sourceKey: j.source_key,
    sourceName: j.source_name,
    presetName: j.preset_name,
    status: j.status,
    progress: j.progress,
    error: j.error,
    errorDetail: j.error_detail,
    attempt: j.attempts,
    parent: j.parent,
    chunksTotal: j.chunks_total,
    chunksDone: j.chunks_done,
    outputs: shown.outputs,
    urls: gone ? null : shown.urls,
    renditions: gone ? [] : shown.renditions,
    result: shown.result,
    params: j.params,
    createdAt: j.created_at,
    updatedAt: j.updated_at,
    completedAt: j.completed_at,
    outputsDeleted: j.outputs_deleted_at === null ? null : { at: j.outputs_deleted_at },
  };
};

export const chunkDto = (c: ChunkView): ChunkDto => ({
  jobId: c.job_id,
  attempt: c.attempt,
  n: c.n,
  status: c.status,
  spec: c.spec,
  error: c.error,
  worker: c.worker,
  createdAt: c.created_at,
  startedAt: c.started_at,
  finishedAt: c.finished_at,
});

export interface Page {
  limit: number;
  offset: number;
}

const wholeNumber = (name: string, v: string | undefined, fallback: number, min: number, max: number): number => {
  if (v === undefined || v === '') return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new AppError('validation', `${name}: a whole number from ${min} to ${max}, got "${v}"`);
  return Number(v);
};

/** `limit` (1–500, default 50) and `offset`. */
export const parsePage = (q: Record<string, string | undefined>): Page => ({
  limit: wholeNumber('limit', q.limit, 50, 1, 500),
  offset: wholeNumber('offset', q.offset, 0, 0, Number.MAX_SAFE_INTEGER),
});

/** A value from a fixed set, or undefined when absent. */
export const oneOf = <T extends string>(name: string, v: string | undefined, allowed: readonly T[]): T | undefined => {
  if (v === undefined || v === '') return undefined;
  if (!allowed.includes(v as T)) throw new AppError('validation', `${name}: one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
};

/** `?position` style integers: absent → undefined. */
export const optionalPosition = (name: string, v: string | undefined): number | undefined =>
  v === undefined || v === '' ? undefined : wholeNumber(name, v, 0, 0, Number.MAX_SAFE_INTEGER);

/** A JSON body that must be an object with only `allowed` fields. */
export const objectBody = (body: unknown, allowed: readonly string[]): Record<string, unknown> => {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new AppError('validation', 'the request body must be a JSON object');
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length)
    throw new AppError(
      'validation',
      `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (allowed: ${allowed.join(', ')})`,
    );
  return body as Record<string, unknown>;
};
