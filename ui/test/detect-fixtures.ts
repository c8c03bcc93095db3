/**
 * Fixtures for a detection run's tests (the run page, its stage graph and
 * inspector, the report tabs, the overlay viewer): rows shaped as the server
 * answers them (src/types/detect-run.ts, src/types/detect.ts), each builder
 * taking what a test needs different; the log events of a run's stream; and
 * a fake `api.detect` for overlays, with the object URLs it leads to counted.
 */
import { afterEach, beforeEach } from 'bun:test';
import type { BrandReport, BrandSummary, ReportInterval } from '../../src/types/detect.ts';
import type { StageRow } from '../../src/types/detect-run.ts';
import type { Api, ApiError } from '../src/api.ts';
import type { DetectStatus } from '../src/detect-api.ts';
import type { StoredEvent } from '../src/types.ts';

/** A stage of a run's status: nothing done, nothing counted. */
export const stageRow = (stage: string, status: StageRow['status'], over: Partial<StageRow> = {}): StageRow => ({
  stage,
  status,
  chunks: 0,
  chunksDone: 0,
  ms: 0,
  stats: {},
  reason: null,
  checkpointId: null,
  reusedFrom: null,
  ...over,
});

/** Run r1 on timeline t1, running ocr: extract_frames done, match_brands waiting. */
export const detectStatus = (over: Partial<DetectStatus> = {}): DetectStatus => ({
  jobId: 'r1',
  status: 'PROCESSING',
  progress: 40,
  error: null,
  parent: null,
  timelineId: 't1',
  profile: 'soccer_broadcast',
  brandListId: 'b1',
  stage: 'ocr',
  paused: false,
  pauseReason: null,
  pauseAfter: null,
  stepping: false,
  cleared: false,
  replay: null,
  stages: [stageRow('extract_frames', 'completed', { ms: 900 }), stageRow('ocr', 'running', { chunks: 4, chunksDone: 1 }), stageRow('match_brands', 'waiting')],
  ...over,
});

/** An event of a run's log (what the `?job=` stream sends); only its position matters to the run page. */
export const runEvent = (position: number, stream = 'job:r1'): StoredEvent => ({
  stream,
  version: 1,
  position,
  type: 'StageFinished',
  data: {},
  meta: { at: '', actor: null, causationId: null, correlationId: null },
});

export const reportInterval = (brand: string, start: number, end: number, over: Partial<ReportInterval> = {}): ReportInterval => ({
  brand,
  start,
  end,
  duration: end - start,
  hits: 3,
  meanConfidence: 0.8,
  meanScreenShare: 0.02,
  ...over,
});

export const brandSummary = (brand: string, over: Partial<BrandSummary> = {}): BrandSummary => ({
  brand,
  exposureSeconds: 10,
  appearances: 1,
  shareOfVoice: 0.5,
  meanScreenShare: 0.02,
  maxScreenShare: 0.05,
  positionGrid: [0, 0, 0, 0, 1, 0, 0, 0, 0],
  placement: 'centre',
  clarity: 0.9,
  firstSeen: 0,
  lastSeen: 10,
  hits: 20,
  ...over,
});

/** A report of these intervals and summaries, its total exposure the summaries' sum. */
export const brandReport = (intervals: ReportInterval[], brands: BrandSummary[]): BrandReport => ({
  intervals,
  brands,
  totalExposureSeconds: brands.reduce((s, b) => s + b.exposureSeconds, 0),
  frame: { width: 1920, height: 1080 },
  settings: { samplePeriod: 0.5, gapBridgeSeconds: 1, minDurationSeconds: 1 },
});

/**
 * Object URLs made (`blob:test/1`, `blob:test/2`, … afresh in each test) and
 * revoked, so a test can say which are still alive. Call it at the top of a
 * test file: it swaps URL's functions in before each test and back after.
 */
export const trackObjectUrls = () => {
  const urls = { made: [] as string[], revoked: new Set<string>() };
  const real = { create: URL.createObjectURL, revoke: URL.revokeObjectURL };
  beforeEach(() => {
    urls.made = [];
    urls.revoked = new Set();
    URL.createObjectURL = () => {
      const u = `blob:test/${urls.made.length + 1}`;
      urls.made.push(u);
      return u;
    };
    URL.revokeObjectURL = (u: string) => void urls.revoked.add(u);
  });
  afterEach(() => {
    URL.createObjectURL = real.create;
    URL.revokeObjectURL = real.revoke;
  });
  return { urls, alive: () => urls.made.filter((u) => !urls.revoked.has(u)) };
};

export type OverlayAsk = { jobId: string; stage: string; seq: number; layers?: string[] };

/**
 * A detect api for the overlay store and viewer: any frame drawn at once (a
 * frame every half second, on timeline t1 made of `picks`), except those held
 * (answered when released) or refused. `images` lists the PNGs fetched;
 * `calls` the status, timeline and source look-ups.
 */
export const fakeOverlayApi = (o: { refuse?: (a: OverlayAsk) => ApiError | null; picks?: { assetId: string; start: number; end: number }[] } = {}) => {
  const asked: OverlayAsk[] = [];
  const images: string[] = [];
  const calls: string[] = [];
  const held = new Map<number, () => void>();
  const hold = new Set<number>();
  const detect = {
    overlay: async (a: OverlayAsk) => {
      asked.push(a);
      if (hold.has(a.seq)) await new Promise<void>((r) => held.set(a.seq, r));
      const no = o.refuse?.(a);
      if (no) throw no;
      return {
        ...a,
        timelineId: 't1',
        t: a.seq * 0.5,
        url: `/api/detect/overlays/t1/${a.jobId}/${a.stage}/${a.seq}`,
        key: 'k',
        shapes: { boxes: 2, lines: 0, masks: 1 },
      };
    },
    overlayImage: async (url: string) => {
      images.push(url);
      return new Blob(['png'], { type: 'image/png' });
    },
    status: async (jobId: string) => {
      calls.push(`status ${jobId}`);
      return { jobId, timelineId: 't1' };
    },
    timeline: async (id: string) => {
      calls.push(`timeline ${id}`);
      return {
        id,
        picks: o.picks ?? [
          { assetId: 'a', start: 10, end: 12 },
          { assetId: 'b', start: 0, end: 30 },
        ],
      };
    },
    sourceMedia: async (assetId: string) => {
      calls.push(`media ${assetId}`);
      return { assetId, url: `https://s3.local/${assetId}.mp4`, contentType: 'video/mp4', expiresAt: '2999-01-01T00:00:00Z' };
    },
  };
  const api = { detect } as unknown as Pick<Api, 'detect'>;
  return { api, asked, images, calls, hold, release: (seq: number) => held.get(seq)?.() };
};
