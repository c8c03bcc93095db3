/**
 * The PositionStore contract, written once and run against SQLite
 * (positions-contract.test.ts) and Redis (positions-contract-redis.int.test.ts).
 * Each test gets a fresh, empty store; `reopen` gives a second store object
 * over the same backing, as a restarted node would build.
 */
import { describe, expect, test } from 'bun:test';
import { AppError } from '../errors.ts';
import type { PositionStore } from './positions.ts';

export interface PositionsFixture {
  positions: PositionStore;
  /** A new store object over the same backing (same db file, same redis + prefix). */
  reopen(): Promise<PositionStore>;
  cleanup(): Promise<void>;
}

const expectRefused = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe('validation');
  expect((err as AppError).message).toContain('whole number');
};

export const positionStoreContract = (name: string, make: () => Promise<PositionsFixture>): void => {
  describe(`PositionStore contract: ${name}`, () => {
    const withStore = async (fn: (f: PositionsFixture) => Promise<void>) => {
      const f = await make();
      try {
        await fn(f);
      } finally {
        await f.cleanup();
      }
    };

    test('an unknown name reads 0', () =>
      withStore(async ({ positions }) => {
        for (const n of ['jobs', '', 'with space', 'a:b:c', 'rüter 東京']) expect(await positions.get(n)).toBe(0);
      }));

    test('set then get', () =>
      withStore(async ({ positions }) => {
        await positions.set('jobs', 42);
        expect(await positions.get('jobs')).toBe(42);
        await positions.set('rüter 東京', 7);
        expect(await positions.get('rüter 东京')).toBe(0);
        expect(await positions.get('rüter 東京')).toBe(7);
      }));

    test('set overwrites, to a lower value and to 0 as well: the store does not judge', () =>
      withStore(async ({ positions }) => {
        await positions.set('jobs', 10);
        await positions.set('jobs', 99);
        expect(await positions.get('jobs')).toBe(99);
        await positions.set('jobs', 3);
        expect(await positions.get('jobs')).toBe(3);
        await positions.set('jobs', 0);
        expect(await positions.get('jobs')).toBe(0);
        await positions.set('jobs', 3);
        await positions.set('jobs', 3);
        expect(await positions.get('jobs')).toBe(3);
      }));

    test('names are independent, exact and case-sensitive', () =>
      withStore(async ({ positions }) => {
        await positions.set('jobs', 1);
        await positions.set('Jobs', 2);
        await positions.set('job', 3);
        await positions.set('jobs ', 4);
        await positions.set('jobs', 5);
        expect(await positions.get('jobs')).toBe(5);
        expect(await positions.get('Jobs')).toBe(2);
        expect(await positions.get('job')).toBe(3);
        expect(await positions.get('jobs ')).toBe(4);
        expect(await positions.get('chunks')).toBe(0);
      }));

    test('a value survives a new store object over the same backing', () =>
      withStore(async ({ positions, reopen }) => {
        await positions.set('jobs', 1234);
        await positions.set('chunks', 56);
        const again = await reopen();
        expect(await again.get('jobs')).toBe(1234);
        expect(await again.get('chunks')).toBe(56);
        expect(await again.get('uploads')).toBe(0);
        // Both objects see one backing: a write through either is read by the other.
        await again.set('jobs', 1300);
        expect(await positions.get('jobs')).toBe(1300);
      }));

    test('concurrent sets of different names all land', () =>
      withStore(async ({ positions }) => {
        const names = Array.from({ length: 50 }, (_, i) => `router-${i}`);
        await Promise.all(names.map((n, i) => positions.set(n, 1000 + i)));
        const got = await Promise.all(names.map((n) => positions.get(n)));
        expect(got).toEqual(names.map((_, i) => 1000 + i));
      }));

    test('whole numbers up to Number.MAX_SAFE_INTEGER round-trip exactly', () =>
      withStore(async ({ positions, reopen }) => {
        const values = [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 1, 10 ** 15 + 7, Number.MAX_SAFE_INTEGER];
        for (const [i, v] of values.entries()) await positions.set(`p${i}`, v);
        const again = await reopen();
        for (const [i, v] of values.entries()) {
          const got = await again.get(`p${i}`);
          expect(typeof got).toBe('number');
          expect(got).toBe(v);
        }
      }));

    test('NaN, negatives, fractions, infinities and unsafe integers are refused; the old value stays', () =>
      withStore(async ({ positions }) => {
        await positions.set('jobs', 42);
        for (const bad of [Number.NaN, -1, -0.5, 1.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1]) {
          await expectRefused(positions.set('jobs', bad));
          await expectRefused(positions.set('never-set', bad));
        }
        expect(await positions.get('jobs')).toBe(42);
        expect(await positions.get('never-set')).toBe(0);
      }));
  });
};
