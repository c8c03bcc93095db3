import { describe, expect, test } from 'bun:test';
import { type AnyJobKind, kindsOf, NO_TAGS } from '../../actors/job-kind.ts';
import { actorsOf } from '../../actors/registry.ts';
import { createRuntime } from '../../actors/runtime.ts';
import { createSqliteLog, openDatabase } from '../../events/log/sqlite.ts';
import { createSources } from './sources.ts';

const at = '2026-01-01T00:00:00.000Z';
const memLog = () => createSqliteLog({ db: openDatabase(':memory:'), maxEventBytes: 1 << 20, now: () => at, onCorrupt: () => {} });

/** A kind whose video chunks are spans of its source, trimmed from `from`; its audio chunk is not. */
const spanning: AnyJobKind = {
  name: 'spanning',
  validate: (p) => p,
  plan: async () => [],
  run: async () => null,
  combine: () => null,
  tags: (p: { assetId: string }) => ({ ...NO_TAGS, assetId: p.assetId }),
  sourceSpan: (c: { spec: { type: string; start: number; end: number } }, result: { thumbs: string[] } | undefined, p: { from: number }) =>
    c.spec.type === 'video' ? { start: p.from + c.spec.start, end: p.from + c.spec.end, thumbs: result?.thumbs ?? [] } : null,
};
const plain: AnyJobKind = { name: 'plain', validate: (p) => p, plan: async () => [], run: async () => null, combine: () => null };

const setup = async () => {
  const runtime = createRuntime({ log: memLog() });
  const sources = createSources({
    runtime,
    kinds: kindsOf(spanning, plain),
    outputUrl: (k) => `/api/outputs/${k}`,
    readers: {
      assets: () => ({ items: [{ id: 'a1', key: 'match.mp4', duration: 90, width: 1280, height: 720 }], total: 1 }),
      jobsOfAsset: () => [
        { id: 'j2', kind: 'plain', status: 'COMPLETED', presetName: null, createdAt: at },
        { id: 'j1', kind: 'spanning', status: 'PROCESSING', presetName: 'hls', createdAt: at },
      ],
    },
  });
  const job = actorsOf(runtime).job;
  await job('j1').execute({ type: 'CreateJob', data: { jobId: 'j1', kind: 'spanning', params: { assetId: 'a1', from: 10 }, at } });
  await job('j1').execute({
    type: 'PlanJob',
    data: {
      chunks: [
        { n: 0, spec: { type: 'video', start: 4, end: 8 } },
        { n: 1, spec: { type: 'video', start: 0, end: 4 } },
        { n: 2, spec: { type: 'audio' } },
      ],
      at,
    },
  });
  await job('j1').execute({ type: 'ReportChunk', data: { n: 1, result: { thumbs: ['out/t_0.jpg'] }, at } });
  await job('j2').execute({ type: 'CreateJob', data: { jobId: 'j2', kind: 'plain', params: {}, at } });
  return sources;
};

describe('detection sources', () => {
  test('a source lists only the jobs whose chunks are spans of it', async () => {
    const list = (await setup()).list({ limit: 10, offset: 0 });
    expect(list.items[0]!.jobs.map((j) => j.id)).toEqual(['j1']);
  });

  test("a job's chunks come as spans of its source in order, ready to pick, with thumbnails once run", async () => {
    const sources = await setup();
    expect(await sources.chunks('j1')).toEqual({
      jobId: 'j1',
      assetId: 'a1',
      chunks: [
        { n: 1, start: 10, end: 14, done: true, thumbs: ['/api/outputs/out/t_0.jpg'], pick: { assetId: 'a1', start: 10, end: 14 } },
        { n: 0, start: 14, end: 18, done: false, thumbs: [], pick: { assetId: 'a1', start: 14, end: 18 } },
      ],
    });
  });

  test('a job of a kind without spans, or no job at all, is a 404 that says why', async () => {
    const sources = await setup();
    await expect(sources.chunks('j2')).rejects.toThrow('has no chunks that are spans of a source');
    await expect(sources.chunks('nope')).rejects.toThrow('no job nope');
  });
});
