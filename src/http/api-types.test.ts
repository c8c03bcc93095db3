/**
 * The API contract (src/types/api.ts) against the server. At compile time: the
 * types of what routes and actors build inline must fit the contract (tsc
 * fails here otherwise; dto.ts and presentTranscode are annotated instead).
 * At run time: real answers of a booted system carry exactly the keys the
 * contract names, and the contract module imports nothing of the server.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Static } from 'elysia';
import type { JobState } from '../actors/job.ts';
import type { forkSummary, StateAt as ServerStateAt } from '../actors/replay.ts';
import type { ScanResult as ServerScanResult } from '../actors/scan.ts';
import type { StoredEvent as LogStoredEvent } from '../events/types.ts';
import { createMemoryBus, type BusMessage } from '../live/bus.ts';
import type { System } from '../system.ts';
import { createProgressTracker } from '../work/progress.ts';
import { presentTranscode, type TranscodeRequest } from '../work/transcode/request.ts';
import { testEnv } from '../../test/system.ts';
import { until } from '../../test/wait.ts';
import type {
  AssetDeleted,
  AssetDto,
  ChunkDto,
  ChunkProgressData,
  CommentRequest,
  CreateJobRequest,
  ErrorBody,
  ForkRequest,
  ForkSummary,
  JobActorState,
  JobDto,
  JobProgressData,
  JobUrls,
  Page,
  Preset,
  PresetInput,
  Rendition,
  ScanRequest,
  ScanResult,
  StateAt,
  StoredEvent,
  SystemStatus,
  TelemetryFrame,
} from '../types/api.ts';
import { createApp } from './app.ts';
import type { assetsRoutes } from './assets-routes.ts';
import type { ErrorBody as ServerErrorBody } from './errors.ts';
import type { jobsRoutes } from './jobs-routes.ts';
import type { presetsRoutes } from './presets-routes.ts';
import type * as presetSchemas from './preset-schemas.ts';
import type * as schemas from './schemas.ts';
import type { systemRoutes } from './system-routes.ts';
import { signedIn } from '../../test/auth.ts';

// --- compile time --------------------------------------------------------------

/** `From` must be assignable to `To`. */
type Fits<To, _From extends To> = true;

/**
 * What a route answers with 200, from Elysia's own inference of its handler.
 * Not `never` for a route that is not there: never fits everything, so the check would pass unseen.
 */
type Answer<Route> = Route extends { response: { 200: infer R } } ? ([R] extends [never] ? 'no answer' : R) : 'no such route';
type SystemRoutes = ReturnType<typeof systemRoutes>['~Routes'];
type AssetRoutes = ReturnType<typeof assetsRoutes>['~Routes'];
type JobRoutes = ReturnType<typeof jobsRoutes>['~Routes'];
type PresetRoutes = ReturnType<typeof presetsRoutes>['~Routes'];

