import { Database } from 'bun:sqlite';
import { describe, expect, test } from 'bun:test';
import { AppError } from '../errors.ts';
import { acquireDataLock, busyMessage, holderIsLive, STALE_MS, type LockHolder } from './data-lock.ts';

const T0 = Date.parse('2026-01-10T12:00:00.000Z');
const holder = (over: Partial<LockHolder> = {}): LockHolder => ({
  role: 'server',
  pid: 4242,
  host: 'box',
  startedAt: '2026-01-10T11:00:00.000Z',
  heartbeatAt: new Date(T0 - 1000).toISOString(),
  ...over,
});

const refusal = (f: () => unknown): AppError => {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('the data folder lock', () => {
  test('a holder is live while its heartbeat is fresh, and on this host only while its pid is alive', () => {
    const me = (alive: boolean, host = 'box', nowMs = T0) => ({ pid: 1, host, nowMs, alive: () => alive });
    expect(holderIsLive(holder(), me(true))).toBe(true);
    expect(holderIsLive(holder(), me(false))).toBe(false); // crashed server on this machine: free at once
    expect(holderIsLive(holder(), me(false, 'other-host'))).toBe(true); // another machine's pid means nothing here
    expect(holderIsLive(holder(), me(true, 'other-host', T0 + STALE_MS))).toBe(false); // its heartbeat stopped
    // A restarted container: same hostname, and mpr has the same pid as the server that died.
    expect(holderIsLive(holder(), { pid: 4242, host: 'box', nowMs: T0, alive: () => true })).toBe(false);
  });

  test('the refusals say who holds the folder and what to do', () => {
    expect(busyMessage(holder(), 'rebuild', '/srv/mpr', 'box')).toBe(
      'a server (pid 4242, since 2026-01-10T11:00:00.000Z) is running on the data folder /srv/mpr: stop it first, then run mpr projections rebuild again. ' +
        'Rebuilding beside it would race its projections and leave its read models wrong.',
    );
    expect(busyMessage(holder({ role: 'rebuild', host: 'other' }), 'server', '/d', 'box')).toBe(
      'mpr projections rebuild (pid 4242 on other, since 2026-01-10T11:00:00.000Z) is rebuilding the read models of the data folder /d: wait for it to finish, then start the server.',
    );
    expect(busyMessage(holder(), 'server', '/d', 'box')).toContain('another server (pid 4242, since');
  });

  test('a rebuild is refused while a server holds the folder, and runs once it released it', () => {
    const db = new Database(':memory:');
    const now = T0;
    const opts = (pid: number, alive = true) => ({ dataDir: '/d', clock: () => now, pid, host: 'box', alive: () => alive });
    const server = acquireDataLock(db, 'server', opts(100));
    const e = refusal(() => acquireDataLock(db, 'rebuild', opts(200)));
    expect(e.code).toBe('invalid_state');
    expect(e.message).toStartWith('a server (pid 100, since 2026-01-10T12:00:00.000Z) is running on the data folder /d: stop it first');
    expect(refusal(() => acquireDataLock(db, 'server', opts(300))).message).toContain('another server (pid 100');

    server.release();
    const rebuild = acquireDataLock(db, 'rebuild', opts(200));
    expect(refusal(() => acquireDataLock(db, 'server', opts(100))).message).toContain('mpr projections rebuild (pid 200');
    rebuild.release();
    acquireDataLock(db, 'server', opts(100)).release();
  });

  test('a holder that died is taken over: at once when its pid is gone, after STALE_MS of silence otherwise', () => {
    const db = new Database(':memory:');
    let now = T0;
    const crashed = acquireDataLock(db, 'server', { dataDir: '/d', clock: () => now, pid: 100, host: 'box' });
    // Same host, pid gone: no wait.
    acquireDataLock(db, 'rebuild', { dataDir: '/d', clock: () => now, pid: 200, host: 'box', alive: (pid) => pid !== 100 }).release();
    expect(crashed.renew()).toBe(false); // the takeover is noticed by the old holder

    const far = acquireDataLock(db, 'server', { dataDir: '/d', clock: () => now, pid: 100, host: 'far' });
    now += 1000;
    expect(far.renew()).toBe(true);
    expect(() => acquireDataLock(db, 'rebuild', { dataDir: '/d', clock: () => now, pid: 200, host: 'box' })).toThrow('on far');
    now += STALE_MS;
    acquireDataLock(db, 'rebuild', { dataDir: '/d', clock: () => now, pid: 200, host: 'box' });
    expect(far.renew()).toBe(false);
  });
});
