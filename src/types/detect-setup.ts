/**
 * What a detection run is set up from, as the API and the log carry it:
 * profiles (a stage graph and per-stage settings), timelines (picks of
 * source video) and brand lists. It imports only the shapes of detect.ts,
 * so the UI can import it type-only.
 */
import type { Brand } from './detect.ts';

export type { Brand } from './detect.ts';

/** What flows along an edge: everything the stage made, or only what it could not resolve (escalation). */
export type EdgeFlow = 'all' | 'unresolved';

export interface PipelineEdge {
  from: string;
  to: string;
  flow: EdgeFlow;
}

export interface Pipeline {
  stages: string[];
  /** Empty: the stages run in the order listed. */
  edges: PipelineEdge[];
}

export interface Profile {
  name: string;
  description: string;
  pipeline: Pipeline;
  /** Per stage, the settings that differ from the defaults (a stage left out takes them all). */
  configs: Record<string, Record<string, unknown>>;
  /** The profile it was duplicated from, if any. */
  basedOn: string | null;
}

export interface ProfileDto extends Profile {
  builtIn: boolean;
  createdAt: string | null;
  updatedAt: string | null;
}

/** A span of one asset, in seconds of that asset. */
export interface Pick {
  assetId: string;
  start: number;
  end: number;
}

export interface Timeline {
  id: string;
  name: string;
  picks: Pick[];
  /** Seconds: the sum of the picks. */
  duration: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface BrandList {
  id: string;
  name: string;
  brands: Brand[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** A timeline + profile + brand list combination that was run: how often, the latest run, the latest completed one. */
export interface ScenarioRun {
  timelineId: string;
  profile: string;
  brandListId: string;
  runs: number;
  lastJobId: string;
  lastStatus: string;
  lastRunAt: string;
  lastCompletedJobId: string | null;
}

/** Detection's own settings: what a run uses when it names no profile or brand list. */
export interface DetectSettings {
  defaultProfile: string;
  defaultBrandListId: string | null;
}

export interface DetectSettingsDto extends DetectSettings {
  /** Who changed them last, and when (null: never changed). */
  updatedBy: string | null;
  updatedAt: string | null;
}

/** A node of a timeline's checkpoint tree: one stage run that produced an output. */
export interface CheckpointNode {
  id: string;
  /** The checkpoint of the stage it started from. */
  parent: string | null;
  job_id: string;
  stage: string;
  /** What groups it (its timeline), or null. */
  scope: string | null;
  overrides: Record<string, unknown>;
  stats: Record<string, number>;
  ms: number;
  created_at: string;
}
