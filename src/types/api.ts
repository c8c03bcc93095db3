/**
 * The HTTP API's request and response shapes: the one description that the
 * server and the UI share. The UI imports it type-only; the server proves it
 * answers these (dto.ts and presentTranscode are annotated with them, and
 * src/http/api-types.test.ts checks the routes that build their answers inline).
 *
 * No imports of server modules here, only the import-free media.ts: the UI's
 * type-check follows every import of this file, and anything reaching Bun,
 * SQLite or Elysia would drag their types (and a temptation to import their
 * code) into the browser build.
 *
 * Shapes say what the server sends today. A field is optional only where the
 * server leaves it out; a client that copes with older servers says so in its
 * own types (ui/src/types.ts).
 */
import type { ChunkSpecDto, StoredEvent } from './job-state.ts';
import type { Preset, Probe, RungSpec, ThumbnailSpec, X264Preset } from './media.ts';

export type { ChunkSpecDto, JobActorState, JobStateAt, StageOutcome, StateAt, StoredEvent } from './job-state.ts';

// Preset lives in media.ts because the server keeps it in events and plans
// ladders from it; media.ts imports nothing, so it is as safe to share as this file.
export type { AudioSpec, Preset, PresetOutput, Probe, ProbeStream, RungSpec, ThumbnailSpec, VideoSpec, X264Preset } from './media.ts';

/** Every list the API answers: one page and the count of all matches. */
export interface Page<T> {
  items: T[];
  total: number;
}

/** Every 4xx/5xx body. `code`: an ErrorCode (src/errors.ts), or `internal` for a bug. */
export interface ErrorBody {
  error: { code: string; message: string };
}

// --- assets ------------------------------------------------------------------

/** `missing`: the file was deleted from the input store (the reason says so). */
export type AssetStatus = 'ready' | 'invalid' | 'missing';
export type AssetKind = 'video' | 'audio';

export interface AssetDto {
  id: string;
  key: string;
  /** The key's last part. */
  name: string;
  /** The key's directory ('' at the root of the input store). */
  folder: string;
  kind: AssetKind | null;
  status: AssetStatus;
  reason: string | null;
  size: number;
  modifiedAt: string;
  duration: number | null;
  width: number | null;
  height: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  probe: Probe | null;
  comment: string;
  registeredAt: string;
  updatedAt: string;
}

export type AssetList = Page<AssetDto>;

export interface AssetDeleted {
  /** Always true. */
  deleted: boolean;
  outputsDeleted: number;
}

/** `POST /api/assets/scan`. */
export interface ScanResult {
  found: number;
  registered: number;
  skipped: number;
  /** Changed files probed again. */
  updated: number;
  /** Files marked missing before and back now. */
  restored: number;
  /** Registered files this scan no longer found: marked missing. */
  missing: number;
  /** Keys registered, updated or restored. */
  keys: string[];
  /** Keys marked missing. */
  missingKeys: string[];
}

// --- presets -----------------------------------------------------------------

export type PresetList = Page<Preset>;

/**
 * `POST /api/presets` and `PUT /api/presets/:id`: missing parts take defaults,
 * an explicit null switches a section off (src/media/preset-validation.ts).
 * Codecs accept aliases (libx264, avc1); a full Preset is a valid input.
 */
export interface PresetInput {
  /** POST: required; PUT: taken from the path. */
  id?: string;
  name: string;
  description?: string;
  /** Ignored: only the built-in presets are built in. */
  builtin?: boolean;
  output: Preset['output'];
  video?: { codec?: string; encoderPreset?: X264Preset; rungs: RungSpec[]; maxFps?: number } | null;
  audio?: { codec?: string; bitrate?: number; channels?: number; sampleRate?: number } | null;
  segmentSeconds?: number;
  thumbnails?: Partial<ThumbnailSpec> | null;
}

// --- jobs ----------------------------------------------------------------------

/** QUEUED: planned, waiting for a worker; PAUSED: told to pause (nothing new starts until resumed). */
export type JobStatus = 'PENDING' | 'QUEUED' | 'PROCESSING' | 'PAUSED' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

/** A trim: seconds of the source. */
export interface TimeRange {
  start: number;
  end: number;
}

/** The output keys (in the output store) of a kind that makes media: a playlist ladder, files, sprites. */
export interface MediaOutputs {
  master: string | null;
  playlists: string[];
  mp4: string[];
  audio: string | null;
  sprites: string[];
  thumbnailsVtt: string | null;
  thumbnailsJson: string | null;
  poster: string | null;
}

/** The same outputs as `/api/outputs/...` URLs a browser fetches. */
export type JobUrls = MediaOutputs;

/** One output rendition, measured on the output. */
export interface Rendition {
  name: string;
  type: 'video' | 'audio' | 'subtitles';
  /** Subtitles: the track's language (BCP 47, 'und' when unknown). */
  language?: string;
  /** Its playlist (HLS) or file (MP4, M4A) in the output store, and where a browser gets it. */
  key: string;
  url: string;
  /** RFC 6381 codecs string. */
  codec: string;
  width: number | null;
  height: number | null;
  /** Peak and average bits per second. */
  bitrate: number;
  averageBitrate: number;
  bytes: number;
  duration: number;
}

/**
 * A job's result as its kind shows it. A kind that makes media fills the
 * first three once completed; other kinds leave them empty and show `result`
 * as it is.
 */
export interface JobResultView {
  outputs: MediaOutputs | null;
  urls: JobUrls | null;
  renditions: Rendition[];
  result: unknown;
}

/** A job's outputs deleted with its asset (DELETE /api/assets/:id?deleteOutputs=true): when. */
export interface OutputsDeleted {
  at: string;
}

