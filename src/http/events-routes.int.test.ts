/**
 * GET /api/events on both log backends: ids are positions, filters, resume
 * with Last-Event-ID under concurrent appends, live events and telemetry,
 * heartbeats, release on disconnect, a stalled client cut off, and a real
 * Bun.serve proving frames stream rather than buffer.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { Elysia } from 'elysia';
import { Redis } from 'ioredis';
import type { BusMessage } from '../live/bus.ts';
import type { StoredEvent } from '../events/types.ts';
import type { System } from '../system.ts';
import { testRedisUrl } from '../../test/redis-server.ts';
import { testEnv, type Backend, type TestEnv } from '../../test/system.ts';
import { until } from '../../test/wait.ts';
import { createApp } from './app.ts';
import { eventsRoutes, type EventsRoutesOptions } from './events-routes.ts';
import { activeEventStreams, createSseParser, formatFrame, jobFilter, matchesEvent, matchesTelemetry, type ParsedFrame } from './sse/index.ts';
import { adminKey, signedIn } from '../../test/auth.ts';

/** Reads a response body in the background, parsing frames as they come. */
const open = (res: Response) => {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toStartWith('text/event-stream');
  const reader = res.body!.getReader();
  const parser = createSseParser();
  const decoder = new TextDecoder();
  const frames: ParsedFrame[] = [];
  let ended = false;
  const pump = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        frames.push(...parser.push(decoder.decode(value, { stream: true })));
      }
    } catch {
      // fetch's body rejects once its request is aborted.
    }
    ended = true;
  })();
  const logs = () => frames.filter((f) => f.event === 'log');
  return {
    frames,
    logs,
    ended: () => ended,
    positions: () => logs().map((f) => Number(f.id)),
    events: () => logs().map((f) => JSON.parse(f.data) as StoredEvent),
    telemetry: () => frames.filter((f) => f.event === 'telemetry'),
    waitLogs: (n: number, what = `${n} log frames`) => until(() => logs().length >= n, what, 5000),
    async close() {
      await reader.cancel().catch(() => undefined); // an aborted fetch rejects
      await pump;
    },
  };
};

