import { expect, test } from 'bun:test';
import type { Database } from 'bun:sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataFolder } from '../../data-folder.ts';
import { openDatabase } from '../../events/log/sqlite.ts';
import { sessionStoreContract } from './contract.ts';
import { createMemoryBuckets, createSqliteSessionStore } from './sqlite.ts';

// A fresh data folder per test; `another` is a second connection to its mpr.db, as a second process would open.
sessionStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpr-auth-store-'));
  const dbs: Database[] = [openDataFolder(dir)];
  return {
    store: createSqliteSessionStore(dbs[0]!),
    another: async () => {
      const db = openDatabase(join(dir, 'mpr.db'));
      dbs.push(db);
      return createSqliteSessionStore(db);
    },
    cleanup: async () => {
      for (const db of dbs) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

test('sqlite: a write carrying the clock purges what expired before it, at most once a minute', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpr-auth-purge-'));
  const db = openDataFolder(dir);
  try {
    const store = createSqliteSessionStore(db);
    const count = (table: string) => db.query<{ n: number }, []>(`SELECT count(*) AS n FROM ${table}`).get()!.n;
    const t0 = 1_700_000_000_000;
    await store.openSession({ sessionId: 's1', userId: 'u1', jti: 'j1', expiresAtMs: t0 + 1000 });
    await store.openSession({ sessionId: 's2', userId: 'u1', jti: 'k1', expiresAtMs: t0 + 300_000 });
    await store.putTicket('t1', 'v', t0 + 1000);
    await store.lock('l1', t0 + 1000);
    await store.recordFailure('f1', t0, 1000);
    expect([count('auth_sessions'), count('auth_tickets'), count('auth_locks'), count('auth_failures')]).toEqual([2, 1, 1, 1]);
    // Within a minute of the last purge: nothing goes.
    await store.recordFailure('f2', t0 + 2000, 1000);
    expect(count('auth_sessions')).toBe(2);
    await store.recordFailure('f2', t0 + 120_000, 1000);
    expect([count('auth_sessions'), count('auth_tickets'), count('auth_locks'), count('auth_failures')]).toEqual([1, 0, 0, 1]);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sqlite: token buckets live in memory: a take writes nothing to the file, and the bucket still limits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpr-auth-buckets-'));
  const db = openDataFolder(dir);
  try {
    const store = createSqliteSessionStore(db);
    const changes = () => db.query<{ n: number }, []>('SELECT total_changes() AS n').get()!.n;
    const t0 = 1_700_000_000_000;
    const spec = { capacity: 2, refillPerSecond: 1 };
    const before = changes();
    expect(await store.take('api:u1', spec, t0)).toEqual({ ok: true });
    expect(await store.take('api:u1', spec, t0)).toEqual({ ok: true });
    expect(await store.take('api:u1', spec, t0)).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(changes()).toBe(before);
    expect(db.query("SELECT name FROM sqlite_master WHERE name = 'auth_buckets'").get()).toBeNull();
    // A second connection to the same file (a second store object in this process) shares the buckets.
    const other = openDatabase(join(dir, 'mpr.db'));
    try {
      expect((await createSqliteSessionStore(other).take('api:u1', spec, t0 + 500)).ok).toBe(false);
    } finally {
      other.close();
    }
    expect(await store.take('api:u1', spec, t0 + 1000)).toEqual({ ok: true });
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('memory buckets: one that would be full again is dropped at the next purge, at most once a minute', () => {
  const b = createMemoryBuckets();
  const t0 = 1_700_000_000_000;
  const spec = { capacity: 10, refillPerSecond: 1 };
  expect(b.take('a', spec, t0)).toEqual({ ok: true });
  expect(b.take('b', { capacity: 5, refillPerSecond: 0.001 }, t0)).toEqual({ ok: true });
  expect(b.size()).toBe(2);
  // 'a' is full again after 1 s, but the purge waits a minute; 'b' needs 1000 s.
  expect(b.take('c', spec, t0 + 2000)).toEqual({ ok: true });
  expect(b.size()).toBe(3);
  expect(b.take('c', spec, t0 + 61_000)).toEqual({ ok: true });
  expect(b.size()).toBe(2);
});
