/**
 * Signed output URLs: a valid one opens its job's folder with no account, a
 * playlist fetched through it lists every URI signed the same way; an
 * expired, tampered or other-folder one is refused; CORS answers only the
 * allowed origins.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { signGrant } from '../auth/signed-urls.ts';
import type { System } from '../system.ts';
import { adminHeaders } from '../../test/auth.ts';
import { testEnv } from '../../test/system.ts';
import { createApp } from './app.ts';

const env = testEnv('sqlite', 'signed', { MPR_CORS_ORIGINS: 'https://player.example' });
let s: System;
let app: ReturnType<typeof createApp>;

const MASTER = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\nv0/index.m3u8\n#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="s",NAME="en",URI="subs/en.m3u8"\n';
const RUNG = '#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.0,\nseg0.ts\n#EXTINF:6.0,\nseg1.ts\n#EXT-X-ENDLIST\n';

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => app.handle(new Request(`http://localhost${path}`, { method, headers }));

beforeAll(async () => {
  s = await env.boot();
  app = createApp(s);
  const out = s.storage.output;
  await out.put('jobs/j1/a1/master.m3u8', MASTER);
  await out.put('jobs/j1/a1/v0/index.m3u8', RUNG);
  await out.put('jobs/j1/a1/v0/seg0.ts', new Uint8Array(376).fill(0x47));
  await out.put('jobs/j1/a1/thumbs.vtt', 'WEBVTT\n\n00:00.000 --> 00:05.000\nsprite-0.jpg#xywh=0,0,160,90\n');
  await out.put('jobs/j2/a1/master.m3u8', MASTER);
});
afterAll(() => env.cleanup());

describe('signed output URLs', () => {
  test('a valid signature opens the job folder, no account; the playlists list their URIs signed', async () => {
    const q = await s.auth.outputs.grantFor('jobs/j1/');
    const master = await get(`/api/outputs/jobs/j1/a1/master.m3u8?${q}`);
    expect(master.status).toBe(200);
    const text = await master.text();
    expect(text).toContain(`v0/index.m3u8?${q}`);
    expect(text).toContain(`URI="subs/en.m3u8?${q}"`);
    const rung = await (await get(`/api/outputs/jobs/j1/a1/v0/index.m3u8?${q}`)).text();
    const seg = rung.split('\n').find((l) => l.startsWith('seg0.ts'))!;
    expect(seg).toBe(`seg0.ts?${q}`);
    // The segment as a player resolves it: against the playlist's folder, with the query it was given.
    const segment = await get(`/api/outputs/jobs/j1/a1/v0/${seg}`, { range: 'bytes=0-187' });
    expect(segment.status).toBe(206);
    expect((await segment.arrayBuffer()).byteLength).toBe(188);
    const vtt = await (await get(`/api/outputs/jobs/j1/a1/thumbs.vtt?${q}`)).text();
    expect(vtt).toContain(`sprite-0.jpg?${q}#xywh=0,0,160,90`);
  });

  test('expired, tampered, unknown-key and other-folder signatures are refused; no signature and no account is 401', async () => {
    const key = await s.auth.secrets.current();
    const expired = signGrant({ scope: 'jobs/j1/', expSeconds: Math.floor(Date.now() / 1000) - 5 }, key);
    const r1 = await get(`/api/outputs/jobs/j1/a1/master.m3u8?${expired}`);
    expect([r1.status, ((await r1.json()) as { error: { message: string } }).error.message]).toEqual([
      403,
      'this link does not open jobs/j1/a1/master.m3u8: expired',
    ]);
    const good = new URLSearchParams(await s.auth.outputs.grantFor('jobs/j1/'));
    const tampered = new URLSearchParams(good);
    tampered.set('exp', String(Number(good.get('exp')) + 3600));
    expect((await get(`/api/outputs/jobs/j1/a1/master.m3u8?${tampered}`)).status).toBe(403);
    const widened = new URLSearchParams(good);
    widened.set('scope', 'jobs/');
    expect((await get(`/api/outputs/jobs/j2/a1/master.m3u8?${widened}`)).status).toBe(403);
    expect((await get(`/api/outputs/jobs/j2/a1/master.m3u8?${good}`)).status).toBe(403);
    const unknownKid = new URLSearchParams(good);
    unknownKid.set('kid', 'nope');
    expect((await get(`/api/outputs/jobs/j1/a1/master.m3u8?${unknownKid}`)).status).toBe(403);
    expect((await get('/api/outputs/jobs/j1/a1/master.m3u8')).status).toBe(401);
    // With a token or key, unsigned URLs work as before.
    expect((await get('/api/outputs/jobs/j1/a1/master.m3u8', await adminHeaders(s))).status).toBe(200);
  });

  test('a rotated signing secret keeps old links working until they expire, and signs new ones', async () => {
    const before = await s.auth.outputs.grantFor('jobs/j1/');
    await s.auth.secrets.rotate(24 * 3600_000);
    const after = await s.auth.outputs.grantFor('jobs/j1/');
    expect(after).not.toBe(before);
    for (const q of [before, after]) expect((await get(`/api/outputs/jobs/j1/a1/master.m3u8?${q}`)).status).toBe(200);
  });

  test('CORS: an allowed origin gets the header and its preflight; any other gets neither', async () => {
    const q = await s.auth.outputs.grantFor('jobs/j1/');
    const ok = await get(`/api/outputs/jobs/j1/a1/v0/seg0.ts?${q}`, { origin: 'https://player.example' });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://player.example');
    const other = await get(`/api/outputs/jobs/j1/a1/v0/seg0.ts?${q}`, { origin: 'https://evil.example' });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await get('/api/outputs/jobs/j1/a1/v0/seg0.ts', { origin: 'https://player.example', 'access-control-request-method': 'GET' }, 'OPTIONS');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toBe('range');
    expect((await get('/api/outputs/jobs/j1/a1/v0/seg0.ts', { origin: 'https://evil.example' }, 'OPTIONS')).status).toBe(403);
  });

  test("the folder a URL is signed for is its job's (jobs/<id>/), or the key's own folder", async () => {
    const { grantScopeOf } = await import('../auth/index.ts');
    expect(grantScopeOf('jobs/abc/a1/v0/seg0.ts')).toBe('jobs/abc/');
    expect(grantScopeOf('thumbs/x.jpg')).toBe('thumbs/');
  });
});