const get = (app: { handle(r: Request): Promise<Response> }, path: string, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  app.handle(new Request(`http://localhost${path}`, { headers, signal }));

/** An app with just this route group, for options the real app does not set. */
const appWith = (s: System, opts: EventsRoutesOptions) => new Elysia().group('/api', (a) => a.use(eventsRoutes(s, opts)));

const tick = (topic: string, n: number): BusMessage => ({ topic, kind: 'progress', data: { n }, at: new Date().toISOString() });

/** The Redis bus hears only after it has subscribed. */
const busReady = async (s: System) => {
  const ready = (s.bus as { ready?: Promise<void> }).ready;
  if (ready) await ready;
};

const append = async (s: System, stream: string, ...types: string[]) => {
  const v = await s.log.version(stream);
  return s.log.append(
    stream,
    types.map((type, i) => ({ type, data: { n: v + i + 1 } })),
    v,
  );
};

for (const backend of ['sqlite', 'redis'] as Backend[]) {
  describe(`GET /api/events on ${backend}`, () => {
    let env: TestEnv;
    afterEach(async () => {
      await until(() => activeEventStreams() === 0, 'every event stream to be released', 3000);
      await env?.cleanup();
    });

    test('from the beginning: every event once, in order, id = position, data = the stored event', async () => {
      env = testEnv(backend, 'sse');
      const s = await env.boot();
      await adminKey(s); // the test admin's account and key: logged before this test's own events
      await append(s, 'job:a', 'JobCreated', 'JobPlanned');
      await append(s, 'chunk:a:0', 'ChunkStarted');
      await append(s, 'job:b', 'JobCreated');
      const stored = await s.log.readAll(0, 100);
      const c = open(await get(await signedIn(s, createApp(s)), '/api/events?after=0'));
      await c.waitLogs(4);
      expect(c.frames[0]!.retry).toBe(2000);
      expect(c.positions()).toEqual(stored.map((e) => e.position));
      expect(c.logs().map((f) => f.id)).toEqual(stored.map((e) => String(e.position)));
      expect(c.events()).toEqual(stored);
      // after=<n> starts strictly after n.
      const d = open(await get(await signedIn(s, createApp(s)), `/api/events?after=${stored[1]!.position}`));
      await d.waitLogs(2);
      expect(d.positions()).toEqual(stored.slice(2).map((e) => e.position));
      await Promise.all([c.close(), d.close()]);
    });

    test('filters: stream, streams, prefix, job, types', async () => {
      env = testEnv(backend, 'sse');
      const s = await env.boot();
      await adminKey(s); // the test admin's account and key: logged before this test's own events
      await append(s, 'job:j1', 'JobCreated', 'JobPlanned');
      await append(s, 'chunk:j1:0', 'ChunkStarted', 'ChunkReported');
      await append(s, 'stage:j1:ocr', 'StageStarted');
      await append(s, 'job:j10', 'JobCreated'); // a prefix of no j1 stream
      await append(s, 'chunk:j10:0', 'ChunkStarted');
      await append(s, 'asset:x', 'AssetRegistered');
      await append(s, 'job:j1', 'JobFailed');
      const all = await s.log.readAll(0, 100);
      const app = await signedIn(s, createApp(s));
      const cases: [string, (e: StoredEvent) => boolean][] = [
        ['stream=job:j1', (e) => e.stream === 'job:j1'],
        ['streams=job:j10,asset:x', (e) => e.stream === 'job:j10' || e.stream === 'asset:x'],
        ['prefix=chunk:', (e) => e.stream.startsWith('chunk:')],
        ['job=j1', (e) => ['job:j1', 'chunk:j1:0', 'stage:j1:ocr'].includes(e.stream)],
        ['types=JobCreated,JobFailed', (e) => e.type === 'JobCreated' || e.type === 'JobFailed'],
        ['job=j1&types=JobFailed', (e) => e.stream === 'job:j1' && e.type === 'JobFailed'],
        ['stream=asset:x&prefix=stage:', (e) => e.stream === 'asset:x' || e.stream.startsWith('stage:')],
      ];
      for (const [q, keep] of cases) {
        const want = all.filter(keep).map((e) => e.position);
        const c = open(await get(app, `/api/events?after=0&${q}`));
        await c.waitLogs(want.length, q);
        await Bun.sleep(30); // nothing else may follow
        expect({ q, got: c.positions() }).toEqual({ q, got: want });
        await c.close();
      }
    });

    test('invalid positions and filters answer 400 with a validation error', async () => {
      env = testEnv(backend, 'sse');
      const booted = await env.boot();
      const app = await signedIn(booted, createApp(booted));
      const bad: [string, Record<string, string>][] = [
        ['?after=-1', {}],
        ['?after=1.5', {}],
        ['?after=abc', {}],
        ['?after=99999999999999999999', {}],
        ['', { 'last-event-id': 'x7' }],
        ['?after=0', { 'last-event-id': '-3' }],
        ['?job=', {}],
        ['?streams=a,,b', {}],
        ['?telemetry=maybe', {}],
      ];
      for (const [q, headers] of bad) {
        const res = await get(app, `/api/events${q}`, headers);
        expect({ q, headers, status: res.status }).toEqual({ q, headers, status: 400 });
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('validation');
      }
      expect(activeEventStreams()).toBe(0);
    });

    test('without a position it starts at the head: only new events, live', async () => {
      env = testEnv(backend, 'sse');
      const s = await env.boot();
      await adminKey(s); // the test admin's account and key: logged before this test's own events
      await append(s, 'job:old', 'JobCreated', 'JobPlanned');
      const c = open(await get(await signedIn(s, createApp(s)), '/api/events'));
      const { position } = await append(s, 'job:new', 'JobCreated');
      await c.waitLogs(1);
      await append(s, 'job:new', 'JobPlanned');
      await c.waitLogs(2);
      expect(c.positions()).toEqual([position, position + 1]);
      await c.close();
    });

    test('resume with Last-Event-ID under concurrent appends: every event exactly once, in order', async () => {
      env = testEnv(backend, 'sse');
      const s = await env.boot();
      await adminKey(s); // the test admin's account and key: logged before this test's own events
      for (let i = 0; i < 10; i++) await append(s, `job:r${i % 3}`, 'JobCreated');
      const app = await signedIn(s, createApp(s));
      const first = open(await get(app, '/api/events?after=0&telemetry=0'));
      await first.waitLogs(4);
      await first.close();
      const seen = first.positions();
      // More events land while the client is away and while it reconnects.
      const writer = (async () => {
        for (let i = 0; i < 30; i++) {
          await append(s, `job:r${i % 4}`, 'JobPlanned');
          if (i % 5 === 0) await Bun.sleep(2);
        }
      })();
      // The header wins over ?after=0, which EventSource would send again.
      const second = open(await get(app, '/api/events?after=0&telemetry=0', { 'last-event-id': String(seen.at(-1)) }));
      await writer;
      const all = (await s.log.readAll(0, 1000)).map((e) => e.position);
      // 40 of its own, after the test admin's account and key.
      expect(all).toHaveLength(42);
      await second.waitLogs(all.length - seen.length, 'the rest of the log');
      await Bun.sleep(30);
      expect([...seen, ...second.positions()]).toEqual(all);
      await second.close();
    });

    test('live telemetry arrives without an id, filtered by job; telemetry=0 leaves it out', async () => {
      env = testEnv(backend, 'sse');
      const s = await env.boot();
      await adminKey(s); // the test admin's account and key: logged before this test's own events
      await busReady(s);
      const app = await signedIn(s, createApp(s));
      const c = open(await get(app, '/api/events?job=t1'));
      const quiet = open(await get(app, '/api/events?job=t1&telemetry=0'));
      for (const [topic, n] of [
        ['job:t1', 1],
        ['job:t10', 2],
        ['chunk:t1:3', 3],
        ['job:t1:encode', 4],
        ['chunk:t2:0', 5],
        ['stage:t1:ocr', 6],
      ] as const) {
        s.bus.publish(tick(topic, n));
      }
      await until(() => c.telemetry().length >= 4, 'four ticks', 5000);
      // A log event after the ticks: once both clients have it, they have had every tick too.
      await append(s, 'job:t1', 'JobCreated');
      await Promise.all([c.waitLogs(1), quiet.waitLogs(1)]);
      await until(() => c.frames.filter((f) => f.event === 'telemetry' || f.event === 'log').length >= 5, 'ticks and event', 5000);
      const ticks = c.telemetry();
      expect(ticks.map((f) => (JSON.parse(f.data) as BusMessage).topic).sort()).toEqual(['chunk:t1:3', 'job:t1', 'job:t1:encode', 'stage:t1:ocr']);
      expect(ticks.every((f) => f.id === undefined)).toBe(true);
      expect(JSON.parse(ticks[0]!.data)).toMatchObject({ kind: 'progress', data: { n: expect.any(Number) } });
      expect(c.logs()[0]!.id).toBe(String(c.events()[0]!.position));
      expect(quiet.telemetry()).toEqual([]);
      await Promise.all([c.close(), quiet.close()]);
    });

    test('heartbeats are comments at the configured interval', async () => {
      env = testEnv(backend, 'sse');
      const s = await env.boot();
      await adminKey(s); // the test admin's account and key: logged before this test's own events
      const c = open(await get(appWith(s, { heartbeatMs: 20, retryMs: 500 }), '/api/events'));
      await until(() => c.frames.filter((f) => f.comments.some((x) => x.startsWith('hb '))).length >= 2, 'two heartbeats', 3000);
      const hb = c.frames.find((f) => f.comments.some((x) => x.startsWith('hb ')))!;
      expect(Number.isNaN(Date.parse(hb.comments[0]!.slice(3)))).toBe(false);
      expect(hb.data).toBe('');
      expect(c.frames[0]!.retry).toBe(500);
      await c.close();
    });

    test('a client going away releases its subscriptions (cancel, or the request aborting)', async () => {
      env = testEnv(backend, 'sse');
      const s = await env.boot();
      await adminKey(s); // the test admin's account and key: logged before this test's own events
      const app = await signedIn(s, createApp(s));
      const clients = () => (backend === 'redis' ? countClients() : Promise.resolve(0));
      const before = await clients();
      const c = open(await get(app, '/api/events'));
      expect(activeEventStreams()).toBe(1);
      await append(s, 'job:d', 'JobCreated'); // live: the Redis log now blocks on a connection of its own
      await c.waitLogs(1);
      if (backend === 'redis') expect(await clients()).toBe(before + 1);
      await c.close();
      await until(() => activeEventStreams() === 0, 'the stream to be released', 3000);
      if (backend === 'redis') await until(async () => (await clients()) === before, 'the blocking connection to close', 3000);

      const ac = new AbortController();
      const d = open(await get(app, '/api/events?after=0', {}, ac.signal));
      await d.waitLogs(1);
      expect(activeEventStreams()).toBe(1);
      ac.abort();
      await until(() => activeEventStreams() === 0, 'the aborted stream to be released', 3000);
      await d.close();
    });

    test('a client that stops reading is cut off once telemetry piles up, and nothing else leaks', async () => {
      env = testEnv(backend, 'sse');
      const s = await env.boot();
      await adminKey(s); // the test admin's account and key: logged before this test's own events
      await busReady(s);
      const res = await get(appWith(s, { maxQueued: 5, heartbeatMs: 60_000 }), '/api/events');
      await Bun.sleep(10);
      for (let i = 0; i < 100; i++) s.bus.publish(tick('job:slow', i));
      await until(() => activeEventStreams() === 0, 'the slow stream to be cut off', 5000);
      // What was already queued can still be read, then the stream ends.
      const c = open(res);
      await until(() => c.ended(), 'the stream to end', 3000);
      expect(c.telemetry().length).toBeLessThanOrEqual(5 + 16);
    });
  });
}

/** Connections to the test Redis, less the one asking. */
const countClients = async (): Promise<number> => {
  const r = new Redis(testRedisUrl());
  try {
    const list = (await r.client('LIST')) as string;
    return list.split('\n').filter((l) => l.trim() !== '').length - 1;
  } finally {
    r.disconnect();
  }
};

describe('GET /api/events through Bun.serve', () => {
  let env: TestEnv;
  afterEach(() => env?.cleanup());

  test('frames stream as they happen (not buffered), heartbeats go over the wire, disconnect releases', async () => {
    env = testEnv('sqlite', 'sse-serve');
    const s = await env.boot();
    const app = appWith(s, { heartbeatMs: 50 });
    const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: (r) => app.handle(r) });
    try {
      const ac = new AbortController();
      const res = await fetch(`http://127.0.0.1:${server.port}/api/events?after=0`, { signal: ac.signal });
      expect(res.headers.get('content-type')).toStartWith('text/event-stream');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const c = open(res);
      // The stream is open and endless, so anything read now was not buffered up to its end.
      await until(() => c.frames.length >= 1, 'the first frame', 3000);
      expect(c.frames[0]!.retry).toBe(2000);
      const { position } = await append(s, 'job:live', 'JobCreated');
      await c.waitLogs(1);
      expect(c.positions()).toEqual([position]);
      await until(() => c.frames.some((f) => f.comments.some((x) => x.startsWith('hb '))), 'a heartbeat', 3000);
      await append(s, 'job:live', 'JobPlanned');
      await c.waitLogs(2);
      expect(c.ended()).toBe(false);
      ac.abort();
      await until(() => activeEventStreams() === 0, 'the server-side stream to be released', 3000);
      await c.close();
    } finally {
      await server.stop(true);
    }
  });
});

