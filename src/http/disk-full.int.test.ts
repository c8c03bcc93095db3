/**
 * A full data disk (here: the SQLite file held at its size with
 * max_page_count, which fails writes with SQLITE_FULL exactly as a full disk
 * does): a write answers 507 "disk full", not 500; what is stored is still
 * served; once there is room again, writes work.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { System } from '../system.ts';
import { signedIn } from '../../test/auth.ts';
import { testEnv } from '../../test/system.ts';
import { createApp } from './app.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const env = testEnv('sqlite', 'disk-full');
let s: System;
let app: ReturnType<typeof createApp>;
const call = async (method: string, path: string, body?: unknown) => {
  const init: RequestInit = body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
  const res = await app.handle(new Request(`http://localhost${path}`, init));
  return { status: res.status, json: (await res.json()) as Json };
};
const preset = (id: string) => ({ id, name: id, output: 'mp4', video: { rungs: [{ height: 360, videoBitrate: 800_000 }] } });

beforeAll(async () => {
  s = await env.boot();
  await s.start();
  app = await signedIn(s, createApp(s));
});
afterAll(() => env.cleanup());

test('a full data disk: writes answer 507 disk full, reads are served, and writes work again once there is room', async () => {
  expect((await call('POST', '/api/presets', preset('before'))).status).toBe(201);
  const { page_count } = s.db.query<{ page_count: number }, []>('PRAGMA page_count').get()!;
  s.db.run(`PRAGMA max_page_count = ${page_count}`);
  try {
    // Enough writes to need a page more than the file has.
    let full: { status: number; json: Json } | null = null;
    for (let i = 0; i < 200 && !full; i++) {
      const r = await call('POST', '/api/presets', preset(`p${i}`));
      if (r.status !== 201) full = r;
    }
    expect(full?.status).toBe(507);
    expect(full?.json.error.code).toBe('insufficient_storage');
    expect(full?.json.error.message).toMatch(/^disk full: /);
    expect(full?.json.error.message).toContain('reads still work');
    // Reads are served.
    const list = await call('GET', '/api/presets');
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.json)).toContain('"before"');
    expect((await call('GET', '/api/system/status')).status).toBe(200);
  } finally {
    s.db.run('PRAGMA max_page_count = 1073741823');
  }
  expect((await call('POST', '/api/presets', preset('after'))).status).toBe(201);
}, 60_000);
