/**
 * Job control through the API on both log backends: cancel mid-encode
 * (ffmpeg gone within a second, partial outputs removed, the pool slot
 * free), retry as a new attempt that completes, and two jobs at once.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BusMessage } from '../live/bus.ts';
import { runFfmpeg } from '../media/ffmpeg.ts';
import type { System } from '../system.ts';
import { corpusFile } from '../../test/corpus.ts';
import { testEnv, type Backend } from '../../test/system.ts';
import { until } from '../../test/wait.ts';
import { createApp } from './app.ts';
import { signedIn } from '../../test/auth.ts';

/** ffmpeg processes this test process started (children of this pid). */
const ffmpegChildren = async (): Promise<number> => {
  const p = Bun.spawn(['pgrep', '-P', String(process.pid), '-x', 'ffmpeg'], { stdout: 'pipe' });
  const out = await new Response(p.stdout).text();
  await p.exited;
  return out.split('\n').filter(Boolean).length;
};

for (const backend of ['sqlite', 'redis'] as Backend[]) {
  describe(`job control (${backend})`, () => {
    const env = testEnv(backend, `ctl-${backend}`);
    let s: System;
    let app: ReturnType<typeof createApp>;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await app.handle(
        new Request(`http://localhost${path}`, {
          method,
          body: body === undefined ? undefined : JSON.stringify(body),
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
        }),
      );
      return { status: res.status, json: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const job = async (id: string) => (await call('GET', `/api/jobs/${id}`)).json;
    const waitStatus = async (id: string, statuses: string[], timeoutMs = 90_000) => {
      await until(async () => statuses.includes((await job(id)).status), `job ${id} to reach ${statuses}`, timeoutMs);
      return job(id);
    };

    beforeAll(async () => {
      const input = join(env.dataDir, 'media/in');
      mkdirSync(input, { recursive: true });
      // Long enough to cancel mid-encode: 24 s of 720p in 2 chunks of a 2-worker pool.
      await runFfmpeg(
        [
          '-f',
          'lavfi',
          '-i',
          'testsrc2=size=1280x720:rate=30:duration=24',
          '-f',
          'lavfi',
          '-i',
          'sine=duration=24',
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-g',
          '60',
          '-c:a',
          'aac',
          '-shortest',
          join(input, 'long.mp4'),
        ],
        {},
      );
      await Bun.write(join(input, 'short.mp4'), Bun.file(corpusFile('video/androidx_sample.mp4')));
      s = await env.boot({ workConcurrency: 2 });
      await s.start();
      app = await signedIn(s, createApp(s));
      expect((await call('POST', '/api/assets/scan')).json).toMatchObject({ registered: 2 });
    });
    afterAll(() => env.cleanup());

    test('cancel mid-encode stops ffmpeg within a second and removes partial outputs; retry completes as attempt 2', async () => {
      const long = (await call('GET', '/api/assets?q=long')).json.items[0];
      const ticks: BusMessage[] = [];
      const off = s.bus.subscribe((m) => m.kind === 'chunk-progress' && ticks.push(m));
      const created = (await call('POST', '/api/jobs', { assetId: long.id, presetId: 'hls-abr' })).json;
      await until(() => ticks.some((m) => (m.data as { jobId: string }).jobId === created.id), 'a progress tick from ffmpeg', 30_000);
      off();
      expect(await ffmpegChildren()).toBeGreaterThan(0);
      expect((await job(created.id)).status).toBe('PROCESSING');

      const t0 = performance.now();
      const cancelled = await call('POST', `/api/jobs/${created.id}/cancel`);
      expect(cancelled.json.status).toBe('CANCELLED');
      await until(async () => (await ffmpegChildren()) === 0, 'ffmpeg to stop', 5_000);
      expect(performance.now() - t0).toBeLessThan(1_000);
      await until(async () => (await s.storage.output.list(`jobs/${created.id}/`)).length === 0, 'partial outputs to go', 10_000);
      await until(() => s.work().busy === 0, 'the pool to be free', 5_000);

      const retried = await call('POST', `/api/jobs/${created.id}/retry`);
      expect(retried.status).toBe(200);
      expect(retried.json).toMatchObject({ attempt: 2, error: null });
      const done = await waitStatus(created.id, ['COMPLETED', 'FAILED']);
      expect(done).toMatchObject({ status: 'COMPLETED', attempt: 2 });
      expect(done.outputs.master).toStartWith(`jobs/${created.id}/a2/`);
      const chunks = (await call('GET', `/api/jobs/${created.id}/chunks`)).json.items as { attempt: number; status: string }[];
      expect(chunks.filter((c) => c.attempt === 2).every((c) => c.status === 'SUCCEEDED')).toBe(true);
    }, 120_000);

    test('two jobs at once both complete', async () => {
      const short = (await call('GET', '/api/assets?q=short')).json.items[0];
      const a = (await call('POST', '/api/jobs', { assetId: short.id, presetId: 'hls-abr' })).json;
      const b = (await call('POST', '/api/jobs', { assetId: short.id, presetId: 'mp4-720p' })).json;
      expect((await waitStatus(a.id, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');
      expect((await waitStatus(b.id, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');
    }, 180_000);
  });
}
