import { describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import type { AssetEvent } from '../events/asset.ts';
import { createSqliteLog } from '../events/log/sqlite.ts';
import { silentLogger } from '../logger.ts';
import { ASSET_SORTS, allProjections, createProjectionRunner, findAsset, queryAssets, type AssetQuery } from './index.ts';

const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
const probe = (duration: number) => ({ duration, streams: [], format: 'mp4' }) as never;

/** Five assets registered through the log and the runner (one commented, one invalid, one missing, one deleted). */
const setup = async () => {
  const db = new Database(':memory:', { strict: true });
  const log = createSqliteLog({ db, maxEventBytes: 1 << 20, now: () => at(0), onCorrupt: () => {} });
  const runner = createProjectionRunner({ db, log, projections: allProjections(), logger: silentLogger });
  runner.init();
  const register = (id: string, i: number, key: string, kind: 'video' | 'audio', size: number, more: AssetEvent[] = []) => {
    const verdict = { kind, status: 'ready', reason: null, videoStream: null, audioStream: null } as const;
    const facts = { size, modifiedAt: at(i), kind, status: 'ready', reason: null, probe: probe(size / 10), verdict } as const;
    return log.append(`asset:${id}`, [{ type: 'AssetRegistered', data: { assetId: id, key, ...facts, at: at(i) } }, ...more], 0);
  };
  await register('a1', 1, 'films/Zebra.mp4', 'video', 300, [{ type: 'AssetCommented', data: { comment: 'Best 100% take', at: at(9) } }]);
  await register('a2', 2, 'b/apple.mp4', 'video', 100);
  await register('a3', 3, 'music/song_1.mp3', 'audio', 200, [{ type: 'AssetMarkedMissing', data: { at: at(8) } }]);
  await register('a4', 4, 'Clip.MP4', 'video', 50);
  await register('a5', 5, 'gone.mp4', 'video', 10, [
    { type: 'AssetDeleted', data: { deleteOutputs: true, at: at(6) } },
    { type: 'AssetOutputsDeleted', data: { jobs: 0, objects: 0, at: at(7) } },
  ]);
  await runner.catchUp();
  return db;
};

const all = { limit: 50, offset: 0 };
const byKey: AssetQuery['sort'] = { by: 'key', desc: false };
const ids = (r: { rows: { id: string }[] }) => r.rows.map((a) => a.id);

describe('asset queries', () => {
  test('sorts by key, file name (case-insensitive), registration, size, duration; - descends', async () => {
    const db = await setup();
    expect(ASSET_SORTS).toEqual(['key', 'registeredAt', 'size', 'duration', 'name']);
    expect(ids(queryAssets(db, { sort: byKey }, all))).toEqual(['a4', 'a2', 'a1', 'a3']);
    expect(ids(queryAssets(db, { sort: { by: 'name', desc: false } }, all))).toEqual(['a2', 'a4', 'a3', 'a1']);
    expect(ids(queryAssets(db, { sort: { by: 'registeredAt', desc: true } }, all))).toEqual(['a4', 'a3', 'a2', 'a1']);
    expect(ids(queryAssets(db, { sort: { by: 'size', desc: false } }, all))).toEqual(['a4', 'a2', 'a3', 'a1']);
    expect(ids(queryAssets(db, { sort: { by: 'duration', desc: true } }, all))).toEqual(['a1', 'a3', 'a2', 'a4']);
  });

  test('filters: status, kind, and q on the key or the comment, with LIKE wildcards taken literally', async () => {
    const db = await setup();
    expect(ids(queryAssets(db, { status: 'missing', sort: byKey }, all))).toEqual(['a3']);
    expect(ids(queryAssets(db, { status: 'ready', kind: 'video', sort: byKey }, all))).toEqual(['a4', 'a2', 'a1']);
    expect(ids(queryAssets(db, { kind: 'audio', sort: byKey }, all))).toEqual(['a3']);
    expect(ids(queryAssets(db, { q: 'CLIP', sort: byKey }, all))).toEqual(['a4']);
    expect(ids(queryAssets(db, { q: 'best', sort: byKey }, all))).toEqual(['a1']);
    expect(ids(queryAssets(db, { q: '100%', sort: byKey }, all))).toEqual(['a1']);
    expect(ids(queryAssets(db, { q: 'g_1', sort: byKey }, all))).toEqual(['a3']);
    expect(ids(queryAssets(db, { q: '_', sort: byKey }, all))).toEqual(['a3']);
    expect(queryAssets(db, { q: 'nothing', sort: byKey }, all)).toEqual({ rows: [], total: 0 });
  });

  test('a page counts every match in total; a deleted asset is gone', async () => {
    const db = await setup();
    const page = queryAssets(db, { sort: byKey }, { limit: 2, offset: 1 });
    expect(page.total).toBe(4);
    expect(ids(page)).toEqual(['a2', 'a1']);
    expect(findAsset(db, 'a1')).toMatchObject({ key: 'films/Zebra.mp4', comment: 'Best 100% take' });
    expect(findAsset(db, 'a5')).toBeNull();
  });
});
