/**
 * Who owns a data folder's read models right now: a running server
 * (`mpr start`) or `mpr projections rebuild`. A rebuild drops and refolds the
 * tables in mpr.db while a server's projection runner keeps its positions
 * in memory and writes the same tables, so the two must never overlap; each
 * takes this lock, a one-row table in mpr.db, and the other refuses with a
 * sentence saying who holds it. A holder that died is recognised by its pid
 * (same host) or by a heartbeat that stopped (any host).
 */
import type { Database } from 'bun:sqlite';
import { hostname } from 'node:os';
import { AppError } from '../errors.ts';
import { processAlive } from '../media/children.ts';

export type LockRole = 'server' | 'rebuild';

export interface LockHolder {
  role: LockRole;
  pid: number;
  host: string;
  startedAt: string;
  heartbeatAt: string;
}

/** How often a holder renews its heartbeat, and when a silent one counts as gone. */
export const HEARTBEAT_MS = 5_000;
export const STALE_MS = 30_000;

export interface Me {
  pid: number;
  host: string;
  nowMs: number;
  /** Whether a process of this host is alive. */
  alive(pid: number): boolean;
}

/**
 * Pure: whether a recorded holder still holds the lock. A holder with this
 * process's own pid on this host is an earlier life of it (a container
 * restarted with the same hostname gives mpr the same pid again).
 */
export const holderIsLive = (h: LockHolder, me: Me, staleMs = STALE_MS): boolean => {
  if (h.host === me.host && (h.pid === me.pid || !me.alive(h.pid))) return false;
  return me.nowMs - Date.parse(h.heartbeatAt) < staleMs;
};

/** Pure: why `wanted` cannot have the data folder while `h` holds it. */
export const busyMessage = (h: LockHolder, wanted: LockRole, dataDir: string, myHost: string): string => {
  const who = `pid ${h.pid}${h.host === myHost ? '' : ` on ${h.host}`}, since ${h.startedAt}`;
  if (h.role === 'rebuild') {
    return `mpr projections rebuild (${who}) is rebuilding the read models of the data folder ${dataDir}: wait for it to finish, then ${wanted === 'server' ? 'start the server' : 'try again'}.`;
  }
  if (wanted === 'rebuild') {
    return (
      `a server (${who}) is running on the data folder ${dataDir}: stop it first, then run mpr projections rebuild again. ` +
      `Rebuilding beside it would race its projections and leave its read models wrong.`
    );
  }
  return `another server (${who}) is already running on the data folder ${dataDir}: stop it, or give this one its own MPR_DATA.`;
};

const TABLE = `CREATE TABLE IF NOT EXISTS data_lock (
  id INTEGER PRIMARY KEY CHECK (id = 1), role TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL,
  started_at TEXT NOT NULL, heartbeat_at TEXT NOT NULL
)`;

export interface DataLock {
  /** Renews the heartbeat; false when another process took the lock over (this one was silent too long). */
  renew(): boolean;
  release(): void;
}

/**
 * Takes the data folder's lock for `role`, or throws AppError('invalid_state')
 * with busyMessage. Checked and taken in one write transaction, so two
 * processes starting at once cannot both win.
 */
export const acquireDataLock = (
  db: Database,
  role: LockRole,
  opts: { dataDir: string; clock?: () => number; pid?: number; host?: string; alive?: (pid: number) => boolean },
): DataLock => {
  const clock = opts.clock ?? Date.now;
  const pid = opts.pid ?? process.pid;
  const host = opts.host ?? hostname();
  const alive = opts.alive ?? processAlive;
  const iso = () => new Date(clock()).toISOString();
  db.run(TABLE);
  db.transaction(() => {
    const row = db
      .query<{ role: LockRole; pid: number; host: string; started_at: string; heartbeat_at: string }, []>(
        'SELECT role, pid, host, started_at, heartbeat_at FROM data_lock WHERE id = 1',
      )
      .get();
    if (row) {
      const holder: LockHolder = { role: row.role, pid: row.pid, host: row.host, startedAt: row.started_at, heartbeatAt: row.heartbeat_at };
      if (holderIsLive(holder, { pid, host, nowMs: clock(), alive })) throw new AppError('invalid_state', busyMessage(holder, role, opts.dataDir, host));
    }
    const now = iso();
    db.query('INSERT OR REPLACE INTO data_lock (id, role, pid, host, started_at, heartbeat_at) VALUES (1, ?, ?, ?, ?, ?)').run(role, pid, host, now, now);
  }).immediate();
  return {
    renew: () => db.query('UPDATE data_lock SET heartbeat_at = ? WHERE id = 1 AND pid = ? AND host = ?').run(iso(), pid, host).changes === 1,
    release: () => void db.query('DELETE FROM data_lock WHERE id = 1 AND pid = ? AND host = ?').run(pid, host),
  };
};

/** acquireDataLock plus a heartbeat every HEARTBEAT_MS until released; `onLost` hears of a takeover. */
export const holdDataLock = (db: Database, role: LockRole, opts: { dataDir: string; onLost?: () => void }): { release(): void } => {
  const lock = acquireDataLock(db, role, opts);
  const heartbeat = setInterval(() => {
    if (!lock.renew()) opts.onLost?.();
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    release() {
      clearInterval(heartbeat);
      lock.release();
    },
  };
};
