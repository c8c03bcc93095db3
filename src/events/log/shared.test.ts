import { afterEach, describe, expect, test } from 'bun:test';
import type { StoredEvent } from '../types.ts';
import type { EventLog } from './index.ts';
import { createSharedSubscription, LOG_END, type LogCursor, type SharedLog } from './shared.ts';
import { createSqliteLog, openDatabase } from './sqlite.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../../../test/wait.ts';

/** A SQLite log, with counts of what the shared subscription asks of it. */
const counted = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpr-shared-'));
  const db = openDatabase(join(dir, 'mpr.db'));
  const log = createSqliteLog({ db, maxEventBytes: 1 << 20, now: () => new Date().toISOString(), onCorrupt: () => {} });
  const calls = { subscribe: 0, readAll: 0, aborted: 0 };
  const shared: SharedLog = {
    head: () => log.head(),
    readAll: (after, limit) => {
      calls.readAll++;
      return log.readAll(after, limit);
    },
    subscribe: (after, signal) => {
      calls.subscribe++;
      signal.addEventListener('abort', () => calls.aborted++, { once: true });
      return log.subscribe(after, signal);
    },
  };
  const cleanup = async () => {
    await log.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { log, shared, calls, cleanup };
};

/** A cursor read as a reader would: everything it has now, and a count of wakes. */
const reader = (sub: ReturnType<typeof createSharedSubscription>, after: number) => {
  const got: number[] = [];
  let wakes = 0;
  let ended = false;
  const c: LogCursor = sub.cursor(after, () => {
    wakes++;
    if (r.auto) r.drain();
  });
  const r = {
    got,
    auto: true,
    wakes: () => wakes,
    ended: () => ended,
    drain() {
      for (;;) {
        const e = c.next();
        if (e === null) return;
        if (e === LOG_END) {
          ended = true;
          return;
        }
        got.push((e as StoredEvent).position);
      }
    },
    close: () => c.close(),
  };
  r.drain();
  return r;
};

const tick = (log: EventLog, stream: string) => log.version(stream).then((v) => log.append(stream, [{ type: 'Tick', data: { v } }], v));

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

