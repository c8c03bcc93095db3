import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_END, type LogCursor, sharedSubscriptionOf } from '../../events/log/shared.ts';
import { createSqliteLog, openDatabase } from '../../events/log/sqlite.ts';
import type { StoredEvent } from '../../events/types.ts';
import { type BusMessage, createMemoryBus } from '../../live/bus.ts';
import { until } from '../../../test/wait.ts';
import { jobFilter } from './filter.ts';
import { MERGE_END, mergeLive } from './merge.ts';
import { createSseParser } from './parser.ts';
import { activeEventStreams, eventStream } from './response.ts';

const tick = (topic: string, n: number): BusMessage => ({ topic, kind: 'progress', data: { n }, at: new Date().toISOString() });
const event = (i: number): StoredEvent => ({
  stream: 'job:x',
  version: i,
  position: i,
  type: 'X',
  data: null,
  meta: { at: '', actor: '', causationId: null, correlationId: null },
});

describe('mergeLive', () => {
  test('reads the log only as fast as it is asked, and releases everything on abort', () => {
    let read = 0;
    let closed = false;
    const endless: LogCursor = {
      next: () => event(++read),
      close: () => {
        closed = true;
      },
    };
    const bus = createMemoryBus();
    let listeners = 0;
    const counted = {
      subscribe: (h: (m: BusMessage) => void) => {
        listeners++;
        return bus.subscribe(h);
      },
    };
    const ac = new AbortController();
    const reasons: string[] = [];
    const merge = mergeLive(
      {
        openLog: () => endless,
        bus: counted,
        filter: jobFilter('x'),
        heartbeatMs: 60_000,
        maxQueued: 10,
        now: () => 'now',
        signal: ac.signal,
        onClose: (r) => reasons.push(r),
      },
      () => {},
    );
    for (let i = 0; i < 3; i++) expect(merge.next()).toMatchObject({ kind: 'log', event: { position: i + 1 } });
    expect(read).toBe(3);
    expect(listeners).toBe(1);
    bus.publish(tick('job:x', 1));
    expect(merge.next()).toMatchObject({ kind: 'telemetry' });
    ac.abort();
    expect(reasons).toEqual(['aborted']);
    expect(merge.next()).toBe(MERGE_END);
    expect(closed).toBe(true);
  });

  test('ends with overflow when telemetry piles up unread', () => {
    const bus = createMemoryBus();
    const reasons: string[] = [];
    const merge = mergeLive(
      {
        openLog: () => ({ next: () => null, close: () => {} }),
        bus,
        filter: { streams: [], prefixes: [], types: [], telemetry: true },
        heartbeatMs: 60_000,
        maxQueued: 3,
        now: () => 'now',
        signal: new AbortController().signal,
        onClose: (r) => reasons.push(r),
      },
      () => {},
    );
    for (let i = 0; i < 4; i++) bus.publish(tick('job:y', i));
    expect(reasons).toEqual(['overflow']);
    expect(merge.next()).toBe(MERGE_END);
  });

  test('pokes when the log has more, and ends when the log ends', () => {
    let wake = () => {};
    let queue: (StoredEvent | typeof LOG_END)[] = [];
    let pokes = 0;
    const reasons: string[] = [];
    const merge = mergeLive(
      {
        openLog: (w) => {
          wake = w;
          return { next: () => queue.shift() ?? null, close: () => {} };
        },
        bus: null,
        filter: jobFilter('x'),
        heartbeatMs: 60_000,
        maxQueued: 3,
        now: () => 'now',
        signal: new AbortController().signal,
        onClose: (r) => reasons.push(r),
      },
      () => pokes++,
    );
    expect(merge.next()).toBeNull();
    queue = [event(1), LOG_END];
    wake();
    expect(pokes).toBe(1);
    expect(merge.next()).toMatchObject({ kind: 'log' });
    expect(merge.next()).toBe(MERGE_END);
    expect(reasons).toEqual(['ended']);
  });
});

describe('event streams over one shared subscription', () => {
  let cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups) await c();
    cleanups = [];
  });

  test('200 streams, one subscription: each has every event; a stream nobody reads holds up no other, and later reads all it missed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpr-sse-fanout-'));
    const db = openDatabase(join(dir, 'mpr.db'));
    const log = createSqliteLog({ db, maxEventBytes: 1 << 20, now: () => new Date().toISOString(), onCorrupt: () => {} });
    cleanups.push(async () => {
      await log.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    let subscriptions = 0;
    const deps = {
      log: {
        head: () => log.head(),
        readAll: (after: number, limit: number) => log.readAll(after, limit),
        subscribe: (after: number, signal: AbortSignal) => {
          subscriptions++;
          return log.subscribe(after, signal);
        },
      },
      bus: createMemoryBus(),
      logger: { warn: () => {} },
      now: () => new Date().toISOString(),
    };
    const filter = { streams: [], prefixes: [], types: [], telemetry: false };
    const open = (signal: AbortSignal) => eventStream(deps, { after: 0, filter, signal, heartbeatMs: 60_000, maxQueued: 100, retryMs: 1000 }).getReader();
    const read = (r: ReturnType<typeof open>, ids: number[]) => {
      const parser = createSseParser();
      const decoder = new TextDecoder();
      return (async () => {
        for (;;) {
          const { value, done } = await r.read();
          if (done) return;
          for (const f of parser.push(decoder.decode(value, { stream: true }))) if (f.event === 'log') ids.push(Number(f.id));
        }
      })();
    };
    const ac = new AbortController();
    const readers = Array.from({ length: 200 }, () => ({ r: open(ac.signal), ids: [] as number[] }));
    const pumps = readers.map(({ r, ids }) => read(r, ids));
    const stalled = open(ac.signal); // opened, never read until the end
    expect(activeEventStreams()).toBe(201);
    const positions: number[] = [];
    for (let i = 0; i < 60; i++) {
      positions.push((await log.append(`job:f${i % 5}`, [{ type: 'Tick', data: { i } }], Math.floor(i / 5))).position);
      await until(() => readers.every((x) => x.ids.length === i + 1), `event ${i + 1} at every reading stream`, 2000);
    }
    for (const x of readers) expect(x.ids).toEqual(positions);
    expect(subscriptions).toBe(1);
    expect(sharedSubscriptionOf(deps.log).readers()).toBe(201);
    const late: number[] = [];
    const lastPump = read(stalled, late);
    await until(() => late.length === 60, 'the stalled stream to catch up', 2000);
    expect(late).toEqual(positions);
    ac.abort();
    await Promise.all([...pumps, lastPump]);
    await until(() => activeEventStreams() === 0, 'every stream to be released', 2000);
    expect(sharedSubscriptionOf(deps.log).live()).toBe(false);
  });
});
