/**
 * Shapes for the UI's component tests: API rows as the server answers them,
 * and an app context built from fakes (only what a view under test calls
 * needs to be real).
 */
import { createSignal } from 'solid-js';
import type { Api } from '../src/api.ts';
import type { AppContextValue } from '../src/context.ts';
import type { Route } from '../src/router.ts';
import { createPresetsStore } from '../src/stores/presets.ts';
import type { Asset, Chunk, Job, Preset } from '../src/types.ts';
import type { ApiKeyDto, UserDto } from '../../src/types/accounts.ts';

export const asset = (over: Partial<Asset> = {}): Asset => ({
  id: 'a1',
  key: 'shows/day one/clip.mp4',
  name: 'clip.mp4',
  folder: 'shows/day one',
  kind: 'video',
  status: 'ready',
  reason: null,
  size: 1_000_000,
  modifiedAt: '2026-01-01T00:00:00Z',
  duration: 5.06,
  width: 640,
  height: 360,
  videoCodec: 'h264',
  audioCodec: 'aac',
  comment: '',
  registeredAt: '2026-01-01T00:00:00Z',
  ...over,
});

export const job = (over: Partial<Job> = {}): Job => ({
  id: 'j1',
  kind: 'transcode',
  assetId: 'a1',
  presetId: 'hls-abr',
  sourceName: 'clip.mp4',
  sourceKey: 'shows/day one/clip.mp4',
  presetName: 'HLS ladder',
  range: null,
  status: 'PROCESSING',
  progress: 10,
  error: null,
  errorDetail: null,
  attempt: 1,
  parent: null,
  chunksTotal: 2,
  chunksDone: 0,
  urls: null,
  renditions: [],
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  completedAt: null,
  ...over,
});

export const chunk = (n: number, attempt: number, status: Chunk['status'], over: Partial<Chunk> = {}): Chunk => ({
  jobId: 'j1',
  attempt,
  n,
  status,
  spec: { type: 'video', start: n * 2, end: n * 2 + 2 },
  error: null,
  createdAt: '2026-01-01T00:00:00Z',
  finishedAt: null,
  ...over,
});

export const preset = (id: string, name: string): Preset => ({
  id,
  name,
  description: '',
  builtin: true,
  output: 'hls',
  segmentSeconds: 6,
  video: { codec: 'h264', encoderPreset: 'veryfast', maxFps: 60, rungs: [{ name: '360p', height: 360, videoBitrate: 800_000 }] },
  audio: { codec: 'aac', bitrate: 128_000, channels: 2, sampleRate: 48_000 },
  thumbnails: null,
});

export const user = (over: Partial<UserDto> = {}): UserDto => ({
  id: 'u1',
  email: 'ada@example.com',
  role: 'member',
  disabled: false,
  mustChangePassword: false,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...over,
});

export const apiKey = (over: Partial<ApiKeyDto> = {}): ApiKeyDto => ({
  id: 'k1',
  name: 'nightly ingest',
  scopes: ['read'],
  prefix: 'mpr_AbCd',
  createdAt: '2026-01-01T00:00:00Z',
  expiresAt: null,
  lastUsedAt: null,
  revoked: false,
  ...over,
});

/** An app context over `api` (a partial fake), with the presets loaded; `went` records navigation. */
export const appContext = async (api: Partial<Api>, presets: Preset[] = [preset('hls-abr', 'HLS ladder')]) => {
  const store = createPresetsStore({
    listPresets: async () => ({ items: presets, total: presets.length }),
    createPreset: async () => Promise.reject(new Error('not in this test')),
    updatePreset: async () => Promise.reject(new Error('not in this test')),
    deletePreset: async () => undefined,
  });
  await store.load();
  const went: Route[] = [];
  const [route] = createSignal<Route>({ name: 'jobs' });
  const ctx = { api: api as Api, route, go: (r: Route) => went.push(r), presets: store } as unknown as AppContextValue;
  return { ctx, went };
};
