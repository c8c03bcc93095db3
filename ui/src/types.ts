/** The shapes the MPR HTTP API answers (see src/http/dto.ts). */

export interface Page<T> {
  items: T[];
  total: number;
}

/** `missing`: the file was deleted from the input store (the reason says so). */
export type AssetStatus = 'ready' | 'invalid' | 'missing';
export type AssetKind = 'video' | 'audio';

export interface Asset {
  id: string;
  key: string;
  name: string;
  /** The key's directory ('' at the root); older servers leave it out. */
  folder?: string;
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
  comment: string;
  registeredAt: string;
}

export interface ScanResult {
  found: number;
  registered: number;
  skipped: number;
  updated: number;
  keys: string[];
}

export interface Rung {
  name: string;
  height: number;
  videoBitrate: number;
}

export type PresetOutput = 'hls' | 'mp4' | 'audio' | 'thumbnails';

export interface Preset {
  id: string;
  name: string;
  description: string;
  builtin: boolean;
  output: PresetOutput;
  video: { codec: string; encoderPreset: string; rungs: Rung[]; maxFps: number } | null;
  audio: { codec: string; bitrate: number; channels: number; sampleRate: number } | null;
  segmentSeconds: number;
  thumbnails: { intervalSeconds: number; width: number; columns: number; rows: number; maxCount: number } | null;
}

/** QUEUED: planned, waiting for a worker. */
export type JobStatus = 'PENDING' | 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

/** A trim: seconds of the source. */
export interface TimeRange {
  start: number;
  end: number;
}

export interface Rendition {
  name: string;
  type: 'video' | 'audio' | 'subtitles';
  /** Subtitles: BCP 47 ('und' when unknown). */
  language?: string | null;
  key: string;
  url: string;
  codec: string | null;
  width: number | null;
  height: number | null;
  bitrate: number | null;
  averageBitrate: number | null;
  bytes: number | null;
  duration: number | null;
}

export interface JobUrls {
  master: string | null;
  playlists: string[];
  mp4: string[];
  audio: string | null;
  sprites: string[];
  thumbnailsVtt: string | null;
  thumbnailsJson: string | null;
  poster: string | null;
}

export interface Job {
  id: string;
  kind: string;
  assetId: string | null;
  presetId: string | null;
  /** The source's file name and key, the preset's name (absent from older servers: show the ids). */
  sourceName?: string | null;
  sourceKey?: string | null;
  presetName?: string | null;
  range?: TimeRange | null;
  /** The job's parameters; a transcode's carry its range too. */
  params?: unknown;
  status: JobStatus;
  progress: number;
  error: string | null;
  errorDetail: string | null;
  attempt: number;
  parent: string | null;
  chunksTotal: number;
  chunksDone: number;
  urls: JobUrls | null;
  renditions: Rendition[];
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface StoredEvent {
  stream: string;
  version: number;
  position: number;
  type: string;
  data: unknown;
  meta: { at: string; actor: string | null; causationId: string | null; correlationId: string | null };
}

export interface JobStateAt {
  stream: string;
  position: number;
  version: number;
  last: StoredEvent | null;
  state: {
    status: string;
    plan: unknown[] | null;
    done: Record<string, unknown>;
    attempt: number;
    reason: string | null;
    [k: string]: unknown;
  };
}

export interface ForkPreview {
  /** Finished chunks the new job keeps. */
  reused: number;
  /** Chunks it runs again; null when the plan is redone. */
  rerun: number | null;
  params: unknown;
}

export type ChunkStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface Chunk {
  jobId: string;
  attempt: number;
  n: number;
  status: ChunkStatus;
  spec: { type: 'video' | 'audio' | string; start?: number; end?: number; weight?: number };
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface SystemStatus {
  version: string;
  log: { backend: string; position: number };
  workers: { size: number; busy: number; queued: number; queue?: string };
}

/** `event: telemetry` frames: progress that never reaches the log. */
export interface Telemetry {
  topic: string;
  kind: 'job-progress' | 'chunk-progress' | string;
  data: { jobId: string; percent: number; fps: number | null; etaSeconds: number | null; n?: number; attempt?: number };
  at: string;
}

export type LiveState = 'connecting' | 'open' | 'reconnecting';