export type ContractChecks = [
  // Answers built inline in route files (a `satisfies` there is another engineer's file).
  Fits<SystemStatus, Answer<SystemRoutes['system']['status']['get']>>,
  Fits<ScanResult, Answer<AssetRoutes['assets']['scan']['post']>>,
  Fits<AssetDeleted, Answer<AssetRoutes['assets'][':id']['delete']>>,
  Fits<Page<AssetDto>, Answer<AssetRoutes['assets']['get']>>,
  Fits<Page<JobDto>, Answer<JobRoutes['jobs']['get']>>,
  Fits<JobDto, Answer<JobRoutes['jobs'][':id']['get']>>,
  Fits<JobDto | ForkSummary, Answer<JobRoutes['jobs'][':id']['fork']['post']>>,
  Fits<StateAt, Answer<JobRoutes['jobs'][':id']['state']['get']>>,
  Fits<Page<ChunkDto>, Answer<JobRoutes['jobs'][':id']['chunks']['get']>>,
  Fits<Page<Preset>, Answer<PresetRoutes['presets']['get']>>,
  Fits<Preset, Answer<PresetRoutes['presets'][':id']['get']>>,
  // Shapes the actors and the log define, written out in the contract: both ways, no field more or less.
  Fits<ScanResult, ServerScanResult>,
  Fits<ServerScanResult, ScanResult>,
  Fits<ForkSummary, ReturnType<typeof forkSummary>>,
  Fits<ReturnType<typeof forkSummary>, ForkSummary>,
  Fits<StateAt, ServerStateAt>,
  Fits<ServerStateAt, StateAt>,
  Fits<JobActorState, JobState>,
  Fits<JobState, JobActorState>,
  Fits<StoredEvent, LogStoredEvent>,
  Fits<LogStoredEvent, StoredEvent>,
  Fits<ErrorBody, ServerErrorBody>,
  Fits<ServerErrorBody, ErrorBody>,
  Fits<BusMessage, TelemetryFrame>,
  // Request bodies: what the contract lets a client send passes the route's schema.
  Fits<Static<typeof schemas.CreateJobBody>, CreateJobRequest>,
  Fits<Static<typeof schemas.CreateJobBody>, TranscodeRequest>,
  Fits<Static<typeof schemas.ForkBody>, ForkRequest>,
  Fits<Static<typeof schemas.CommentBody>, CommentRequest>,
  Fits<Static<typeof schemas.ScanBody>, ScanRequest>,
  Fits<Static<typeof presetSchemas.PresetInput>, PresetInput>,
  // A preset as answered may be sent back as it is (the UI's edit form does).
  Fits<PresetInput, Preset>,
  // The OpenAPI models (schemas.ts) describe what the contract says is answered.
  Fits<Static<typeof schemas.Asset>, AssetDto>,
  Fits<Static<typeof schemas.ScanResult>, ScanResult>,
  Fits<Static<typeof presetSchemas.Preset>, Preset>,
  Fits<Static<typeof schemas.Job>, JobDto>,
  Fits<Static<typeof schemas.ForkSummary>, ForkSummary>,
  Fits<Static<typeof schemas.Chunk>, ChunkDto>,
  Fits<Static<typeof schemas.StoredEvent>, StoredEvent>,
  Fits<Static<typeof schemas.StateAt>, StateAt>,
  Fits<Static<typeof schemas.SystemStatus>, SystemStatus>,
];

// --- run time ------------------------------------------------------------------

/** Every key of T: true where the contract says it is always there, false where it may be absent. */
type Keys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? false : true };

/** `body` has every always-there key of `spec` and no key `spec` does not name. */
const expectKeys = (what: string, body: unknown, spec: Record<string, boolean>) => {
  expect(body, what).toBeObject();
  const have = Object.keys(body as object);
  expect({ what, unknown: have.filter((k) => !(k in spec)).sort() }).toEqual({ what, unknown: [] });
  expect({ what, missing: Object.keys(spec).filter((k) => spec[k] && !have.includes(k)) }).toEqual({ what, missing: [] });
};

const SYSTEM = { version: true, log: true, projections: true, routers: true, workers: true, storage: true, ffmpeg: true } satisfies Keys<SystemStatus>;
const WORKERS = { size: true, busy: true, queued: true, queue: true, runningAnywhere: false } satisfies Keys<SystemStatus['workers']>;
const SCAN = {
  found: true,
  registered: true,
  skipped: true,
  updated: true,
  restored: true,
  missing: true,
  keys: true,
  missingKeys: true,
} satisfies Keys<ScanResult>;
const PAGE = { items: true, total: true } satisfies Keys<Page<unknown>>;
const PRESET = {
  id: true,
  name: true,
  description: true,
  builtin: true,
  output: true,
  video: true,
  audio: true,
  segmentSeconds: true,
  thumbnails: true,
} satisfies Keys<Preset>;
const JOB = {
  id: true,
  kind: true,
  assetId: true,
  presetId: true,
  sourceKey: true,
  sourceName: true,
  presetName: true,
  status: true,
  progress: true,
  error: true,
  errorDetail: true,
  attempt: true,
  parent: true,
  chunksTotal: true,
  chunksDone: true,
  outputs: true,
  urls: true,
  renditions: true,
  result: true,
  params: true,
  createdAt: true,
  updatedAt: true,
  completedAt: true,
  outputsDeleted: true,
} satisfies Keys<JobDto>;
const CHUNK = {
  jobId: true,
  attempt: true,
  n: true,
  status: true,
  spec: true,
  error: true,
  worker: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} satisfies Keys<ChunkDto>;