describe('sse helpers', () => {
  test('a newline inside data or an id cannot break the frame', () => {
    const raw = formatFrame({ id: '7\nevent: evil', event: 'log\r\ndata: x', data: 'a\nb\r\nc' });
    expect(raw).toBe('id: 7\nevent: log\ndata: a\ndata: b\ndata: c\n\n');
    const [f] = createSseParser().push(raw);
    expect(f).toEqual({ id: '7', event: 'log', data: 'a\nb\nc', comments: [] });
  });

  test('the parser takes frames split anywhere, CRLF included, and reports comments', () => {
    const text = ': hb now\r\n\r\nretry: 2000\r\n\r\nid: 3\r\nevent: log\r\ndata: {"a":1}\r\n\r\nevent: telemetry\ndata:x\n\n';
    const p = createSseParser();
    const frames: ParsedFrame[] = [];
    for (const ch of text) frames.push(...p.push(ch));
    expect(frames).toEqual([
      { event: 'message', data: '', comments: ['hb now'] },
      { event: 'message', data: '', retry: 2000, comments: [] },
      { id: '3', event: 'log', data: '{"a":1}', comments: [] },
      { event: 'telemetry', data: 'x', comments: [] },
    ]);
  });

  test('jobFilter takes the job, its chunks and stages, not a job whose id merely starts the same', () => {
    const f = jobFilter('j1');
    const ev = (stream: string) => ({
      stream,
      version: 1,
      position: 1,
      type: 'X',
      data: null,
      meta: { at: '', actor: '', causationId: null, correlationId: null },
    });
    expect(['job:j1', 'chunk:j1:0', 'stage:j1:ocr', 'job:j10', 'chunk:j10:0', 'asset:j1'].filter((x) => matchesEvent(f, ev(x)))).toEqual([
      'job:j1',
      'chunk:j1:0',
      'stage:j1:ocr',
    ]);
    expect(['job:j1', 'job:j1:enc', 'chunk:j1:2', 'job:j10'].filter((topic) => matchesTelemetry(f, tick(topic, 0)))).toEqual([
      'job:j1',
      'job:j1:enc',
      'chunk:j1:2',
    ]);
  });
});
