/**
 * The EventLog contract, written once and run against every implementation
 * (sqlite.test.ts, redis.int.test.ts). Each test gets a fresh log.
 */
import { describe, expect, test } from 'bun:test';
import { AppError, VersionConflict } from '../../errors.ts';
import { CORRUPT_EVENT, type NewEvent, type StoredEvent } from '../types.ts';
import type { CorruptReporter } from './codec.ts';
import type { EventLog } from './index.ts';

export interface ContractHarness {
  log: EventLog;
  /** Damages the stored payload of the event at `position`, as a bad disk or a hand edit would. */
  corrupt(position: number): Promise<void>;
  cleanup(): Promise<void>;
}

export type HarnessFactory = (opts: { maxEventBytes: number; onCorrupt: CorruptReporter }) => Promise<ContractHarness>;

const ev = (type: string, data: unknown = {}): NewEvent => ({ type, data, meta: { actor: 'contract' } });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const collect = async (it: AsyncIterable<StoredEvent>, n: number, ctl: AbortController): Promise<StoredEvent[]> => {
  const out: StoredEvent[] = [];
  for await (const e of it) {
    out.push(e);
    if (out.length >= n) break;
  }
  ctl.abort();
  return out;
};

export const eventLogContract = (name: string, make: HarnessFactory) => {
  describe(`EventLog contract: ${name}`, () => {
    const withLog = async (fn: (h: ContractHarness, corrupt: { position: number; reason: string }[]) => Promise<void>, maxEventBytes = 1 << 20) => {
      const reported: { position: number; reason: string }[] = [];
      const h = await make({ maxEventBytes, onCorrupt: (r) => reported.push(r) });
      try {
        await fn(h, reported);
      } finally {
        await h.cleanup();
      }
    };

    test('appends in order with versions from 1 and increasing positions', () =>
      withLog(async ({ log }) => {
        const a = await log.append('job:a', [ev('A1'), ev('A2')], 0);
        expect(a.version).toBe(2);
        const b = await log.append('job:b', [ev('B1')], 0);
        const a3 = await log.append('job:a', [ev('A3', { n: 3 })], 2);
        expect(a3.version).toBe(3);
        expect(b.position).toBeGreaterThan(a.position);
        expect(a3.position).toBeGreaterThan(b.position);
        const s = await log.readStream('job:a');
        expect(s.map((e) => [e.type, e.version])).toEqual([
          ['A1', 1],
          ['A2', 2],
          ['A3', 3],
        ]);
        expect(s[2]!.data).toEqual({ n: 3 });
        expect(s[2]!.meta.actor).toBe('contract');
        expect(typeof s[0]!.meta.at).toBe('string');
        expect((await log.readStream('job:a', 3)).map((e) => e.type)).toEqual(['A3']);
        expect(await log.version('job:a')).toBe(3);
        expect(await log.version('job:none')).toBe(0);
        expect(await log.head()).toBe(a3.position);
        const all = await log.readAll(0, 100);
        expect(all.map((e) => e.type)).toEqual(['A1', 'A2', 'B1', 'A3']);
        for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
      }));

    test('a stale expected version raises a conflict and appends nothing', () =>
      withLog(async ({ log }) => {
        await log.append('job:c', [ev('C1')], 0);
        const head = await log.head();
        for (const stale of [0, 2, 5]) {
          const err = await log.append('job:c', [ev('X'), ev('Y')], stale).catch((e) => e);
          expect(err).toBeInstanceOf(VersionConflict);
          expect((err as VersionConflict).actual).toBe(1);
        }
        expect(await log.version('job:c')).toBe(1);
        expect(await log.head()).toBe(head);
      }));

    test('parallel writers: exactly one wins each version, retries lose nothing', () =>
      withLog(async ({ log }) => {
        const racers = await Promise.allSettled(range(20).map((i) => log.append('job:race', [ev('Won', { i })], 0)));
        expect(racers.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of racers) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(VersionConflict);

        const writers = 8;
        const each = 25;
        const write = async (w: number) => {
          for (let k = 0; k < each; k++) {
            for (;;) {
              const v = await log.version('job:shared');
              try {
                await log.append('job:shared', [ev('Inc', { w, k })], v);
                break;
              } catch (e) {
                if (!(e instanceof VersionConflict)) throw e;
              }
            }
          }
        };
        await Promise.all(range(writers).map(write));
        const s = await log.readStream('job:shared');
        expect(s).toHaveLength(writers * each);
        expect(s.map((e) => e.version)).toEqual(range(writers * each).map((i) => i + 1));
        const seen = new Set(s.map((e) => JSON.stringify(e.data)));
        expect(seen.size).toBe(writers * each);
      }));

    test('global reads page in position order across streams', () =>
      withLog(async ({ log }) => {
        for (const i of range(30)) await log.append(`chunk:p:${i % 3}`, [ev('E', { i })], Math.floor(i / 3));
        const pages: StoredEvent[] = [];
        let after = 0;
        for (;;) {
          const page = await log.readAll(after, 7);
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(7);
          pages.push(...page);
          after = page.at(-1)!.position;
        }
        expect(pages.map((e) => (e.data as { i: number }).i)).toEqual(range(30));
        expect(await log.readAll(await log.head(), 10)).toEqual([]);
      }));

    test('subscribe catches up, then goes live with no gap and no duplicate at the seam', () =>
      withLog(async ({ log }) => {
        for (const i of range(100)) await log.append(`job:s${i % 5}`, [ev('Old', { i })], Math.floor(i / 5));
        const ctl = new AbortController();
        const got = collect(log.subscribe(0, ctl.signal), 300, ctl);
        // Appends race the catch-up read: the seam must hold wherever it falls.
        for (const i of range(200)) {
          await log.append(`job:s${i % 5}`, [ev('New', { i })], 20 + Math.floor(i / 5));
          if (i % 20 === 0) await Bun.sleep(1);
        }
        const events = await got;
        expect(events).toHaveLength(300);
        const positions = events.map((e) => e.position);
        expect(new Set(positions).size).toBe(300);
        for (let i = 1; i < positions.length; i++) expect(positions[i]!).toBeGreaterThan(positions[i - 1]!);
        expect(events.slice(100).map((e) => (e.data as { i: number }).i)).toEqual(range(200));
      }));

    test('a subscriber that reconnects from its last position misses nothing', () =>
      withLog(async ({ log }) => {
        for (const i of range(100)) await log.append('job:r', [ev('E', { i })], i);
        const first = new AbortController();
        const part = await collect(log.subscribe(0, first.signal), 50, first);
        const last = part.at(-1)!.position;
        for (const i of range(50)) await log.append('job:r', [ev('E', { i: 100 + i })], 100 + i);
        const second = new AbortController();
        const rest = await collect(log.subscribe(last, second.signal), 100, second);
        expect([...part, ...rest].map((e) => (e.data as { i: number }).i)).toEqual(range(150));
      }));

    test('a subscription ends when its signal aborts', () =>
      withLog(async ({ log }) => {
        const ctl = new AbortController();
        const it = log.subscribe(0, ctl.signal)[Symbol.asyncIterator]();
        const next = it.next();
        setTimeout(() => ctl.abort(), 20);
        expect((await next).done).toBe(true);
      }));

    test('large payloads round-trip; oversized ones are refused whole', () =>
      withLog(async ({ log }) => {
        const big = 'x'.repeat(200_000);
        await log.append('job:big', [ev('Big', { big })], 0);
        expect(((await log.readStream('job:big'))[0]!.data as { big: string }).big).toBe(big);
        const head = await log.head();
        const err = await log.append('job:big', [ev('Small'), ev('Huge', { s: 'y'.repeat(300_000) })], 1).catch((e) => e);
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe('too_large');
        expect((err as AppError).message).toContain('MPR_MAX_EVENT_BYTES');
        expect(await log.head()).toBe(head);
        expect(await log.version('job:big')).toBe(1);
      }, 256 * 1024));

    test('the log gets an epoch id with its first event, and keeps it', () =>
      withLog(async ({ log }) => {
        expect(await log.identity()).toEqual({ epoch: null, head: 0 });
        await log.append('job:e', [ev('E1')], 0);
        const first = await log.identity();
        expect(first.epoch).toMatch(/^\d{4}-\d{2}-\d{2}-[\w-]{10}$/);
        expect(first.head).toBe(1);
        await log.append('job:f', [ev('F1'), ev('F2')], 0);
        expect(await log.identity()).toEqual({ epoch: first.epoch, head: 3 });
      }));

    test('unicode survives exactly', () =>
      withLog(async ({ log }) => {
        const data = { s: 'naïve café — 東京 🎬🚀 مرحبا \u0000 \u2028 "quoted" \\ back', arr: ['👍🏽', 'ß'] };
        await log.append('job:u', [ev('Unicode', data)], 0);
        expect((await log.readStream('job:u'))[0]!.data).toEqual(data);
        expect((await log.readAll(0, 10))[0]!.data).toEqual(data);
      }));

    test('a 10k-event stream reads back whole and in order', () =>
      withLog(async ({ log }) => {
        for (let b = 0; b < 100; b++) {
          await log.append(
            'job:long',
            range(100).map((i) => ev('E', { n: b * 100 + i })),
            b * 100,
          );
        }
        expect(await log.version('job:long')).toBe(10_000);
        const s = await log.readStream('job:long');
        expect(s).toHaveLength(10_000);
        expect(s.every((e, i) => e.version === i + 1 && (e.data as { n: number }).n === i)).toBe(true);
        expect(await log.readStream('job:long', 9_991)).toHaveLength(10);
      }));

    test('unknown event types are kept as they are', () =>
      withLog(async ({ log }) => {
        await log.append('job:k', [ev('FromTheFuture', { v: 9 })], 0);
        const [e] = await log.readStream('job:k');
        expect(e!.type).toBe('FromTheFuture');
        expect(e!.data).toEqual({ v: 9 });
      }));

    test('a corrupt row is reported with its position and delivered as $corrupt', () =>
      withLog(async ({ log, corrupt }, reported) => {
        await log.append('job:bad', [ev('Good', { a: 1 }), ev('WillRot', { b: 2 }), ev('Good', { c: 3 })], 0);
        const [, rot] = await log.readStream('job:bad');
        await corrupt(rot!.position);
        const all = await log.readAll(0, 10);
        expect(all.map((e) => e.type)).toEqual(['Good', CORRUPT_EVENT, 'Good']);
        expect(all[1]!.position).toBe(rot!.position);
        expect(reported.some((r) => r.position === rot!.position && r.reason.includes('WillRot'))).toBe(true);
        expect((await log.readStream('job:bad')).map((e) => e.type)).toEqual(['Good', CORRUPT_EVENT, 'Good']);
      }));

    test('bad input is refused with a clear error', () =>
      withLog(async ({ log }) => {
        await expect(log.append('no spaces allowed', [ev('E')], 0)).rejects.toThrow('invalid stream name');
        await expect(log.append('job:e', [], 0)).rejects.toThrow('no events');
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        await expect(log.append('job:e', [ev('E', cyclic)], 0)).rejects.toThrow('not JSON');
        expect(await log.head()).toBe(0);
      }));
  });
};
