/**
 * The API's shapes for OpenAPI (`/api/openapi/json`): one model per thing
 * the API answers or takes, shared as `#/components/schemas/<Name>` so a
 * client generator makes one type per model (route answers and errors:
 * openapi-responses.ts; the documenting kinds: schema-kinds.ts).
 *
 * What a route takes (bodies, path parameters) is checked against these
 * schemas before its handler runs: types, lengths, ranges, list sizes, and
 * no unknown fields (`additionalProperties: false`, enforced by input.ts's
 * `strict` hook, since Elysia's normalizer would drop them silently). The
 * handler checks the rest by hand (dto.ts, the deciders) with a sentence
 * naming the parameter: what a value means, and query numbers, which stay
 * `documented(...)` (Elysia validating a query against `integer` answers its
 * own terse message instead of ours). Answers are not validated: that would
 * strip every field a model lacks. Contract tests check real answers against
 * these models (openapi.test.ts).
 */
import { t, type TSchema } from 'elysia';
import { MAX_COMMENT } from '../actors/asset.ts';
import { ACCOUNT_MODELS } from './account-schemas.ts';
import { UPLOAD_MODELS } from './upload-schemas.ts';
import { PRESET_MODELS } from './preset-schemas.ts';
import { DETECT_MODELS } from './detect-schemas.ts';
import { DETECT_RUN_MODELS } from './detect-run-schemas.ts';
import { DETECT_AIRING_MODELS } from './detect-airing-schemas.ts';
import { DETECT_SOURCE_MODELS } from './detect-source-schemas.ts';
import { DETECT_MEDIA_MODELS } from './detect-media-schemas.ts';
import { WORKERS_MODELS } from './workers-schemas.ts';
import { STATUS } from './errors.ts';
import { int, iso, items, nullable, uncheckedField } from './schema-kinds.ts';

/** Every `error.code`: each ErrorCode with its status (errors.ts), and `internal` for a bug. */
const ERROR_CODES = [...Object.keys(STATUS), 'internal'];

// --- errors -----------------------------------------------------------------

export const ErrorBody = t.Object(
  {
    error: t.Object({
      code: t.Union(
        ERROR_CODES.map((c) => t.Literal(c)),
        {
          description:
            'validation 400, unauthorized 401, forbidden 403, not_found 404, invalid_state and conflict 409, too_large 413, unsupported_media_type 415, corrupt 422, rate_limited 429, unavailable 503, insufficient_storage 507, unrecoverable and internal 500',
        },
      ),
      message: t.String({ description: 'A sentence for a person: what is wrong and, where it helps, what to do' }),
    }),
  },
  { description: 'Every error answer' },
);

// --- assets -----------------------------------------------------------------

const ProbeStream = t.Object(
  {
    index: int({ description: "ffprobe's stream index in the container" }),
    type: t.String({ description: 'video | audio | subtitle | data | attachment' }),
    codec: nullable(t.String()),
    width: t.Optional(nullable(int())),
    height: t.Optional(nullable(int())),
    language: t.Optional(nullable(t.String())),
  },
  { description: 'One stream as probed (more fields: profile, bitrate, rotation, fps, pixFmt, channels, sampleRate, ...)' },
);

export const Probe = t.Object(
  {
    container: t.String({ description: 'ffprobe format_name' }),
    duration: nullable(t.Number({ description: 'seconds' })),
    size: int(),
    bitrate: nullable(t.Number()),
    streams: t.Array(ProbeStream),
  },
  { description: 'What ffprobe found in the file' },
);

export const Asset = t.Object(
  {
    id: t.String(),
    key: t.String({ description: 'The key in the input store, e.g. shows/day one/clip.mp4' }),
    name: t.String({ description: 'The file name: the key after its last /' }),
    folder: t.String({ description: "The key's folder ('' at the root of the input store)" }),
    kind: nullable(t.Union([t.Literal('video'), t.Literal('audio')])),
    status: t.Union([t.Literal('ready'), t.Literal('invalid'), t.Literal('missing')], { description: 'missing: a rescan no longer found the file' }),
    reason: nullable(t.String({ description: 'Why the file is invalid, as a sentence' })),
    size: int({ description: 'bytes' }),
    modifiedAt: iso(),
    duration: nullable(t.Number({ description: 'seconds' })),
    width: nullable(int()),
    height: nullable(int()),
    videoCodec: nullable(t.String()),
    audioCodec: nullable(t.String()),
    probe: nullable(Probe),
    comment: t.String(),
    registeredAt: iso(),
    updatedAt: iso(),
  },
  { description: 'A media file of the input store, registered by a scan' },
);

