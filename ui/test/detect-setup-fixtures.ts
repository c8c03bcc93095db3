/**
 * Fakes for the detection setup screens' tests: `api.detect` answering only
 * what a test gives it (anything else rejects, naming the call), every call
 * recorded with its arguments, and rows shaped as the server answers them.
 */
import type { Api } from '../src/api.ts';
import { ApiError } from '../src/api.ts';
import type { BrandList, DetectApi, Filmstrip, ProfileDto, Source, StageInfo, Timeline } from '../src/detect-api.ts';

export type Call = [name: string, args: unknown[]];

/** `api.detect` from `impl`; `calls` lists every call made, in order. */
export const fakeDetect = (impl: Partial<DetectApi>) => {
  const calls: Call[] = [];
  const detect = new Proxy({} as DetectApi, {
    get:
      (_t, name: string) =>
      (...args: unknown[]) => {
        calls.push([name, args]);
        const f = (impl as Record<string, ((...a: unknown[]) => unknown) | undefined>)[name];
        return f ? Promise.resolve().then(() => f(...args)) : Promise.reject(new Error(`${name} is not in this test`));
      },
  });
  const api = { detect } as Pick<Api, 'detect'>;
  return { api, calls, callsOf: (name: string) => calls.filter((c) => c[0] === name).map((c) => c[1]) };
};

/** A 400 as api.ts throws it: the server's sentence, field first. */
export const refused = (message: string) => new ApiError(400, 'validation', message);

export const source = (over: Partial<Source> = {}): Source => ({
  id: 'a1',
  key: 'matches/derby.mp4',
  duration: 60,
  width: 1280,
  height: 720,
  jobs: [],
  ...over,
});

export const filmstrip = (assetId: string, count = 4, duration = 60): Filmstrip => ({
  assetId,
  url: `/media/${assetId}/strip.jpg`,
  count,
  width: 96,
  height: 54,
  times: Array.from({ length: count }, (_, i) => ((i + 0.5) * duration) / count),
});

export const timeline = (over: Partial<Timeline> = {}): Timeline => ({
  id: 't1',
  name: 'Derby first half',
  picks: [{ assetId: 'a1', start: 0, end: 10 }],
  duration: 10,
  createdBy: 'u1',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...over,
});

export const stage = (name: string, properties: Record<string, Record<string, unknown>>, available = true): StageInfo => ({
  name,
  description: `${name} stage`,
  available,
  schema: { type: 'object', additionalProperties: false, properties },
  defaults: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, v.default])),
});

/** The stages as the server lists them, trimmed to a few settings each. */
export const STAGES: StageInfo[] = [
  stage('extract_frames', { fps: { type: 'number', minimum: 0.1, maximum: 30, default: 2, description: 'Frames a second' } }),
  stage('segment_field', {
    hue: { type: 'array', items: { type: 'number', minimum: 0, maximum: 180 }, minItems: 2, maxItems: 2, default: [35, 85], description: 'Pitch hue range' },
  }),
  stage('ocr', {
    det_width: { type: 'integer', minimum: 320, maximum: 4096, default: 960, description: 'Detector input width' },
    lang: { type: 'string', enum: ['en', 'multi'], default: 'en', description: 'Script' },
  }),
  stage('match_brands', {
    min_similarity: { type: 'number', minimum: 0, maximum: 1, default: 0.75, description: 'Fuzzy match floor' },
    fuzzy: { type: 'boolean', default: true, description: 'Allow near spellings' },
    stop_words: { type: 'array', items: { type: 'string', maxLength: 200 }, maxItems: 1000, default: [], description: 'Words never matched' },
  }),
  stage('escalate_vlm', { model: { type: 'string', maxLength: 200, default: 'moondream', description: 'Model' } }, false),
  stage('compile_report', { min_duration: { type: 'number', minimum: 0, default: 0.5, description: 'Shortest interval kept' } }),
];

export const profile = (over: Partial<ProfileDto> = {}): ProfileDto => ({
  name: 'soccer_broadcast',
  description: 'Football on TV',
  pipeline: {
    stages: ['extract_frames', 'segment_field', 'ocr', 'match_brands', 'compile_report'],
    edges: [],
  },
  configs: { match_brands: { min_similarity: 0.8 } },
  basedOn: null,
  builtIn: true,
  createdAt: null,
  updatedAt: null,
  ...over,
});

export const brandList = (over: Partial<BrandList> = {}): BrandList => ({
  id: 'b1',
  name: 'Premier sponsors',
  brands: [
    { name: 'Zantora', aliases: ['ZNT'], images: ['brands/b1/zantora.png'] },
    { name: 'Kelvio', aliases: [], images: [] },
  ],
  createdBy: 'u1',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...over,
});

/** `api.detect` for the brand lists store and editor: list b1, every change answered as saved; `over` replaces any call. */
export const fakeBrandLists = (over: Partial<DetectApi> = {}) =>
  fakeDetect({
    brandLists: async () => ({ items: [brandList()], total: 1 }),
    brandList: async () => brandList(),
    createBrandList: async (b) => brandList({ id: 'b-new', name: b.name, brands: b.brands as BrandList['brands'] }),
    updateBrandList: async (id, b) => brandList({ id, name: b.name, brands: b.brands as BrandList['brands'] }),
    deleteBrandList: async () => null,
    uploadBrandImage: async (id) => ({ key: `brands/${id}/crop-1.png`, url: '/x' }),
    brandImage: async () => new Blob(['png'], { type: 'image/png' }),
    ...over,
  });
