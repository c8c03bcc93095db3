/**
 * Rescans on a real system (SQLite log, folder input store, real ffprobe):
 * a registered file that is gone becomes a missing asset that no job can
 * use, and is found again when it is back.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { assetIdFor, assetStream } from '../events/asset.ts';
import { createApp } from '../http/app.ts';
import type { System } from '../system.ts';
import { corpusFile } from '../../test/corpus.ts';
import { testEnv } from '../../test/system.ts';
import { signedIn } from '../../test/auth.ts';

const env = testEnv('sqlite', 'rescan');
let s: System;
let app: ReturnType<typeof createApp>;
let input = '';
let aside = '';

const call = async (method: string, path: string, body?: unknown) => {
  const res = await app.handle(
    new Request(
      `http://localhost${path}`,
      body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
    ),
  );
  return { status: res.status, json: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
};
const scan = async (prefix?: string) => (await call('POST', '/api/assets/scan', prefix === undefined ? {} : { prefix })).json;
const asset = async (key: string) => (await call('GET', `/api/assets/${assetIdFor(key)}`)).json;
const eventTypes = async (key: string) => (await s.log.readStream(assetStream(assetIdFor(key)))).map((e) => e.type);

beforeAll(async () => {
  input = join(env.dataDir, 'media/in');
  aside = join(env.dataDir, 'aside');
  mkdirSync(join(input, 'other'), { recursive: true });
  mkdirSync(aside, { recursive: true });
  await Bun.write(join(input, 'sample.mp4'), Bun.file(corpusFile('video/androidx_sample.mp4')));
  await Bun.write(join(input, 'other/t-rex.mp3'), Bun.file(corpusFile('audio/mdn_t-rex-roar.mp3')));
  // No workers: the one job made here only has to be accepted.
  s = await env.boot({ workConcurrency: 0 });
  await s.start();
  app = await signedIn(s, createApp(s));
  expect(await scan()).toMatchObject({ found: 2, registered: 2, missing: 0 });
}, 120_000);

afterAll(() => env.cleanup());

describe('a rescan after a file was deleted', () => {
  test('marks the asset missing (an event), once; a scan of another prefix leaves it alone', async () => {
    renameSync(join(input, 'sample.mp4'), join(aside, 'sample.mp4'));
    expect(await scan('other/')).toMatchObject({ found: 1, missing: 0, missingKeys: [] });
    expect((await asset('sample.mp4')).status).toBe('ready');

    expect(await scan()).toMatchObject({ found: 1, skipped: 1, missing: 1, missingKeys: ['sample.mp4'] });
    const a = await asset('sample.mp4');
    expect(a).toMatchObject({ status: 'missing', kind: 'video', duration: 1.024 });
    expect(a.reason).toBe('the file is no longer in the input store (a rescan found it gone): put it back and scan again');
    expect((await call('GET', '/api/assets?status=missing')).json.items.map((x: { key: string }) => x.key)).toEqual(['sample.mp4']);

    expect(await scan()).toMatchObject({ missing: 0 });
    expect(await eventTypes('sample.mp4')).toEqual(['AssetRegistered', 'AssetMarkedMissing']);
  }, 120_000);

  test('a transcode of a missing asset is refused: 409 invalid_state, saying why', async () => {
    const r = await call('POST', '/api/jobs', { assetId: assetIdFor('sample.mp4'), presetId: 'hls-abr' });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('invalid_state');
    expect(r.json.error.message).toBe(
      'asset sample.mp4 cannot be transcoded: its file is no longer in the input store (the last scan found it gone); put the file back and scan again',
    );
  });

  test('the same file back (same size and time): ready again without a re-probe', async () => {
    renameSync(join(aside, 'sample.mp4'), join(input, 'sample.mp4'));
    expect(await scan()).toMatchObject({ found: 2, restored: 1, updated: 0, registered: 0, skipped: 1, keys: ['sample.mp4'] });
    expect(await asset('sample.mp4')).toMatchObject({ status: 'ready', reason: null, duration: 1.024 });
    expect(await eventTypes('sample.mp4')).toEqual(['AssetRegistered', 'AssetMarkedMissing', 'AssetFound']);
    expect((await call('POST', '/api/jobs', { assetId: assetIdFor('sample.mp4'), presetId: 'thumbnails' })).status).toBe(201);
  }, 120_000);

  test('a different file back under the key: probed again', async () => {
    renameSync(join(input, 'sample.mp4'), join(aside, 'sample.mp4'));
    expect(await scan()).toMatchObject({ missing: 1 });
    await Bun.write(join(input, 'sample.mp4'), Bun.file(corpusFile('video/mdn_flower.mp4')));
    expect(await scan()).toMatchObject({ restored: 1, updated: 1, keys: ['sample.mp4'] });
    expect(await asset('sample.mp4')).toMatchObject({ status: 'ready', duration: 5.055, width: 960 });
    expect((await eventTypes('sample.mp4')).slice(-2)).toEqual(['AssetMarkedMissing', 'AssetProbed']);
  }, 120_000);
});
