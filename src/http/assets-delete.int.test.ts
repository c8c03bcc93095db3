/**
 * DELETE /api/assets/:id with deleteOutputs: the route records the deletion
 * and waits for the asset-outputs router's AssetOutputsDeleted to answer
 * how many files went; with no router running it answers 202 pending, and
 * the router removes them once it runs.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { Elysia } from 'elysia';
import { kindsOf, NO_TAGS, type JobKind } from '../actors/job-kind.ts';
import { submitJob } from '../actors/submit.ts';
import type { System } from '../system.ts';
import { testEnv, type TestEnv } from '../../test/system.ts';
import { until } from '../../test/wait.ts';
import { assetsRoutes, type AssetsRoutesOptions } from './assets-routes.ts';

// Jobs tagged with the asset they name; planned with no chunks, so they just complete.
const media: JobKind = {
  name: 'media',
  validate: (p) => p,
  plan: async () => [],
  run: async () => null,
  combine: () => null,
  tags: (p) => ({ ...NO_TAGS, assetId: (p as { assetId: string }).assetId }),
};
const at = '2026-01-01T00:00:00.000Z';
const verdict = { kind: 'video', status: 'ready', reason: null, videoStream: null, audioStream: null } as const;
const facts = { size: 10, modifiedAt: at, kind: 'video', status: 'ready', reason: null, probe: null, verdict } as const;

let env: TestEnv;
afterEach(() => env?.cleanup());

/** An asset with two jobs (three output files) and another asset's job (one file), read models caught up. */
const seed = async (s: System, asset: string) => {
  await s.actors.asset(asset).execute({ type: 'RegisterAsset', data: { assetId: asset, key: `${asset}.mp4`, ...facts, at } });
  const jobs: string[] = [];
  for (const assetId of [asset, asset, 'someone-else']) jobs.push((await submitJob(s, { kind: 'media', params: { assetId } })).jobId);
  for (const key of [`jobs/${jobs[0]}/a.m3u8`, `jobs/${jobs[0]}/b.ts`, `jobs/${jobs[1]}/c.mp4`, `jobs/${jobs[2]}/d.mp4`]) await s.storage.output.put(key, 'x');
  await s.projections.waitFor(await s.log.head());
  return jobs;
};

const del = async (s: System, path: string, opts: AssetsRoutesOptions = {}) => {
  const app = new Elysia().group('/api', (a) => a.use(assetsRoutes(s, opts)));
  const res = await app.handle(new Request(`http://localhost${path}`, { method: 'DELETE' }));
  return { status: res.status, json: await res.json() };
};

const recorded = async (s: System, asset: string) =>
  (await s.log.readStream(`asset:${asset}`)).filter((e) => e.type === 'AssetOutputsDeleted').map((e) => e.data);
const outputKeys = async (s: System) => (await s.storage.output.list('')).map((o) => o.key);

describe('DELETE /api/assets/:id?deleteOutputs=true', () => {
  test("answers how many files the router removed: every job's of the asset, no other's", async () => {
    env = testEnv('sqlite', 'assets-delete');
    const s = await env.boot({ kinds: kindsOf(media) });
    await s.start();
    const jobs = await seed(s, 'del-a1');
    expect(await del(s, '/api/assets/del-a1?deleteOutputs=true')).toEqual({ status: 200, json: { deleted: true, outputsDeleted: 3 } });
    expect(await outputKeys(s)).toEqual([`jobs/${jobs[2]}/d.mp4`]);
    expect(await recorded(s, 'del-a1')).toEqual([{ jobs: 2, objects: 3, at: expect.any(String) }]);
  }, 60_000);

  test('without deleteOutputs it answers 0 at once and nothing is removed', async () => {
    env = testEnv('sqlite', 'assets-delete');
    const s = await env.boot({ kinds: kindsOf(media) });
    await s.start();
    await seed(s, 'del-a2');
    expect(await del(s, '/api/assets/del-a2')).toEqual({ status: 200, json: { deleted: true, outputsDeleted: 0 } });
    expect(await outputKeys(s)).toHaveLength(4);
    expect(await recorded(s, 'del-a2')).toEqual([]);
  }, 60_000);

  test('no router within the wait: 202 pending; the router removes them when it runs', async () => {
    env = testEnv('sqlite', 'assets-delete');
    const s = await env.boot({ kinds: kindsOf(media) });
    await s.start({ routers: false });
    // Without routers the jobs stay PENDING, but they are in the read model with their asset.
    const jobs = await seed(s, 'del-a3');
    expect(await del(s, '/api/assets/del-a3?deleteOutputs=true', { outputsWaitMs: 300, pollMs: 20 })).toEqual({
      status: 202,
      json: { deleted: true, outputsDeleted: null, pending: true },
    });
    expect(await outputKeys(s)).toHaveLength(4);
    await s.start({ projections: false, routers: true });
    await until(async () => (await recorded(s, 'del-a3')).length === 1, 'the router to record the deletion', 30_000);
    expect(await outputKeys(s)).toEqual([`jobs/${jobs[2]}/d.mp4`]);
  }, 60_000);
});