export const AssetList = items(Asset, 'assets matching the filters');

export const ScanResult = t.Object({
  found: int({ description: 'media files listed' }),
  registered: int(),
  skipped: int({ description: 'unchanged since the last scan' }),
  updated: int({ description: 'changed files probed again' }),
  restored: int({ description: 'files marked missing before and back now' }),
  missing: int({ description: 'registered files this scan no longer found' }),
  keys: t.Array(t.String(), { description: 'keys registered, updated or restored' }),
  missingKeys: t.Array(t.String()),
});

export const AssetDeleted = t.Object({ deleted: t.Literal(true), outputsDeleted: int({ description: 'output files removed (deleteOutputs=true)' }) });

export const CommentBody = t.Object({ comment: t.String({ maxLength: MAX_COMMENT }) }, { additionalProperties: false });
export const ScanBody = t.Object(
  { prefix: t.Optional(t.String({ maxLength: 1024, description: 'only keys under this prefix' })) },
  { additionalProperties: false },
);

// --- path parameters -----------------------------------------------------------

/**
 * `/:id` of a `what`: every id MPR makes (nanoid, hashes, random tokens,
 * preset ids) is letters, digits, '-' and '_', so anything else (a slash,
 * '..', a NUL, a megabyte) is refused before a handler or a stream name sees it.
 */
export const idParams = (what: string) =>
  t.Object({ id: t.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: `${what} id (letters, digits, - and _)` }) });

// --- jobs and chunks --------------------------------------------------------

export const TimeRange = t.Object(
  { start: t.Number({ minimum: 0, description: 'seconds of the source' }), end: t.Number({ description: 'seconds of the source, after start' }) },
  { description: 'A trim: the output covers exactly [start, end) of the source, frame-accurately, with timestamps from 0' },
);

const Outputs = t.Object(
  {
    master: nullable(t.String()),
    playlists: t.Array(t.String()),
    mp4: t.Array(t.String()),
    audio: nullable(t.String()),
    sprites: t.Array(t.String()),
    thumbnailsVtt: nullable(t.String()),
    thumbnailsJson: nullable(t.String()),
    poster: nullable(t.String()),
  },
  { description: 'Output-store keys (outputs) or /api/outputs URLs (urls)' },
);

export const Rendition = t.Object({
  name: t.String({ description: '360p, audio, or a subtitle track' }),
  type: t.Union([t.Literal('video'), t.Literal('audio'), t.Literal('subtitles')]),
  language: t.Optional(t.String({ description: 'subtitles: BCP 47, und when unknown' })),
  key: t.String({ description: 'its playlist (HLS) or file (MP4, M4A)' }),
  url: t.String({ description: 'where to fetch it: /api/outputs/...' }),
  codec: t.String(),
  width: nullable(int()),
  height: nullable(int()),
  bitrate: t.Number({ description: 'peak bits per second, measured' }),
  averageBitrate: t.Number(),
  bytes: int(),
  duration: t.Number({ description: 'seconds' }),
});

const JOB_STATUS = t.Union(
  ['PENDING', 'QUEUED', 'PROCESSING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'].map((s) => t.Literal(s)),
  {
    description: 'PENDING: not planned yet; QUEUED: planned, no chunk started; PROCESSING; PAUSED (nothing new starts); then COMPLETED, FAILED or CANCELLED',
  },
);

