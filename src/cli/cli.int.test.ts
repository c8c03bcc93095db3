/** The mpr command as a user runs it: separate processes over one data folder. */
import { afterAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = new URL('./main.ts', import.meta.url).pathname;
const CLIP = new URL('../../../shared/corpus/audio/androidx_bear.flac', import.meta.url).pathname;
const data = mkdtempSync(join(tmpdir(), 'mpr-cli-'));
afterAll(() => rmSync(data, { recursive: true, force: true }));

const mpr = async (...args: string[]) => {
  const p = Bun.spawn(['bun', MAIN, ...args], { env: { ...process.env, MPR_DATA: data, LOG_LEVEL: 'error', REDIS_URL: '' }, stdout: 'pipe', stderr: 'pipe' });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { stdout, stderr, code };
};

describe('mpr CLI', () => {
  test('--help lists the commands', async () => {
    const r = await mpr('--help');
    expect(r.code).toBe(0);
    for (const c of ['start', 'events', 'replay', 'projections rebuild', 'state']) expect(r.stdout).toContain(c);
  });

  test('a bad variable or command fails with a clear message', async () => {
    const p = Bun.spawn(['bun', MAIN, 'events'], { env: { ...process.env, PORT: 'abc' }, stderr: 'pipe' });
    expect(await new Response(p.stderr).text()).toContain('configuration error: PORT: expected a whole number');
    expect(await p.exited).toBe(2);
    const r = await mpr('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });

  test('run a job, read its events, time-travel, fork it, rebuild the read models', async () => {
    const run = await mpr('checksum', CLIP, '--chunk-bytes', '32768');
    expect(run.stderr).toContain('COMPLETED');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(result).toMatchObject({ bytes: 173311, chunks: 6 });

    const events = await mpr('events', `job:${result.job}`, '--json');
    const list = events.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(list.map((e: { type: string }) => e.type)).toEqual(['JobCreated', 'JobPlanned', ...Array(6).fill('ChunkReported'), 'JobCompleted']);

    const third = list[4].position;
    const dry = await mpr('replay', result.job, '--from', String(third), '--dry-run');
    if (dry.code !== 0) console.error(`mpr replay --dry-run failed:\n${dry.stderr}`); // seen once under load; keep the evidence
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('a fork would reuse 3 finished chunk(s) and run 3 chunk(s) again');

    const state = await mpr('state', `job:${result.job}`, '--at', String(third));
    expect(JSON.parse(state.stdout).version).toBe(5);

    const fork = await mpr('replay', result.job, '--from', String(third));
    expect(fork.code).toBe(0);
    const forked = JSON.parse(fork.stdout.slice(fork.stdout.indexOf('{')));
    expect(forked).toMatchObject({ status: 'COMPLETED', result: { sha256List: result.sha256List } });

    const rebuilt = await mpr('projections', 'rebuild');
    expect(rebuilt.stdout).toMatch(/rebuilt 6 read models from \d+ events/);

    const bad = await mpr('replay', 'nope', '--from', '1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no job nope');
  });

  test('mpr scan registers the input folder; mpr transcode writes a ladder to --out with no server', async () => {
    const input = join(data, 'media/in');
    mkdirSync(join(input, 'sub'), { recursive: true });
    await Bun.write(join(input, 'sub/clip.mp4'), Bun.file(new URL('../../../shared/corpus/video/androidx_sample.mp4', import.meta.url).pathname));
    await Bun.write(join(input, 'broken.mp4'), 'not a video');
    const scan = await mpr('scan');
    expect(scan.code).toBe(0);
    expect(scan.stdout).toContain('found 2, registered 2, updated 0, skipped 0');
    expect(scan.stdout).toMatch(/broken\.mp4 +INVALID: /);
    expect(scan.stdout).toMatch(/sub\/clip\.mp4 +video 1080x720 1\.0 s/);
    expect((await mpr('scan', '--json')).stdout).toContain('"skipped":2');

    const out = join(data, 'ladder');
    const t = await mpr('transcode', join(input, 'sub/clip.mp4'), '--preset', 'hls-abr', '--out', out);
    expect(t.code).toBe(0);
    expect(t.stderr).toContain('COMPLETED');
    const result = JSON.parse(t.stdout);
    expect(result.master).toBe(join(out, 'hls/master.m3u8'));
    expect(await Bun.file(result.master).text()).toContain('RESOLUTION=1080x720');
    expect(result.renditions.map((r: { name: string }) => r.name)).toEqual(['audio', '360p', '720p']);

    const bad = await mpr('transcode', join(input, 'broken.mp4'), '--out', out);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('broken.mp4: ');
  });
});
