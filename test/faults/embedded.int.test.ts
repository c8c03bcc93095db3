/**
 * Fault suite, embedded mode (issue 13): `mpr start` (SQLite log, folder
 * stores, its own two workers) is killed with SIGKILL while its ffmpeg
 * processes encode, then started again on the same data folder. Every job
 * completes once, the checks of checks.ts hold, and no ffmpeg the killed
 * process left behind runs on once the new one is up (the orphans would
 * write into the scratch folders the reruns use).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { addAssets, apiClient, LONG_CLIP, SHORT_CLIPS, submitJobs, waitTerminal } from './client.ts';
import { type Embedded, startEmbedded } from './cluster.ts';
import { ffmpegChildren, ffmpegOrphans, isAlive, waitFor } from './procs.ts';
import { verifyJobs } from './verify.ts';

/** How long the new process has, once it answers, to have ended the orphans. */
const REAP_GRACE_MS = 3000;

let e: Embedded;
const api = apiClient(() => e.api().url!);

beforeAll(async () => {
  e = await startEmbedded({ label: 'embedded', workers: 2 });
  await e.start();
}, 90_000);

afterAll(async () => {
  await e?.stop();
}, 30_000);

describe('fault suite: embedded mpr start', () => {
  test('mpr start killed with SIGKILL mid-encode and started again: every job completes once, no ffmpeg orphan runs on', async () => {
    // Two long encodes (one per worker slot) to kill in the middle of, and a short job.
    const clips = [LONG_CLIP, LONG_CLIP, SHORT_CLIPS[0]!];
    const assets = await addAssets(api, e.storage.input, clips);
    const ids = await submitJobs(api, assets, clips);
    const first = e.api();
    const running = await waitFor(
      () => {
        const ff = ffmpegChildren(first.pid);
        return ff.length >= 2 ? ff : null;
      },
      'mpr start to run two ffmpeg at once',
      60_000,
      20,
    );
    await first.kill9();
    const leftAtKill = running.filter((p) => isAlive(p.pid)).map((p) => p.pid);
    const second = await e.start();
    let orphans = ffmpegOrphans(e.dataDir, [second.pid]);
    const atReady = orphans.map((p) => p.pid);
    await waitFor(
      () => {
        orphans = ffmpegOrphans(e.dataDir, [second.pid]);
        return orphans.length === 0;
      },
      'no orphan',
      REAP_GRACE_MS,
    ).catch(() => undefined);
    console.log(
      `faults: kill -9 of mpr start with ffmpeg ${running.map((p) => p.pid).join(', ')} running; alive after the kill: [${leftAtKill.join(', ')}], ` +
        `when the new one answered: [${atReady.join(', ')}], ${REAP_GRACE_MS / 1000} s later: [${orphans.map((p) => p.pid).join(', ')}]` +
        `; the new one said: ${
          second
            .log()
            .split('\n')
            .find((l) => leftAtKill.some((pid) => l.includes(String(pid)))) ?? '(nothing about them)'
        }`,
    );
    expect(orphans.map((p) => `pid ${p.pid} (parent ${p.ppid}): ${p.cmdline.slice(0, 200)}`)).toEqual([]);
    const jobs = await waitTerminal(api, ids, 150_000).catch((err) => {
      throw new Error(`${(err as Error).message}\n${e.logs()}`);
    });
    expect(await verifyJobs({ ...e, api: second, output: e.storage.output, rebuild: () => e.rebuild() }, jobs)).toEqual([]);
  }, 240_000);
});
