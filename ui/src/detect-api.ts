/**
 * The detection half of the API client (`api.detect`): setup (settings,
 * profiles, stages, timelines, brand lists), sources, runs and their
 * control, replays, checkpoints, overlays and airings. Only paths and
 * shapes live here; api.ts hands in how a call is sent (the session's
 * token, the 401 retry, errors as ApiError).
 */
import type { Page } from '../../src/types/api.ts';
import type { BrandReport } from '../../src/types/detect.ts';
import type { DetectResult, DetectStatus, OverlayMade, ScenarioDto, Source, SourceChunks } from '../../src/types/detect-run.ts';
import type { BrandList, CheckpointNode, DetectSettingsDto, Pick, ProfileDto, Timeline } from '../../src/types/detect-setup.ts';
import type { BrandInput } from '../../src/types/detect.ts';
import type { Job } from './types.ts';

export type { BrandReport, DetectResult, DetectStatus, OverlayMade, ScenarioDto, Source, SourceChunks };
export type { BrandList, CheckpointNode, DetectSettingsDto, Pick, ProfileDto, Timeline };

/** How detect-api sends: a JSON call, or a GET answered as bytes (images behind the token). */
export interface DetectTransport {
  request: <T>(method: string, path: string, body?: unknown) => Promise<T>;
  blob: (path: string) => Promise<Blob>;
  /** A POST of raw bytes with their content type, answered as JSON. */
  upload: <T>(path: string, body: Blob, contentType: string) => Promise<T>;
}

export interface StageInfo {
  name: string;
  description: string;
  /** false: part 2 of detection; the stage reports skipped. */
  available: boolean;
  /** The settings' JSON Schema (type object, properties with type, minimum, maximum, enum, description). */
  schema: Record<string, unknown>;
  defaults: Record<string, unknown>;
}

export interface ResolvedPipeline {
  name: string;
  order: string[];
  edges: { from: string; to: string; flow: 'all' | 'unresolved' }[];
  configs: Record<string, Record<string, unknown>>;
}

export interface ProfileInput {
  name: string;
  description?: string;
  pipeline: { stages: string[]; edges?: { from: string; to: string; flow?: 'all' | 'unresolved' }[] };
  configs?: Record<string, Record<string, unknown>>;
}

export interface RunInput {
  timelineId: string;
  profile?: string;
  brandListId?: string;
  configOverrides?: Record<string, Record<string, unknown>>;
  pauseAfter?: string | null;
  step?: boolean;
}

/** A timeline's frame cache: one entry per extraction (fps and size) kept. */
export interface FrameCache {
  timelineId: string;
  frames: number;
  bytes: number;
  sets: { fps: number; width: number; height: number; frames: number; bytes: number }[];
}

/** A sprite of `count` frames evenly over an asset, each `width`×`height`, side by side; `times[i]` is frame i's second. */
export interface Filmstrip {
  assetId: string;
  url: string;
  count: number;
  width: number;
  height: number;
  times: number[];
}

export interface SourceMedia {
  assetId: string;
  url: string;
  contentType: string;
  /** When the URL stops working (ISO time). */
  expiresAt: string;
}

/** A brand seen in any completed detect job. */
export interface Airing {
  brand: string;
  jobs: number;
  exposureSeconds: number;
  firstSeenAt: string;
  lastSeenAt: string;
}

/** A detect job as the run list shows it: the job row with its result once completed. */
export type DetectJob = Omit<Job, 'result'> & { result?: DetectResult | null };

