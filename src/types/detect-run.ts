/**
 * Plain-JSON shapes of detection runs as the API answers them: a run stage
 * by stage, replays, overlays, the sources a timeline picks from and the
 * job's result. Import-free but for the other type files, so the UI can
 * import them type-only.
 */
import type { BrandReport } from './detect.ts';
import type { Pick, ScenarioRun } from './detect-setup.ts';

export type StageStatus = 'waiting' | 'running' | 'completed' | 'skipped' | 'failed';

export interface StageRow {
  stage: string;
  status: StageStatus;
  /** Work items planned, and how many reported. */
  chunks: number;
  chunksDone: number;
  ms: number;
  stats: Record<string, number>;
  reason: string | null;
  checkpointId: string | null;
  reusedFrom: string | null;
}

/** A replay: the job it replays, the stage it starts at, whether the stages after it run too, and which stages it takes from that job as they were. */
export interface ReplayOf {
  of: string;
  stage: string;
  downstream: boolean;
  reuse: string[];
}

export interface DetectStatus {
  jobId: string;
  status: string;
  progress: number;
  error: string | null;
  parent: string | null;
  timelineId: string;
  profile: string;
  brandListId: string;
  stage: string | null;
  paused: boolean;
  pauseReason: string | null;
  pauseAfter: string | null;
  stepping: boolean;
  cleared: boolean;
  replay: ReplayOf | null;
  stages: StageRow[];
}

/** A detect job's result: the brand report (null when the profile has no compile_report) and where its files are. */
export interface DetectResult {
  report: BrandReport | null;
  keys: { json: string; intervals: string; brands: string } | null;
  frames: number;
}

export interface OverlayRequest {
  jobId: string;
  stage: string;
  seq: number;
}

export interface OverlayMade extends OverlayRequest {
  /** Other stages of the run drawn over the same frame, after `stage`'s findings. */
  layers: string[];
  timelineId: string;
  /** Seconds from the timeline's start. */
  t: number;
  /** Where to fetch the PNG. */
  url: string;
  /** Its key in the output store. */
  key: string;
  shapes: { boxes: number; lines: number; masks: number };
}

export interface SourceAsset {
  id: string;
  key: string;
  duration: number | null;
  width: number | null;
  height: number | null;
}

export interface SourceJobRow {
  id: string;
  kind: string;
  status: string;
  presetName: string | null;
  createdAt: string;
}

export interface Source extends SourceAsset {
  /** Jobs whose chunks are spans of this asset (GET /sources/:jobId/chunks). */
  jobs: SourceJobRow[];
}

export interface SourceChunk {
  n: number;
  start: number;
  end: number;
  /** Whether it has run (thumbnails come with that). */
  done: boolean;
  thumbs: string[];
  /** The chunk as a timeline pick. */
  pick: Pick;
}

export interface SourceChunks {
  jobId: string;
  assetId: string;
  chunks: SourceChunk[];
}

/** A scenario as the API lists it: named, null where the timeline or brand list was since deleted. */
export interface ScenarioDto extends ScenarioRun {
  timelineName: string | null;
  brandListName: string | null;
}
