import { expect, test } from 'bun:test';
import type { Database } from 'bun:sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataFolder } from '../../data-folder.ts';
import { openDatabase } from '../../events/log/sqlite.ts';
import { sessionStoreContract } from './contract.ts';
import { createSqliteSessionStore } from './sqlite.ts';

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
    await store.take('b1', { capacity: 1, refillPerSecond: 1 }, t0);
    await store.recordFailure('f1', t0, 1000);
    expect([count('auth_sessions'), count('auth_tickets'), count('auth_locks'), count('auth_buckets'), count('auth_failures')]).toEqual([2, 1, 1, 1, 1]);
    // Within a minute of the last purge: nothing goes.
    await store.recordFailure('f2', t0 + 2000, 1000);
    expect(count('auth_sessions')).toBe(2);
    await store.recordFailure('f2', t0 + 120_000, 1000);
    expect([count('auth_sessions'), count('auth_tickets'), count('auth_locks'), count('auth_buckets'), count('auth_failures')]).toEqual([1, 0, 0, 0, 1]);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
