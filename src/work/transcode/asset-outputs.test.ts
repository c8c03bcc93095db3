import { afterEach, describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actorsOf } from '../../actors/registry.ts';
import { createSqlitePositions } from '../../actors/positions.ts';
import { startRouter } from '../../actors/router.ts';
import { createRuntime } from '../../actors/runtime.ts';
import type { LoggedEvent } from '../../events/index.ts';
import { createSqliteLog } from '../../events/log/sqlite.ts';
import { silentLogger } from '../../logger.ts';
import { createFsStorage } from '../../storage/fs.ts';
import { until } from '../../../test/wait.ts';
import { createAssetOutputsRouter } from './asset-outputs.ts';

const at = '2026-01-01T00:00:00.000Z';
const verdict = { kind: 'video', status: 'ready', reason: null, videoStream: null, audioStream: null } as const;
const facts = { size: 10, modifiedAt: at, kind: 'video', status: 'ready', reason: null, probe: null, verdict } as const;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** An asset a1 with jobs j1 and j2 (two and one output files), another job's outputs beside them, and the router over it all. */
const setup = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpr-asset-outputs-'));
  dirs.push(dir);
  const db = new Database(':memory:', { strict: true });
  const log = createSqliteLog({ db, maxEventBytes: 1 << 20, now: () => at, onCorrupt: () => {} });
  const runtime = createRuntime({ log });
  const output = createFsStorage(dir);
  for (const key of ['jobs/j1/a/master.m3u8', 'jobs/j1/a/seg0.ts', 'jobs/j2/out.mp4', 'jobs/other/out.mp4']) await output.put(key, 'x');
  const asset = actorsOf(runtime).asset('a1');
  await asset.execute({ type: 'RegisterAsset', data: { assetId: 'a1', key: 'a.mp4', ...facts, at } });
  const router = createAssetOutputsRouter({ runtime, output, jobsOfAsset: (id) => (id === 'a1' ? ['j1', 'j2'] : []), now: () => at });
  const recorded = async () => (await log.readStream(asset.stream)).filter((e) => e.type === 'AssetOutputsDeleted').map((e) => e.data);
  const deleted = async (deleteOutputs: boolean) => (await asset.execute({ type: 'DeleteAsset', data: { deleteOutputs, at } })).events[0] as LoggedEvent;
  return { db, log, output, asset, router, recorded, deleted };
};

describe('asset-outputs router', () => {
  test("deletes each job's outputs of a deleted asset and records the counts", async () => {
    const { output, router, recorded, deleted } = await setup();
    await router.handle(await deleted(true), new AbortController().signal);
    expect(await recorded()).toEqual([{ jobs: 2, objects: 3, at }]);
    expect((await output.list('')).map((o) => o.key)).toEqual(['jobs/other/out.mp4']);
  });

  test('without deleteOutputs it touches nothing and records nothing', async () => {
    const { output, router, recorded, deleted } = await setup();
    await router.handle(await deleted(false), new AbortController().signal);
    expect(await recorded()).toEqual([]);
    expect(await output.list('')).toHaveLength(4);
  });

  test('a re-delivered event records once; one cut short before recording deletes what is left and records then', async () => {
    const { output, router, recorded, deleted } = await setup();
    const e = await deleted(true);
    // A pass that deleted j1's outputs and died before recording.
    await output.deletePrefix('jobs/j1/');
    await router.handle(e, new AbortController().signal);
    await router.handle(e, new AbortController().signal);
    expect(await recorded()).toEqual([{ jobs: 2, objects: 1, at }]);
    expect((await output.list('')).map((o) => o.key)).toEqual(['jobs/other/out.mp4']);
  });

  test('after a restart that re-delivers from the start, still one record', async () => {
    const { db, log, output, router, recorded, deleted } = await setup();
    await deleted(true);
    const positions = createSqlitePositions(db);
    const run = async () => {
      const stop = new AbortController();
      const r = await startRouter(router, { log, positions, logger: silentLogger, signal: stop.signal });
      await until(async () => r.position() >= (await log.head()), 'the router to reach the head', 10_000);
      stop.abort();
      await r.done;
    };
    await run();
    expect(await recorded()).toEqual([{ jobs: 2, objects: 3, at }]);
    await positions.set('asset-outputs', 0); // as if its position had never been stored
    await output.put('jobs/j1/late.ts', 'x');
    await run();
    expect(await recorded()).toEqual([{ jobs: 2, objects: 3, at }]);
    expect(await output.stat('jobs/j1/late.ts')).not.toBeNull();
  });
});