const EVENT = { stream: true, version: true, position: true, type: true, data: true, meta: true } satisfies Keys<StoredEvent>;
const META = { at: true, actor: true, causationId: true, correlationId: true } satisfies Keys<StoredEvent['meta']>;
const STATE_AT = { stream: true, position: true, version: true, last: true, state: true } satisfies Keys<StateAt>;
const JOB_STATE = {
  status: true,
  id: true,
  kind: true,
  params: true,
  parent: true,
  plan: true,
  done: true,
  result: true,
  reason: true,
  attempt: true,
  stage: true,
  stageAt: true,
  stages: true,
  paused: true,
  pauseReason: true,
  pauseAfter: true,
  stepping: true,
  cleared: true,
} satisfies Keys<JobActorState>;
const FORK = { reused: true, rerun: true, chunks: true, overrides: true, fromVersion: true, lastEvent: true } satisfies Keys<ForkSummary>;
const URLS = {
  master: true,
  playlists: true,
  mp4: true,
  audio: true,
  sprites: true,
  thumbnailsVtt: true,
  thumbnailsJson: true,
  poster: true,
} satisfies Keys<JobUrls>;
const RENDITION = {
  name: true,
  type: true,
  language: false,
  key: true,
  url: true,
  codec: true,
  width: true,
  height: true,
  bitrate: true,
  averageBitrate: true,
  bytes: true,
  duration: true,
} satisfies Keys<Rendition>;
const FRAME = { topic: true, kind: true, data: true, at: true } satisfies Keys<TelemetryFrame>;
const JOB_PROGRESS = { jobId: true, attempt: true, percent: true, fps: true, etaSeconds: true, running: true } satisfies Keys<JobProgressData>;
const CHUNK_PROGRESS = { jobId: true, n: true, attempt: true, percent: true, fps: true, speed: true, etaSeconds: true } satisfies Keys<ChunkProgressData>;
const ERROR = { error: true } satisfies Keys<ErrorBody>;