export const Job = t.Object(
  {
    id: t.String(),
    kind: t.String({ description: 'transcode, checksum, ...' }),
    assetId: nullable(t.String()),
    presetId: nullable(t.String()),
    sourceKey: nullable(t.String({ description: 'the input key it works on' })),
    sourceName: nullable(t.String({ description: 'its file name' })),
    presetName: nullable(t.String()),
    range: t.Optional(nullable(TimeRange)),
    status: JOB_STATUS,
    progress: t.Number({ minimum: 0, maximum: 100, description: 'percent, live while it runs' }),
    error: nullable(t.String({ description: 'why it failed, as a sentence' })),
    errorDetail: nullable(t.String({ description: "ffmpeg's stderr tail" })),
    attempt: int({ minimum: 1 }),
    parent: nullable(t.String({ description: 'the job it was forked from' })),
    chunksTotal: int(),
    chunksDone: int(),
    outputs: nullable(Outputs),
    urls: nullable(Outputs),
    renditions: t.Array(Rendition),
    result: t.Unknown({ description: 'other kinds: their result (checksum: { sha256List, bytes, chunks }); null for transcodes' }),
    params: t.Record(t.String(), t.Unknown()),
    createdAt: iso(),
    updatedAt: iso(),
    completedAt: nullable(iso()),
    outputsDeleted: nullable(
      t.Object({ at: iso() }, { description: 'its outputs were deleted with its asset (then urls is null and renditions empty; the files answer 410)' }),
    ),
  },
  { description: 'A job and, once COMPLETED, where its outputs are' },
);

export const JobList = items(Job, 'jobs matching the filters');

export const CreateJobBody = t.Object(
  {
    assetId: t.Optional(t.String({ maxLength: 64, description: 'transcode: the asset' })),
    presetId: t.Optional(t.String({ maxLength: 64, description: 'transcode: the preset' })),
    range: t.Optional(uncheckedField(TimeRange, 'transcode: trim to { start, end }, seconds of the source')),
    kind: t.Optional(t.String({ maxLength: 64, description: 'default transcode; other kinds take params (checksum: { inputKey, chunkBytes? })' })),
    params: t.Optional(t.Record(t.String({ maxLength: 64 }), t.Unknown(), { maxProperties: 64 })),
  },
  // Open: each job kind may add request fields of its own (JobKind.request.fields). The route knows
  // them all and objectBody names any other in a 400; the kind's validate checks params.
  { additionalProperties: true, description: '{ assetId, presetId, range? } for a transcode, or { kind, params }' },
);