const id = (s: string) => encodeURIComponent(s);
const qs = (q: Record<string, string | number | undefined | null>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

export interface PageAsk {
  limit?: number;
  offset?: number;
}

export const createDetectApi = ({ request, blob, upload }: DetectTransport) => ({
  settings: () => request<DetectSettingsDto>('GET', '/detect/config'),
  setSettings: (s: { defaultProfile?: string; defaultBrandListId?: string | null }) => request<DetectSettingsDto>('PUT', '/detect/config', s),

  profiles: () => request<ProfileDto[]>('GET', '/detect/config/profiles'),
  profile: (name: string) => request<ProfileDto>('GET', `/detect/config/profiles/${id(name)}`),
  createProfile: (p: ProfileInput) => request<ProfileDto>('POST', '/detect/config/profiles', p),
  updateProfile: (name: string, p: Omit<ProfileInput, 'name'>) => request<ProfileDto>('PUT', `/detect/config/profiles/${id(name)}`, p),
  deleteProfile: (name: string) => request<null>('DELETE', `/detect/config/profiles/${id(name)}`),
  duplicateProfile: (name: string, copy: string) => request<ProfileDto>('POST', `/detect/config/profiles/${id(name)}/duplicate`, { name: copy }),
  pipeline: (name: string) => request<ResolvedPipeline>('GET', `/detect/config/profiles/${id(name)}/pipeline`),

  stages: () => request<StageInfo[]>('GET', '/detect/config/stages'),
  stage: (name: string) => request<StageInfo>('GET', `/detect/config/stages/${id(name)}`),

  timelines: (q: PageAsk = {}) => request<Page<Timeline>>('GET', `/detect/timeline${qs({ ...q })}`),
  timeline: (timelineId: string) => request<Timeline>('GET', `/detect/timeline/${id(timelineId)}`),
  createTimeline: (t: { name: string; picks: Pick[] }) => request<Timeline>('POST', '/detect/timeline', t),
  updateTimeline: (timelineId: string, t: { name?: string; picks?: Pick[] }) => request<Timeline>('PUT', `/detect/timeline/${id(timelineId)}`, t),
  deleteTimeline: (timelineId: string) => request<null>('DELETE', `/detect/timeline/${id(timelineId)}`),
  frameCache: (timelineId: string) => request<FrameCache>('GET', `/detect/timeline/${id(timelineId)}/cache`),
  clearFrameCache: (timelineId: string) => request<{ removed: number }>('DELETE', `/detect/timeline/${id(timelineId)}/cache`),

  brandLists: (q: PageAsk = {}) => request<Page<BrandList>>('GET', `/detect/brands${qs({ ...q })}`),
  brandList: (listId: string) => request<BrandList>('GET', `/detect/brands/${id(listId)}`),
  createBrandList: (b: { name: string; brands: BrandInput[] }) => request<BrandList>('POST', '/detect/brands', b),
  updateBrandList: (listId: string, b: { name?: string; brands?: BrandInput[] }) => request<BrandList>('PUT', `/detect/brands/${id(listId)}`, b),
  deleteBrandList: (listId: string) => request<null>('DELETE', `/detect/brands/${id(listId)}`),
  /** Stores a reference image (PNG or JPEG bytes) for a list; answers its input-store key, to put in a brand's `images`. */
  uploadBrandImage: (listId: string, image: Blob) =>
    upload<{ key: string; url: string }>(`/detect/brands/${id(listId)}/images`, image, image.type || 'image/png'),
  /** A reference image's bytes, by the key a brand lists. */
  brandImage: (listId: string, key: string) => blob(`/detect/brands/${id(listId)}/images/${key.split('/').map(id).join('/')}`),

  sources: (q: PageAsk = {}) => request<Page<Source>>('GET', `/detect/sources${qs({ ...q })}`),
  sourceChunks: (jobId: string) => request<SourceChunks>('GET', `/detect/sources/${id(jobId)}/chunks`),
  filmstrip: (assetId: string, q: { count?: number; height?: number } = {}) =>
    request<Filmstrip>('GET', `/detect/sources/${id(assetId)}/filmstrip${qs({ ...q })}`),
  scenarios: (q: PageAsk = {}) => request<Page<ScenarioDto>>('GET', `/detect/scenarios${qs({ ...q })}`),

  run: (r: RunInput) => request<{ jobId: string }>('POST', '/detect/run', r),
  stop: (jobId: string) => request<DetectStatus>('POST', `/detect/stop/${id(jobId)}`),
  pause: (jobId: string) => request<DetectStatus>('POST', `/detect/pause/${id(jobId)}`),
  resume: (jobId: string) => request<DetectStatus>('POST', `/detect/resume/${id(jobId)}`),
  step: (jobId: string) => request<DetectStatus>('POST', `/detect/step/${id(jobId)}`),
  pauseAfterStage: (jobId: string, stage: string | null) => request<DetectStatus>('POST', `/detect/pause-after-stage/${id(jobId)}`, { stage }),
  clear: (jobId: string) => request<{ removed: number }>('POST', `/detect/clear/${id(jobId)}`),
  status: (jobId: string) => request<DetectStatus>('GET', `/detect/status/${id(jobId)}`),
  runs: (q: PageAsk = {}) => request<Page<DetectJob>>('GET', `/detect/jobs${qs({ ...q })}`),
  runJob: (jobId: string) => request<DetectJob>('GET', `/detect/jobs/${id(jobId)}`),
  replayStage: (r: { jobId: string; stage: string; overrides?: Record<string, unknown>; downstream?: boolean }) =>
    request<{ jobId: string }>('POST', '/detect/replay-stage', r),
  replay: (r: { jobId: string; fromPosition: number; configOverrides?: Record<string, Record<string, unknown>> }) =>
    request<{ jobId: string }>('POST', '/detect/replay', r),
  checkpoints: (timelineId: string, stage?: string) => request<CheckpointNode[]>('GET', `/detect/checkpoints/${id(timelineId)}${stage ? `/${id(stage)}` : ''}`),

  /** Draws `stage`'s findings on frame `seq`, with `layers` (other stages of the run) drawn over it too. */
  overlay: (o: { jobId: string; stage: string; seq: number; layers?: string[] }) => request<OverlayMade>('POST', '/detect/overlays', o),
  /** An overlay's PNG (its URL needs the token, so it comes as bytes for an object URL). */
  overlayImage: (url: string) => blob(url.replace(/^\/api/, '')),

  /** A cached frame of a run as JPEG bytes (what the stages saw), by its number on the timeline. */
  frameImage: (jobId: string, seq: number) => blob(`/detect/frames/${id(jobId)}/${seq}`),
  /** A short-lived signed URL that streams an asset's source file (Range requests work), for a <video>. */
  sourceMedia: (assetId: string) => request<SourceMedia>('GET', `/detect/sources/${id(assetId)}/media`),

  airings: (q: PageAsk & { brandListId?: string } = {}) => request<Page<Airing>>('GET', `/detect/airings${qs({ ...q })}`),
});

export type DetectApi = ReturnType<typeof createDetectApi>;
