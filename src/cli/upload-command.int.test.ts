/**
 * `mpr upload` against a real system behind a real Bun.serve on loopback,
 * with 64 KiB parts so a small corpus file has many: one file arrives whole
 * and probed; an upload cut off after a few parts resumes on the next run
 * and sends only the rest; a folder goes in with its sub-folders (through
 * the real CLI process); refusals (a missing file, a file too big, a name
 * taken, not media) are said in the server's words.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminKey } from '../../test/auth.ts';
import { corpusFile } from '../../test/corpus.ts';
import { testEnv } from '../../test/system.ts';
import { isAppError } from '../errors.ts';
import { createApp } from '../http/app.ts';
import type { System } from '../system.ts';
import type { AssetDto } from '../types/api.ts';
import type { UploadProgress } from '../types/uploads.ts';
import { collectTargets, uploadCommand } from './upload-command.ts';
import { uploadLine } from './upload-progress.ts';
import { uploadStateDir } from './upload-state.ts';

const MAIN = new URL('./main.ts', import.meta.url).pathname;
const PART = 64 * 1024;
const FLOWER = corpusFile('video/mdn_flower.mp4');
const FRIDAY = corpusFile('video/mdn_friday.mp4');
const BEAR = corpusFile('audio/androidx_bear.flac');
/** 3.4 MB: over the 2 MiB limit this server is given. */
const BIG = corpusFile('video/androidx_pixel7_videoOnly_cleaned.mp4');

const env = testEnv('sqlite', 'cli-upload', { MPR_MAX_UPLOAD_BYTES: String(2 * 1024 * 1024) });
const home = mkdtempSync(join(tmpdir(), 'mpr-cli-upload-'));
const configDir = join(home, 'config');
let s: System;
let server: ReturnType<typeof Bun.serve>;
let url: string;
let key: string;

const cliEnv = () => ({ MPR_URL: url, MPR_API_KEY: key, MPR_CONFIG_DIR: configDir });

/** The command in this process, its progress on a pipe (no TTY); `fetch` may be swapped. */
const run = async (files: string[], to?: string, fetch?: (r: Request) => Promise<Response>) => {
  const out: string[] = [];
  const progress: string[] = [];
  let error: unknown = null;
  try {
    await uploadCommand(
      {
        env: cliEnv(),
        out: (l) => out.push(l),
        progress: { isTTY: false, columns: 0, write: (l: string) => progress.push(l) === 0 },
        fetch,
        retryDelayMs: 1,
      },
      files,
      { to },
    );
  } catch (e) {
    error = e;
  }
  return { out, progress: progress.join(''), error };
};

/** Counts the part PUTs a fetch sends (they go to the server's relay URLs here). */
const counting = (failAfter = Number.POSITIVE_INFINITY) => {
  const c = { puts: 0, authorized: 0 };
  const f = async (r: Request) => {
    if (r.method === 'PUT') {
      c.puts++;
      if (r.headers.has('authorization')) c.authorized++;
      if (c.puts > failAfter) throw new TypeError('connection reset (simulated)');
    }
    return fetch(r);
  };
  return { c, f };
};

const api = async <T>(path: string): Promise<T> => (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } })).json() as Promise<T>;
const stored = async (k: string) => new Uint8Array(await new Response(await s.storage.input.get(k)).arrayBuffer());
const same = async (k: string, file: string) => Bun.hash(await stored(k)) === Bun.hash(new Uint8Array(await Bun.file(file).arrayBuffer()));
const states = () => (existsSync(uploadStateDir(cliEnv())) ? readdirSync(uploadStateDir(cliEnv())) : []);
const assetId = (line: string) => /\(asset (\S+), /.exec(line)?.[1] ?? '';

beforeAll(async () => {
  s = await env.boot({ minUploadPartBytes: PART });
  await s.start({ routers: false });
  server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: createApp(s).fetch });
  url = `http://127.0.0.1:${server.port}`;
  key = await adminKey(s);
});
afterAll(async () => {
  await server?.stop(true);
  await env.cleanup();
  rmSync(home, { recursive: true, force: true });
}, 60_000);