describe('src/types/api.ts', () => {
  test('imports nothing of the server: only media.ts and job-state.ts, which import nothing', async () => {
    const importsOf = async (file: string) =>
      [...(await Bun.file(new URL(file, import.meta.url)).text()).matchAll(/^\s*(?:import|export)[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
    expect(new Set(await importsOf('../types/api.ts'))).toEqual(new Set(['./media.ts', './job-state.ts']));
    expect(await importsOf('../types/job-state.ts')).toEqual([]);
    expect(await importsOf('../types/accounts.ts')).toEqual(['./api.ts']);
    expect(await importsOf('../types/media.ts')).toEqual([]);
  });

  test('presentTranscode answers the outputs, URLs and renditions the contract names', () => {
    const key = (x: string) => `jobs/j/${x}`;
    const view = presentTranscode(
      {
        prefix: 'jobs/j',
        duration: 4,
        outputs: {
          master: key('hls/master.m3u8'),
          playlists: [key('hls/360p/index.m3u8')],
          mp4: [],
          audio: null,
          sprites: [key('sprite_0.jpg')],
          thumbnailsVtt: key('thumbs.vtt'),
          thumbnailsJson: key('thumbs.json'),
          poster: key('poster.jpg'),
        },
        renditions: [
          {
            name: '360p',
            type: 'video',
            key: key('hls/360p/index.m3u8'),
            codec: 'avc1.64001e',
            width: 640,
            height: 360,
            bitrate: 9e5,
            averageBitrate: 8e5,
            bytes: 4e5,
            duration: 4,
          },
        ],
      },
      (k) => `/api/outputs/${k}`,
    );
    expectKeys('outputs', view.outputs, URLS);
    expectKeys('urls', view.urls, URLS);
    expect(view.urls?.master).toBe('/api/outputs/jobs/j/hls/master.m3u8');
    expectKeys('rendition', view.renditions[0], RENDITION);
    expect(presentTranscode(null, String)).toEqual({ outputs: null, urls: null, renditions: [], result: null });
  });

  test('progress telemetry is the job-progress and chunk-progress frames the contract names', () => {
    const bus = createMemoryBus();
    const got: BusMessage[] = [];
    bus.subscribe((m) => got.push(m));
    let t = 0;
    const tracker = createProgressTracker({ bus, now: () => '2026-01-01T00:00:00.000Z', intervalMs: 0, clock: () => (t += 1000) });
    tracker.start(
      'tj',
      1,
      new Map([
        [0, 1],
        [1, 1],
      ]),
      [],
      0,
    );
    tracker.tick('tj', 0, { percent: 50, fps: 30, speed: 1.5, etaSeconds: 2 });
    tracker.end('tj', 0, true);
    expect(new Set(got.map((m) => m.kind))).toEqual(new Set(['job-progress', 'chunk-progress']));
    for (const m of got) {
      expectKeys('frame', m, FRAME);
      expectKeys(m.kind, m.data, m.kind === 'job-progress' ? JOB_PROGRESS : CHUNK_PROGRESS);
    }
  });
});

describe('real answers carry the contract keys', () => {
  const env = testEnv('sqlite', 'api-types');
  let s: System;
  let app: ReturnType<typeof createApp>;

  const call = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
    const res = await app.handle(new Request(`http://localhost${path}`, init));
    return { status: res.status, json: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    // Not a media file: the scan finds nothing to probe (no ffprobe needed), and checksum reads any bytes.
    mkdirSync(join(env.dataDir, 'media/in'), { recursive: true });
    await Bun.write(join(env.dataDir, 'media/in/data.bin'), new Uint8Array(10_000).fill(7));
    s = await env.boot({ workConcurrency: 2 });
    await s.start();
    app = await signedIn(s, createApp(s));
  });
  afterAll(() => env.cleanup());

  test('system status, scan, presets', async () => {
    const status = await call('GET', '/api/system/status');
    expect(status.status).toBe(200);
    expectKeys('status', status.json, SYSTEM);
    expectKeys('status.workers', status.json.workers, WORKERS);

    const scan = await call('POST', '/api/assets/scan', {});
    expect(scan.status).toBe(200);
    expectKeys('scan', scan.json, SCAN);

    const presets = await call('GET', '/api/presets');
    expectKeys('presets', presets.json, PAGE);
    expect(presets.json.items.length).toBeGreaterThan(0);
    for (const p of presets.json.items) expectKeys(`preset ${p.id}`, p, PRESET);
  });

  test('a job, its chunks, events, state and a fork preview; an error', async () => {
    const created = await call('POST', '/api/jobs', { kind: 'checksum', params: { inputKey: 'data.bin', chunkBytes: 4096 } } satisfies CreateJobRequest);
    expect(created.status).toBe(201);
    expectKeys('created job', created.json, JOB);
    const id = created.json.id as string;
    let job: Record<string, unknown> = {};
    await until(
      async () => {
        job = (await call('GET', `/api/jobs/${id}`)).json;
        return ['COMPLETED', 'FAILED', 'CANCELLED'].includes(String(job.status));
      },
      `job ${id} to end`,
      30_000,
    );
    expect(job.status).toBe('COMPLETED');
    expectKeys('job', job, JOB);

    const list = await call('GET', '/api/jobs');
    expectKeys('jobs', list.json, PAGE);
    expectKeys('listed job', list.json.items[0], JOB);

    const chunks = await call('GET', `/api/jobs/${id}/chunks`);
    expectKeys('chunks', chunks.json, PAGE);
    expect(chunks.json.items.length).toBe(3);
    for (const c of chunks.json.items) expectKeys(`chunk ${c.n}`, c, CHUNK);

    const events = await call('GET', `/api/jobs/${id}/events`);
    expectKeys('events', events.json, PAGE);
    const first = events.json.items[0];
    expectKeys('event', first, EVENT);
    expectKeys('event.meta', first.meta, META);

    const state = await call('GET', `/api/jobs/${id}/state`);
    expectKeys('state', state.json, STATE_AT);
    expectKeys('state.state', state.json.state, JOB_STATE);
    expectKeys('state.last', state.json.last, EVENT);

    const fork = await call('POST', `/api/jobs/${id}/fork`, { fromPosition: first.position, dryRun: true } satisfies ForkRequest);
    expect(fork.status).toBe(200);
    expectKeys('fork summary', fork.json, FORK);

    const missing = await call('GET', '/api/jobs/no-such-job');
    expect(missing.status).toBe(404);
    expectKeys('error', missing.json, ERROR);
    expectKeys('error.error', missing.json.error, { code: true, message: true } satisfies Keys<ErrorBody['error']>);
  }, 60_000);
});