export interface JobDto extends JobResultView {
  id: string;
  kind: string;
  /** Tags by kind (a transcode's asset and preset), null where a kind has none. */
  assetId: string | null;
  presetId: string | null;
  sourceKey: string | null;
  sourceName: string | null;
  presetName: string | null;
  status: JobStatus;
  /** 0–100, live while it runs. */
  progress: number;
  error: string | null;
  /** The tool's own words for a failure (ffmpeg's stderr tail). */
  errorDetail: string | null;
  /** The current attempt: 1, then one more per retry. */
  attempt: number;
  /** The job it was forked from. */
  parent: string | null;
  chunksTotal: number;
  chunksDone: number;
  /** The job's parameters as validated; a trimmed transcode's carry its `range`. */
  params: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  /** Its outputs were deleted with its asset: it then names no URLs (`urls` null, no renditions) and the files answer 410. */
  outputsDeleted: OutputsDeleted | null;
}

export type JobList = Page<JobDto>;

/**
 * `POST /api/jobs`: any kind by its params (checksum: `{ inputKey, chunkBytes? }`).
 * A kind may also take a request in its own words, its fields beside `kind`
 * (the kind's module types them: a transcode's `{ assetId, presetId, range? }`);
 * without `kind`, the server's default kind is meant.
 */
export interface CreateJobRequest {
  kind?: string;
  params?: Record<string, unknown>;
}

/** `POST /api/jobs/:id/fork`. */
export interface ForkRequest {
  /** The log position to re-run from. */
  fromPosition: number;
  /** Params to change, merged into the parent's. */
  overrides?: Record<string, unknown>;
  /** Only say what would be reused and run again (answers a ForkSummary, not a JobDto). */
  dryRun?: boolean;
}

/** One chunk of a fork's plan: its branches reused and run again, and why. */
export interface ForkChunk {
  n: number;
  type: string;
  reused: string[];
  rerun: string[];
  why?: string;
}

/** A dry-run fork's answer. */
export interface ForkSummary {
  /** Finished chunks the new job keeps. */
  reused: number;
  /** Chunks it runs again; null when the plan is redone. */
  rerun: number | null;
  chunks: ForkChunk[];
  overrides: Record<string, unknown>;
  fromVersion: number;
  lastEvent: string | null;
}

// --- chunks --------------------------------------------------------------------

export type ChunkStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface ChunkDto {
  jobId: string;
  attempt: number;
  n: number;
  status: ChunkStatus;
  spec: ChunkSpecDto;
  /** The failure, or why it was cancelled. */
  error: string | null;
  /** The node that runs (or ran) it. */
  worker: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export type ChunkList = Page<ChunkDto>;

// --- the log -------------------------------------------------------------------

export type EventList = Page<StoredEvent>;

// --- live: SSE ------------------------------------------------------------------

/** `job-progress` telemetry: the job's weighted percent over its chunks. */
export interface JobProgressData {
  jobId: string;
  attempt: number;
  percent: number;
  /** Frames per second over its running chunks; null when none report it. */
  fps: number | null;
  etaSeconds: number | null;
  /** Chunks running now. */
  running: number;
}

/** `chunk-progress` telemetry: one running chunk. */
export interface ChunkProgressData {
  jobId: string;
  n: number;
  attempt: number;
  /** null when the work cannot tell. */
  percent: number | null;
  fps: number | null;
  speed: number | null;
  etaSeconds: number | null;
}

/** An `event: telemetry` frame's data: a live-bus message, never logged, never replayed, no `id:`. */
export type TelemetryFrame = { topic: string; at: string } & (
  | { kind: 'job-progress'; data: JobProgressData }
  | { kind: 'chunk-progress'; data: ChunkProgressData }
);

/** An event log's identity: its epoch id (set with its first event; null while it is empty) and its head position. */
export interface LogIdentity {
  epoch: string | null;
  head: number;
}

/** A log found replaced or gone backwards under the read models, which were folded again from it. */
export interface LogReplacement {
  at: string;
  reason: string;
  /** The log the read models had folded: its epoch and how far. */
  previous: { epoch: string | null; position: number };
  /** The log found instead. */
  current: LogIdentity;
}

/** `GET /api/events` and `/api/jobs/:id/events` (Accept: text/event-stream): each event name and its JSON data. */
export interface SseFrames {
  log: StoredEvent;
  telemetry: TelemetryFrame;
}

// --- system ----------------------------------------------------------------------

export interface SystemStatus {
  version: string;
  log: {
    backend: 'sqlite' | 'redis';
    position: number;
    /** The log's id, set with its first event (null while it is empty). */
    epoch: string | null;
    /**
     * The last time this node found its log replaced or gone backwards (Redis
     * came back empty, a stale replica), and rebuilt its read models from the
     * log as it was then; null if never.
     */
    replaced: LogReplacement | null;
  };
  projections: { name: string; version: number; position: number; errors: number; lastError: string | null }[];
  routers: { name: string; position: number }[];
  workers: {
    size: number;
    busy: number;
    /** Chunks waiting: in this process (local queue) or in the Redis consumer group. */
    queued: number;
    queue: 'local' | 'redis';
    /** Redis queue only: chunks claimed by any worker and not yet acked. */
    runningAnywhere?: number;
  };
  storage: { input: string; output: string };
  /** The binaries in use, or why none could be found. */
  ffmpeg: { ffmpeg: string; ffprobe: string } | { error: string };
}

// --- small request bodies -------------------------------------------------------

/** `PATCH /api/assets/:id`. */
export interface CommentRequest {
  comment: string;
}

/** `POST /api/assets/scan` (the body is optional). */
export interface ScanRequest {
  /** Only keys under this prefix. */
  prefix?: string;
}
