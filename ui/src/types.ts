/**
 * The UI's own views of the API's shapes. The shapes themselves live in
 * src/types/api.ts (imported type-only, so no server code reaches the
 * bundle); import them from there. What is here is only where the UI reads
 * less than the server sends: fields that older servers leave out (the UI
 * falls back, see names.ts), measurements a player copes without, and a
 * preset as a form edits it. Each is derived from the server's shape, and the
 * checks at the end make `tsc -p ui` fail when the server's answer no longer
 * fits what the UI reads.
 */
import type {
  AssetDto,
  AudioSpec,
  ChunkDto,
  JobDto,
  JobProgressData,
  ChunkProgressData,
  Preset as ServerPreset,
  Rendition as ServerRendition,
  ScanResult as ServerScanResult,
  StoredEvent as ServerStoredEvent,
  TelemetryFrame,
  TimeRange,
  VideoSpec,
} from '../../src/types/api.ts';

/** `K` may be absent: the UI falls back or does without. */
type Loose<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;
/** `K` may be null: not known. */
type OrNull<T, K extends keyof T> = Omit<T, K> & { [P in K]: T[P] | null };
/** Literal unions widened to what a form input yields (the server validates them). */
type Widened<T> = { [K in keyof T]: T[K] extends string ? string : T[K] extends number ? number : T[K] };

/** Older servers send no `folder` (names.ts derives it from the key); the list never reads the probe. */
export type Asset = Loose<AssetDto, 'folder' | 'probe' | 'updatedAt'>;

/**
 * Older servers send only ids (names.ts falls back to them), and no
 * `outputsDeleted` (absent: not deleted). `range` is not sent by this server
 * yet: the UI reads the trim from `params.range` until it is.
 */
export type Job = Loose<JobDto, 'sourceKey' | 'sourceName' | 'presetName' | 'params' | 'outputs' | 'result' | 'outputsDeleted'> & {
  range?: TimeRange | null;
};

export type Chunk = Loose<ChunkDto, 'worker' | 'startedAt'>;

/** The player shows a rendition whose measurements are unknown. */
export type Rendition = OrNull<ServerRendition, 'codec' | 'bitrate' | 'averageBitrate' | 'bytes' | 'duration'> & { language?: string | null };

/** Older servers did not report files gone missing. */
export type ScanResult = Loose<ServerScanResult, 'restored' | 'missing' | 'missingKeys'>;

/** `actor` may be null in events made by hand (tests, imports). */
export type StoredEvent = Omit<ServerStoredEvent, 'meta'> & { meta: OrNull<ServerStoredEvent['meta'], 'actor'> };

/** A preset as the forms edit it: codec, x264 preset, channels and sample rate are whatever the inputs hold until the server checks them. */
export type Preset = Omit<ServerPreset, 'video' | 'audio'> & { video: Widened<VideoSpec> | null; audio: Widened<AudioSpec> | null };

/**
 * An `event: telemetry` frame as the stores read it: one shape for both
 * kinds, the chunk's number and attempt only on chunk-progress.
 */
export interface Telemetry {
  topic: string;
  kind: TelemetryFrame['kind'] | (string & {});
  data: Pick<JobProgressData, 'jobId' | 'percent' | 'fps' | 'etaSeconds'> & Partial<Pick<ChunkProgressData, 'n' | 'attempt'>>;
  at: string;
}

/** The live connection's state (UI only). */
export type LiveState = 'connecting' | 'open' | 'reconnecting';

// The contract checks: each server shape must fit the UI's view of it.
type Fits<Ui, _Server extends Ui> = true;
// biome-ignore lint/correctness/noUnusedVariables: never read; tsc checking its members is the point.
type ContractChecks = [
  Fits<Asset, AssetDto>,
  Fits<Job, JobDto>,
  Fits<Chunk, ChunkDto>,
  Fits<Rendition, ServerRendition>,
  Fits<ScanResult, ServerScanResult>,
  Fits<StoredEvent, ServerStoredEvent>,
  Fits<Preset, ServerPreset>,
  Fits<Telemetry, Extract<TelemetryFrame, { kind: 'job-progress' }>>,
  // A known gap, kept visible: chunk-progress `percent` is null when the work
  // cannot tell, but stores/job-detail.ts hands it on as a number. When that
  // handles null, widen Telemetry's percent and this expectation fails: drop it.
  // @ts-expect-error chunk-progress percent may be null
  Fits<Telemetry, Extract<TelemetryFrame, { kind: 'chunk-progress' }>>,
];