export const ForkBody = t.Object(
  {
    fromPosition: int({ description: 'the log position to re-run from', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    overrides: t.Optional(
      t.Record(t.String({ maxLength: 200 }), t.Unknown(), { maxProperties: 64, description: 'params to change, merged into the parent’s' }),
    ),
    dryRun: t.Optional(t.Boolean({ description: 'only say what would be reused and re-run' })),
  },
  { additionalProperties: false },
);

export const ForkSummary = t.Object(
  {
    reused: int({ description: 'finished chunks reused' }),
    rerun: nullable(int({ description: 'chunks run again; null: the job is planned again' })),
    chunks: t.Array(t.Object({ n: int(), type: t.String(), reused: t.Array(t.String()), rerun: t.Array(t.String()), why: t.Optional(t.String()) })),
    overrides: t.Record(t.String(), t.Unknown()),
    fromVersion: int(),
    lastEvent: nullable(t.String()),
  },
  { description: 'What a fork would reuse and run again (dryRun)' },
);

export const Chunk = t.Object({
  jobId: t.String(),
  attempt: int({ minimum: 1 }),
  n: int({ minimum: 0 }),
  status: t.Union(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'].map((s) => t.Literal(s))),
  spec: t.Record(t.String(), t.Unknown(), { description: 'what the chunk covers, per kind' }),
  error: nullable(t.String()),
  worker: nullable(t.String({ description: 'the node that runs or ran it' })),
  createdAt: iso(),
  startedAt: nullable(iso()),
  finishedAt: nullable(iso()),
});

export const ChunkList = items(Chunk, 'chunks of the attempt(s)');

// --- the log ----------------------------------------------------------------

export const StoredEvent = t.Object(
  {
    stream: t.String({ description: 'job:<id>, chunk:<job>:<n>, asset:<id>, ...' }),
    version: int({ minimum: 1, description: "the event's number in its stream" }),
    position: int({ minimum: 1, description: 'global log position; SSE ids are positions' }),
    type: t.String(),
    data: t.Unknown(),
    meta: t.Object({
      at: iso(),
      actor: t.Optional(t.String()),
      causationId: t.Optional(nullable(t.String())),
      correlationId: t.Optional(nullable(t.String())),
    }),
  },
  { description: 'An event as stored in the log' },
);

export const EventList = items(StoredEvent, 'events');

export const StateAt = t.Object(
  {
    stream: t.String(),
    position: int({ description: 'the position asked for' }),
    version: int({ description: "the stream's version as of that position" }),
    last: nullable(StoredEvent),
    state: t.Unknown({ description: "the actor's state folded up to that position" }),
  },
  { description: "An actor's state as of a log position (time travel)" },
);

// --- system -----------------------------------------------------------------

export const SystemStatus = t.Object({
  version: t.String(),
  log: t.Object({
    backend: t.Union([t.Literal('sqlite'), t.Literal('redis')]),
    position: int(),
    epoch: nullable(t.String({ description: "the log's id, set with its first event" })),
    replaced: nullable(
      t.Object(
        {
          at: t.String(),
          reason: t.String(),
          previous: t.Object({ epoch: nullable(t.String()), position: int() }),
          current: t.Object({ epoch: nullable(t.String()), head: int() }),
        },
        { description: 'the last time this node found its log replaced or gone backwards and rebuilt its read models from it' },
      ),
    ),
  }),
  projections: t.Array(t.Object({ name: t.String(), version: int(), position: int(), errors: int(), lastError: nullable(t.String()) })),
  routers: t.Array(t.Object({ name: t.String(), position: int() })),
  workers: t.Object({
    size: int(),
    busy: int(),
    queued: int({ description: 'chunks waiting for a worker' }),
    queue: t.Union([t.Literal('local'), t.Literal('redis')]),
    runningAnywhere: t.Optional(int({ description: 'redis queue: chunks taken by any worker, not yet acknowledged' })),
  }),
  storage: t.Object({ input: t.String(), output: t.String() }),
  ffmpeg: t.Union([t.Object({ ffmpeg: t.String(), ffprobe: t.String() }), t.Object({ error: t.String() })]),
});

/** Every shared model, by the name it has under #/components/schemas. */
export const MODELS = {
  Error: ErrorBody,
  Asset,
  AssetList,
  Probe,
  ScanResult,
  ScanBody,
  AssetDeleted,
  CommentBody,
  ...PRESET_MODELS,
  Job,
  JobList,
  CreateJobBody,
  TimeRange,
  Rendition,
  ForkBody,
  ForkSummary,
  Chunk,
  ChunkList,
  StoredEvent,
  EventList,
  StateAt,
  SystemStatus,
  ...ACCOUNT_MODELS,
  ...UPLOAD_MODELS,
  ...DETECT_MODELS,
  ...DETECT_RUN_MODELS,
  ...DETECT_AIRING_MODELS,
  ...DETECT_SOURCE_MODELS,
  ...DETECT_MEDIA_MODELS,
  ...WORKERS_MODELS,
} as const satisfies Record<string, TSchema>;

export type ModelName = keyof typeof MODELS;

/**
 * Pure: the models as JSON Schema for `components.schemas`, each nested
 * model replaced by a $ref to its own entry (TypeBox nests them by value).
 */
export const componentSchemas = (): Record<string, object> => {
  const names = new Map<unknown, string>(Object.entries(MODELS).map(([name, schema]) => [schema, name]));
  const plain = (v: unknown, root: boolean): unknown => {
    if (!root && names.has(v)) return { $ref: `#/components/schemas/${names.get(v)}` };
    if (Array.isArray(v)) return v.map((x) => plain(x, false));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x, false)])); // symbol keys (TypeBox's Kind) drop out
    return v;
  };
  return Object.fromEntries(Object.entries(MODELS).map(([name, schema]) => [name, plain(schema, true) as object]));
};
