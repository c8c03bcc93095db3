import type { AssetEvent } from './asset.ts';
import type { ChunkEvent } from './chunk.ts';
import type { JobEvent } from './job.ts';
import type { PresetEvent } from './preset.ts';
import type { StageEvent } from './stage.ts';
import type { StoredEvent } from './types.ts';
import type { UploadEvent } from './upload.ts';
import type { BrandListEvent, DetectSettingsEvent, ProfileEvent, TimelineEvent } from './detect-setup.ts';
import type { UserEvent } from './user.ts';

export type { EventMeta, EventShape, NewEvent, StoredEvent, CorruptEventData } from './types.ts';
export { CORRUPT_EVENT } from './types.ts';
export type { JobEvent, JobEventType, ChunkSpec } from './job.ts';
export { jobStream } from './job.ts';
export type { ChunkEvent } from './chunk.ts';
export { chunkStream } from './chunk.ts';
export type { StageEvent } from './stage.ts';
export { stageStream } from './stage.ts';
export type { AssetEvent, AssetFacts } from './asset.ts';
export { assetStream, assetIdFor } from './asset.ts';
export type { PresetEvent } from './preset.ts';
export { presetStream } from './preset.ts';
export type { UserEvent, Role, Scope } from './user.ts';
export { userStream } from './user.ts';
export type { UploadEvent, UploadMode } from './upload.ts';
export { uploadStream } from './upload.ts';
export type { BrandListEvent, DetectSettingsEvent, ProfileEvent, TimelineEvent } from './detect-setup.ts';
export { brandListStream, detectSettingsStream, profileStream, timelineStream } from './detect-setup.ts';
export type { EventLog, AppendResult, LogBackend } from './log/index.ts';

/**
 * Every event MPR's streams hold. Type names are unique across the unions,
 * so narrowing on `type` alone gives the payload; the kind of its stream
 * (`streamKind`) agrees with the union it belongs to.
 */
export type DomainEvent =
  | JobEvent
  | ChunkEvent
  | AssetEvent
  | PresetEvent
  | StageEvent
  | UserEvent
  | UploadEvent
  | ProfileEvent
  | TimelineEvent
  | BrandListEvent
  | DetectSettingsEvent;
export type DomainEventType = DomainEvent['type'];

/**
 * A stored event as folds and routers see it. The log's own type is
 * `StoredEvent` (any type: it also holds `$corrupt` rows and types a newer
 * version wrote); readers treat it as this union and pass over the rest in
 * their `default` branch.
 */
export type LoggedEvent = StoredEvent<DomainEvent>;

/** `job:abc` → `job`; `chunk:abc:3` → `chunk`. */
export const streamKind = (stream: string): string => stream.split(':', 1)[0]!;
/** `job:abc` → `abc`; `chunk:abc:3` → `abc:3`; a name without a kind is its own id. */
export const streamId = (stream: string): string => stream.slice(stream.indexOf(':') + 1);
