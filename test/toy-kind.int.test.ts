/**
 * A job kind that exists only in this test runs end to end through HTTP,
 * the work queue (in-process, and the Redis consumer group), the routers
 * and the projections: nothing generic names it. It asks in its own words
 * (`{ kind: 'letters', text }`), splits the text into chunks weighted by
 * their length, counts letters in each on the Worker pool, tags its jobs
 * with a source name, and shows its result its own way.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { kindsOf, NO_TAGS, type JobKind } from '../src/actors/job-kind.ts';
import { AppError } from '../src/errors.ts';
import { createApp } from '../src/http/app.ts';
import type { System } from '../src/system.ts';
import { builtinTasksEntry, type BuiltinTasks } from '../src/work/pool/builtin-tasks.ts';
import { createWorkerPool } from '../src/work/pool/pool.ts';
import { testEnv, type Backend } from './system.ts';
import { until } from './wait.ts';
import { signedIn } from './auth.ts';

interface LettersParams {
  text: string;
  parts: number;
}
interface LettersResult {
  letters: number;
  digest: string;
}

const pool = createWorkerPool<BuiltinTasks>({ size: 2, entry: builtinTasksEntry, name: 'toy' });

const lettersKind: JobKind<LettersParams, LettersResult, { from: number; to: number }> = {
  name: 'letters',
  validate(p) {
    if (typeof p.text !== 'string' || p.text.length === 0) throw new AppError('validation', 'params.text: a non-empty string');
    const parts = p.parts ?? 3;
    if (!Number.isInteger(parts) || (parts as number) < 1) throw new AppError('validation', 'params.parts: a whole number >= 1');
    return { text: p.text, parts: parts as number };
  },
  request: { fields: ['text'], params: (body) => ({ text: body.text, parts: 3 }) },
  async plan({ text, parts }) {
    const size = Math.ceil(text.length / parts);
    return Array.from({ length: Math.ceil(text.length / size) }, (_, n) => ({ n, spec: { from: n * size, to: Math.min(text.length, (n + 1) * size) } }));
  },
  async run(chunk, { text }, ctx) {
    const part = text.slice(chunk.spec.from, chunk.spec.to);
    ctx.progress({ percent: 50 });
    // CPU work goes to the Worker pool, off the event loop.
    const sha = await pool.run('sha256', new TextEncoder().encode(part));
    return { letters: [...part].filter((c) => /\p{L}/u.test(c)).length, sha };
  },
  combine: (results) => {
    const rs = results as { letters: number; sha: string }[];
    return { letters: rs.reduce((a, r) => a + r.letters, 0), digest: rs.map((r) => r.sha.slice(0, 8)).join('-') };
  },
  tags: (p) => ({ ...NO_TAGS, sourceKey: `texts/${p.text.slice(0, 5)}.txt`, presetName: `${p.parts} parts` }),
  weight: (c) => c.spec.to - c.spec.from,
  present: (r) => ({ outputs: null, urls: null, renditions: [], result: r && { letters: r.letters, digest: r.digest, shownBy: 'letters' } }),
};

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

for (const backend of ['sqlite', 'redis'] as Backend[]) {
  describe(`a job kind known only to this test (${backend}, ${backend === 'redis' ? 'Redis work queue' : 'in-process queue'})`, () => {
    const env = testEnv(backend, `toy-${backend}`, backend === 'redis' ? { MPR_WORK_QUEUE: 'redis' } : {});
    let s: System;
    let app: ReturnType<typeof createApp>;
    const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
      const res = await app.handle(
        new Request(`http://localhost${path}`, {
          method,
          body: body === undefined ? undefined : JSON.stringify(body),
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
        }),
      );
      return { status: res.status, json: await res.json() };
    };

    beforeAll(async () => {
      s = await env.boot({ kinds: kindsOf(lettersKind), workConcurrency: 2 });
      await s.start();
      app = await signedIn(s, createApp(s));
    });
    afterAll(async () => {
      await env.cleanup();
    });

    test('asked in its own words, run through the queue, shown its own way', async () => {
      const text = 'Über 9 lazy dogs jump, and 12 quick foxes run.';
      const created = await call('POST', '/api/jobs', { kind: 'letters', text });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ kind: 'letters', sourceKey: 'texts/Über .txt', sourceName: 'Über .txt', presetName: '3 parts' });
      const id = created.json.id as string;
      await until(async () => (await call('GET', `/api/jobs/${id}`)).json.status === 'COMPLETED', 'the letters job to complete', 30_000);
      const job = (await call('GET', `/api/jobs/${id}`)).json;
      expect(job.result).toMatchObject({ letters: [...text].filter((c) => /\p{L}/u.test(c)).length, shownBy: 'letters' });
      expect(job.result.digest).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
      expect(job).toMatchObject({ progress: 100, chunksTotal: 3, chunksDone: 3, outputs: null, urls: null, renditions: [] });
      // Chunks went through the queue and ran on a worker of this system.
      const chunks = (await call('GET', `/api/jobs/${id}/chunks`)).json.items as Json[];
      expect(chunks.map((c) => c.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      expect(chunks.every((c) => typeof c.worker === 'string')).toBe(true);
      // The projection took the kind's weights (chunk lengths) and tags.
      const list = (await call('GET', '/api/jobs?kind=letters')).json;
      expect(list.items.map((j: Json) => j.id)).toContain(id);
      const events = (await call('GET', `/api/jobs/${id}/events`)).json.items as Json[];
      expect(events.filter((e) => e.type === 'ChunkSucceeded')).toHaveLength(3);
      expect(await s.queue.depth()).toEqual({ waiting: 0, pending: 0 });
    });

    test('its own validation answers 400; a request without kind means the default kind (the first registered)', async () => {
      const bad = await call('POST', '/api/jobs', { kind: 'letters', text: '' });
      expect(bad.status).toBe(400);
      expect(bad.json.error.message).toContain('params.text');
      const byDefault = await call('POST', '/api/jobs', { text: 'abc' });
      expect(byDefault.status).toBe(201);
      expect(byDefault.json.kind).toBe('letters');
      const unknown = await call('POST', '/api/jobs', { text: 'abc', colour: 'red' });
      expect(unknown.status).toBe(400);
      expect(unknown.json.error.message).toBe('unknown field "colour" (allowed: text, kind, params)');
    });
  });
}

afterAll(() => pool.close());