describe('mpr upload', () => {
  test('one file: parts in parallel, a progress line per 10%, the asset ready with the same bytes; no key goes to a part URL', async () => {
    const { c, f } = counting();
    const r = await run([FLOWER], 'cup/2026', f);
    expect(r.error).toBeNull();
    const parts = Math.ceil(Bun.file(FLOWER).size / PART);
    expect(c).toEqual({ puts: parts, authorized: 0 });
    expect(r.out).toHaveLength(1);
    expect(r.out[0]).toMatch(new RegExp(`^uploaded ${FLOWER} → cup/2026/mdn_flower\\.mp4 \\(asset \\S+, ready\\)$`));
    const asset = await api<AssetDto>(`/api/assets/${assetId(r.out[0]!)}`);
    expect(asset).toMatchObject({ key: 'cup/2026/mdn_flower.mp4', status: 'ready', kind: 'video' });
    expect(await same('cup/2026/mdn_flower.mp4', FLOWER)).toBe(true);
    // Not a terminal: at most one line per 10%, the last at 100%.
    const lines = r.progress.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(lines.at(-1)).toContain('100.0%');
    expect(states()).toEqual([]);
  }, 60_000);

  test('cut off after 5 parts: the state file stays; the next run sends only the missing parts and completes', async () => {
    const parts = Math.ceil(Bun.file(FLOWER).size / PART);
    const cut = counting(5);
    const first = await run([FLOWER], 'resumed', cut.f);
    expect(isAppError(first.error, 'unavailable')).toBe(true);
    expect((first.error as Error).message).toMatch(/part \d+ of \d+ failed 4 times .*connection reset.*run the same command again/);
    expect(first.out).toEqual([]);
    expect(states()).toHaveLength(1);
    const open = await api<{ items: { id: string; key: string }[] }>('/api/uploads?open=true');
    const id = open.items.find((u) => u.key === 'resumed/mdn_flower.mp4')!.id;
    expect((await api<UploadProgress>(`/api/uploads/${id}`)).received).toHaveLength(5);

    const again = counting();
    const second = await run([FLOWER], 'resumed', again.f);
    expect(second.error).toBeNull();
    expect(again.c.puts).toBe(parts - 5);
    expect(second.out[0]).toMatch(/^uploaded .* → resumed\/mdn_flower\.mp4 \(asset \S+, ready\)$/);
    expect(await same('resumed/mdn_flower.mp4', FLOWER)).toBe(true);
    expect((await api<UploadProgress>(`/api/uploads/${id}`)).status).toBe('completed');
    expect(states()).toEqual([]);
  }, 60_000);

  test('a folder, by the real CLI: its media files under --to/<folder>/<sub-folders>; hidden and other files stay behind', async () => {
    const day = join(home, 'day one');
    mkdirSync(join(day, 'sub'), { recursive: true });
    mkdirSync(join(day, '.cache'), { recursive: true });
    symlinkSync(FRIDAY, join(day, 'friday.mp4'));
    symlinkSync(BEAR, join(day, 'sub', 'bear.flac'));
    symlinkSync(FRIDAY, join(day, '.hidden.mp4'));
    symlinkSync(FRIDAY, join(day, '.cache', 'friday.mp4'));
    writeFileSync(join(day, 'notes.txt'), 'not media');
    expect(collectTargets([day], '/show/').map((t) => [t.shown, t.folder])).toEqual([
      [join(day, 'friday.mp4'), 'show/day one'],
      [join(day, 'sub', 'bear.flac'), 'show/day one/sub'],
    ]);

    const p = Bun.spawn(['bun', MAIN, 'upload', day, '--to', 'show'], {
      env: { ...process.env, ...cliEnv(), LOG_LEVEL: 'error' },
      stdout: 'pipe',
      stderr: 'pipe',
    });
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    if (code !== 0) throw new Error(`mpr upload exited ${code}:\n${stderr}`);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^uploaded .*day one\/friday\.mp4 → show\/day one\/friday\.mp4 \(asset \S+, ready\)$/);
    expect(lines[1]).toMatch(/^uploaded .*day one\/sub\/bear\.flac → show\/day one\/sub\/bear\.flac \(asset \S+, ready\)$/);
    expect(await same('show/day one/friday.mp4', FRIDAY)).toBe(true);
    expect(await same('show/day one/sub/bear.flac', BEAR)).toBe(true);
    expect(stderr).toContain('100.0%');
  }, 60_000);

  test('refusals: a missing file, a file over the limit, a name already taken, not media — the reason, exit 2, nothing left behind', async () => {
    const missing = await run([join(home, 'nope.mp4')]);
    expect(isAppError(missing.error, 'not_found')).toBe(true);
    expect((missing.error as Error).message).toBe(`no such file: ${join(home, 'nope.mp4')}`);

    const taken = await run([FLOWER], 'cup/2026');
    expect(isAppError(taken.error, 'conflict')).toBe(true);
    expect((taken.error as Error).message).toBe(
      `${FLOWER}: cup/2026/mdn_flower.mp4 exists already in the input store; remove it first or upload under another name`,
    );

    const notes = join(home, 'notes.txt');
    writeFileSync(notes, 'hello');
    const text = await run([notes]);
    expect((text.error as Error).message).toContain('is not a video or audio file MPR reads');

    // Several files: the good ones go, each refusal is said on stderr, and the run fails at the end.
    const mixed = await run([FRIDAY, BIG], 'mixed');
    expect(mixed.out).toHaveLength(1);
    expect(mixed.out[0]).toContain('→ mixed/mdn_friday.mp4');
    expect(mixed.progress).toContain(`mpr: ${BIG}: size: ${Bun.file(BIG).size} bytes is over this server's limit of 2097152 (MPR_MAX_UPLOAD_BYTES)`);
    expect((mixed.error as Error).message).toBe(`1 of 2 files were not uploaded: ${BIG}`);

    // The real CLI: exit 2 and the server's sentence.
    const p = Bun.spawn(['bun', MAIN, 'upload', BIG], { env: { ...process.env, ...cliEnv(), LOG_LEVEL: 'error' }, stdout: 'pipe', stderr: 'pipe' });
    const [stderr, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
    expect(code).toBe(2);
    expect(stderr).toContain(`mpr: ${BIG}: size: `);
    expect(stderr).toContain('(MPR_MAX_UPLOAD_BYTES)');
    expect(states()).toEqual([]);
  }, 60_000);

  test('the progress line fits the terminal: the name gives way first', () => {
    const p = { name: 'a/very/long/folder/name/of/the/upload/clip.mp4', sent: 3 * 1024 * 1024, size: 8 * 1024 * 1024, inFlight: 4, bytesPerSecond: 1_500_000 };
    expect(uploadLine(p)).toBe(`${p.name} [###########...................]  37.5% 3.0 MiB/8.0 MiB 4 in flight 1.4 MiB/s`);
    const narrow = uploadLine(p, 70);
    expect(narrow.length).toBeLessThanOrEqual(70);
    expect(narrow).toStartWith('…');
    expect(narrow).toEndWith('37.5% 3.0 MiB/8.0 MiB 4 in flight 1.4 MiB/s');
  });
});