describe('the shared log subscription', () => {
  test('many readers, one subscription: each gets every event once, in order, in the turn it was heard; the last to close releases it', async () => {
    const h = counted();
    cleanups.push(h.cleanup);
    for (let i = 0; i < 3; i++) await tick(h.log, 'job:old');
    const sub = createSharedSubscription(h.shared);
    const readers = Array.from({ length: 50 }, () => reader(sub, 3));
    await until(() => sub.live() && h.calls.subscribe === 1, 'the subscription to start', 2000);
    const positions: number[] = [];
    for (let i = 0; i < 20; i++) positions.push((await tick(h.log, `job:s${i % 3}`)).position);
    await until(() => readers.every((r) => r.got.length === 20), 'every reader to have every event', 2000);
    for (const r of readers) expect(r.got).toEqual(positions);
    expect(h.calls.subscribe).toBe(1);
    expect(sub.readers()).toBe(50);
    for (const r of readers) r.close();
    expect(sub.readers()).toBe(0);
    expect(sub.live()).toBe(false);
    expect(h.calls.aborted).toBe(1);
    // A new reader starts a new subscription.
    const again = reader(sub, 0);
    await until(() => again.got.length === 23, 'the whole log', 2000);
    expect(h.calls.subscribe).toBe(2);
    again.close();
  });

  test('a reader that stops reading holds no one up, falls out of the window, and catches up from the log with nothing lost or repeated', async () => {
    const h = counted();
    cleanups.push(h.cleanup);
    const sub = createSharedSubscription(h.shared, { window: 4, page: 3 });
    const fast = reader(sub, 0);
    const slow = reader(sub, 0);
    slow.auto = false;
    await until(() => sub.live(), 'the subscription to start', 2000);
    const positions: number[] = [];
    for (let i = 0; i < 25; i++) {
      positions.push((await tick(h.log, 'job:a')).position);
      // The fast reader has each event before the next append.
      await until(() => fast.got.length === i + 1, `event ${i + 1} at the fast reader`, 1000);
    }
    expect(fast.got).toEqual(positions);
    expect(slow.got).toEqual([]);
    // It was woken once (it never asked again), and it is far behind a window of 4.
    expect(slow.wakes()).toBe(1);
    const readsBefore = h.calls.readAll;
    slow.auto = true;
    slow.drain();
    await until(() => slow.got.length === 25, 'the slow reader to catch up', 2000);
    expect(slow.got).toEqual(positions);
    expect(h.calls.readAll).toBeGreaterThan(readsBefore);
    // Caught up, it follows the window again.
    const next = (await tick(h.log, 'job:a')).position;
    await until(() => slow.got.at(-1) === next && fast.got.at(-1) === next, 'both to have the next event', 1000);
    fast.close();
    slow.close();
  });

  test('a reader from before the window reads history, then live, with no gap or duplicate while appends go on', async () => {
    const h = counted();
    cleanups.push(h.cleanup);
    for (let i = 0; i < 30; i++) await tick(h.log, `job:h${i % 4}`);
    const sub = createSharedSubscription(h.shared, { window: 8, page: 7 });
    const first = reader(sub, 30);
    await until(() => sub.live(), 'the subscription to start', 2000);
    const writer = (async () => {
      for (let i = 0; i < 40; i++) {
        await tick(h.log, `job:w${i % 3}`);
        if (i % 7 === 0) await Bun.sleep(1);
      }
    })();
    const late = reader(sub, 0);
    await writer;
    const all = (await h.log.readAll(0, 1000)).map((e) => e.position);
    await until(() => late.got.length === all.length && first.got.length === 40, 'both readers to have everything', 3000);
    expect(late.got).toEqual(all);
    expect(first.got).toEqual(all.slice(30));
    late.close();
    first.close();
  });

  test('a closed reader is not written to, and the others go on', async () => {
    const h = counted();
    cleanups.push(h.cleanup);
    const sub = createSharedSubscription(h.shared);
    const a = reader(sub, 0);
    const b = reader(sub, 0);
    await until(() => sub.live(), 'the subscription to start', 2000);
    await tick(h.log, 'job:c');
    await until(() => a.got.length === 1 && b.got.length === 1, 'the first event', 1000);
    const woken = b.wakes();
    b.close();
    await tick(h.log, 'job:c');
    await until(() => a.got.length === 2, 'the second event', 1000);
    expect(b.got).toHaveLength(1);
    expect(b.wakes()).toBe(woken);
    expect(sub.readers()).toBe(1);
    a.close();
  });

  test('the log closing ends every reader; a failing log fails every reader, and the next reader starts afresh', async () => {
    const h = counted();
    cleanups.push(h.cleanup);
    const sub = createSharedSubscription(h.shared);
    const a = reader(sub, 0);
    await until(() => sub.live(), 'the subscription to start', 2000);
    await h.log.close();
    await until(() => a.ended(), 'the reader to end', 1000);
    expect(sub.live()).toBe(false);
    a.close();

    let fail = true;
    const flaky: SharedLog = {
      head: async () => 0,
      readAll: async () => [],
      // biome-ignore lint/correctness/useYield: a subscription that fails before its first event
      subscribe: async function* () {
        if (fail) throw new Error('connection lost');
      },
    };
    const sub2 = createSharedSubscription(flaky);
    const errors: unknown[] = [];
    const c = sub2.cursor(0, () => {
      try {
        c.next();
      } catch (e) {
        errors.push(e);
      }
    });
    expect(c.next()).toBeNull();
    await until(() => errors.length === 1, 'the failure to reach the reader', 1000);
    expect((errors[0] as Error).message).toBe('connection lost');
    expect(() => c.next()).toThrow('connection lost');
    c.close();
    fail = false;
    const d = sub2.cursor(0, () => {});
    await until(() => d.next() === LOG_END, 'a fresh subscription (that ends at once)', 1000);
    d.close();
  });
});
