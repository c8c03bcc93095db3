/**
 * Runs every projection over the log: catch up in pages, then follow live.
 * Each batch of events is applied in one SQLite transaction together with the
 * new positions, so a crash never leaves a read model ahead of or behind its
 * stored position, and re-applying an event is impossible (idempotent).
 */
import type { Database } from 'bun:sqlite';
import { errorMessage } from '../errors.ts';
import { type EventLog, logChange } from '../events/log/index.ts';
import type { LogReplacement } from '../types/api.ts';
import type { StoredEvent } from '../events/types.ts';
import type { LoggedEvent } from '../events/index.ts';
import type { Logger } from '../logger.ts';
import { DELETE, type AnyProjection } from './projection.ts';

export interface ProjectionStatus {
  name: string;
  version: number;
  position: number;
  errors: number;
  lastError: string | null;
}

/** A log found replaced or gone backwards under the read models, and rebuilt from (kept until the next one). */

export interface ProjectionRunner {
  /** Creates tables; rebuilds any projection whose version changed. */
  init(): void;
  /** Applies everything up to the log's head once. Returns events applied. */
  catchUp(pageSize?: number): Promise<number>;
  /** Catches up, then follows the log until the signal aborts. */
  run(signal: AbortSignal): Promise<void>;
  /** Drops the read models and refolds them from position 0. Returns events applied. */
  rebuild(names?: string[]): Promise<number>;
  /** Resolves once every projection has applied `position`. */
  waitFor(position: number, timeoutMs?: number): Promise<void>;
  position(): number;
  status(): ProjectionStatus[];
  /**
   * Compares the log with the one the read models were folded from (its
   * epoch id and their positions); when it was replaced or went backwards,
   * says so loudly, drops the read models and folds them from the log as it
   * is now. `run()` does this before every pass. Returns the replacement, or
   * null when the log is the same.
   */
  checkLog(): Promise<LogReplacement | null>;
  /** The last replacement found (kept across restarts), or null. */
  logReplaced(): LogReplacement | null;
}

/** Which log the read models were folded from ('epoch'), and the last replacement found ('replaced', JSON). */
const LOG_TABLE = 'CREATE TABLE IF NOT EXISTS read_model_log (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID';

const STATE_TABLE = `CREATE TABLE IF NOT EXISTS projection_state (
  name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL,
  errors INTEGER NOT NULL DEFAULT 0, last_error TEXT
) WITHOUT ROWID`;

export const createProjectionRunner = (d: {
  db: Database;
  log: EventLog;
  projections: AnyProjection[];
  logger: Logger;
  /** Told after the read models were rebuilt from a replaced log (the system makes its first admin again); not awaited. */
  onLogReplaced?: (r: LogReplacement) => Promise<void>;
  now?: () => string;
}): ProjectionRunner => {
  const { db, log, projections, logger } = d;
  const now = d.now ?? (() => new Date().toISOString());
  const state = new Map<string, ProjectionStatus>();
  const waiters: { position: number; resolve: () => void }[] = [];

  const loadState = () => {
    db.run(STATE_TABLE);
    db.run(LOG_TABLE);
    for (const p of projections) {
      const row = db
        .query<{ version: number; position: number; errors: number; last_error: string | null }, [string]>(
          'SELECT version, position, errors, last_error FROM projection_state WHERE name = ?',
        )
        .get(p.name);
      state.set(p.name, {
        name: p.name,
        version: row?.version ?? p.version,
        position: row?.position ?? 0,
        errors: row?.errors ?? 0,
        lastError: row?.last_error ?? null,
      });
    }
  };

  const saveState = (s: ProjectionStatus) =>
    db
      .query('INSERT OR REPLACE INTO projection_state (name, version, position, errors, last_error) VALUES (?, ?, ?, ?, ?)')
      .run(s.name, s.version, s.position, s.errors, s.lastError);

  const reset = (p: AnyProjection) => {
    p.table.drop(db);
    p.table.create(db);
    const s = { name: p.name, version: p.version, position: 0, errors: 0, lastError: null };
    state.set(p.name, s);
    saveState(s);
  };

  const minPosition = () => Math.min(...[...state.values()].map((s) => s.position));
  const maxPosition = () => Math.max(0, ...[...state.values()].map((s) => s.position));

  const readMeta = (key: string) => db.query<{ value: string }, [string]>('SELECT value FROM read_model_log WHERE key = ?').get(key)?.value ?? null;
  const writeMeta = (key: string, value: string) => db.query('INSERT OR REPLACE INTO read_model_log (key, value) VALUES (?, ?)').run(key, value);

  let epochNoted = false;
  const checkLog = async (): Promise<LogReplacement | null> => {
    const current = await log.identity();
    const previous = { epoch: readMeta('epoch'), position: maxPosition() };
    const reason = logChange(previous, current);
    if (!reason) {
      if (previous.epoch === null && current.epoch !== null) writeMeta('epoch', current.epoch);
      epochNoted = current.epoch !== null;
      return null;
    }
    const r: LogReplacement = { at: now(), reason, previous, current };
    logger.error(`${reason}. Everything the read models knew past what the log holds now is gone; rebuilding them from the log as it is.`);
    writeMeta('replaced', JSON.stringify(r));
    for (const p of projections) reset(p);
    // Folded from the new log from here on (an empty log gets its epoch with its first event).
    db.query("DELETE FROM read_model_log WHERE key = 'epoch'").run();
    epochNoted = false;
    if (current.epoch !== null) writeMeta('epoch', current.epoch);
    await catchUp(5000);
    // Not awaited: what it does (make the first admin) waits for these read models, which follow the log once this returns.
    void d.onLogReplaced?.(r).catch((e: unknown) => logger.error('after the log was replaced, setting up again failed', { error: errorMessage(e) }));
    return r;
  };

  const notify = () => {
    const pos = minPosition();
    for (let i = waiters.length - 1; i >= 0; i--) if (waiters[i]!.position <= pos) waiters.splice(i, 1)[0]!.resolve();
  };

  /** Folds a batch in memory, then writes the touched rows and positions in one transaction. */
  const apply = db.transaction((events: StoredEvent[]) => {
    for (const p of projections) {
      const s = state.get(p.name)!;
      const rows = new Map<string, { key: readonly unknown[]; view: unknown }>();
      const write = () => {
        for (const { key, view } of rows.values()) {
          if (view === null) p.table.remove(db, key);
          else p.table.save(db, view);
        }
        rows.clear();
      };
      const foldInto = (key: readonly unknown[], current: unknown, e: LoggedEvent) => {
        try {
          const next = p.fold(current as never, e);
          if (next === DELETE) rows.set(JSON.stringify(key), { key, view: null });
          else if (next !== null) rows.set(JSON.stringify(key), { key, view: next });
        } catch (err) {
          // A fold bug must not stop the read models: count it, name the position, go on.
          s.errors += 1;
          s.lastError = `position ${e.position} (${e.type}): ${errorMessage(err)}`;
          logger.error(`projection ${p.name} could not fold an event`, { position: e.position, type: e.type, error: errorMessage(err) });
        }
      };
      let touched = false;
      // The log holds any type; folds read its events as MPR's union and pass over the rest.
      for (const e of events as LoggedEvent[]) {
        if (e.position <= s.position) continue;
        touched = true;
        const scope = p.scopeOf?.(e);
        if (scope) {
          // Rows folded earlier in this batch are written first (same
          // transaction), so the table answers which rows are in scope, and
          // a batch of any size folds exactly as one event at a time would.
          write();
          for (const row of p.table.under(db, scope))
            foldInto(
              p.table.spec.key.map((k) => (row as Record<string, unknown>)[k]),
              row,
              e,
            );
          continue;
        }
        const key = p.keyOf(e);
        if (!key) continue;
        const id = JSON.stringify(key);
        foldInto(key, rows.has(id) ? rows.get(id)!.view : p.table.load(db, key), e);
      }
      if (!touched) continue;
      write();
      s.position = events.at(-1)!.position;
      saveState(s);
    }
  });

  /** Records the epoch of the log the read models follow, once it has one (a log gets it with its first event). */
  const noteEpoch = async () => {
    if (readMeta('epoch') !== null) return;
    const { epoch } = await log.identity();
    if (epoch !== null) writeMeta('epoch', epoch);
  };

  const applyBatch = (events: StoredEvent[]) => {
    if (events.length === 0) return;
    apply(events);
    notify();
    if (!epochNoted) {
      epochNoted = true;
      void noteEpoch().catch(() => {
        epochNoted = false; // the next batch tries again
      });
    }
  };

  const catchUp = async (pageSize = 2000) => {
    let applied = 0;
    let after = minPosition();
    for (;;) {
      const page = await log.readAll(after, pageSize);
      if (page.length === 0) return applied;
      applyBatch(page);
      applied += page.length;
      after = page.at(-1)!.position;
    }
  };

  return {
    init() {
      loadState();
      for (const p of projections) {
        p.table.create(db);
        if (state.get(p.name)!.version !== p.version) {
          logger.info(`projection ${p.name} changed version: rebuilding from the log`);
          reset(p);
        }
      }
    },
    catchUp,
    async run(signal) {
      while (!signal.aborted) {
        // A failed batch (disk full, locked file) stops this pass; the next
        // pass resumes from the stored positions, so nothing is skipped.
        const pass = new AbortController();
        const stop = () => pass.abort();
        signal.addEventListener('abort', stop, { once: true });
        let buffer: StoredEvent[] = [];
        let scheduled = false;
        // Events that arrive together (a page of the subscription) are applied
        // in one transaction: flush after the current burst has been read.
        const flush = () => {
          scheduled = false;
          const batch = buffer;
          buffer = [];
          if (pass.signal.aborted) return;
          try {
            applyBatch(batch);
          } catch (err) {
            logger.error('projections: could not apply a batch, retrying from the stored position', { from: batch[0]?.position, error: errorMessage(err) });
            pass.abort();
          }
        };
        try {
          await checkLog();
          await catchUp();
          for await (const e of log.subscribe(minPosition(), pass.signal)) {
            buffer.push(e);
            if (!scheduled) {
              scheduled = true;
              setImmediate(flush);
            }
          }
          if (buffer.length) flush();
        } catch (err) {
          logger.error('projections: pass failed, retrying', { error: errorMessage(err) });
        } finally {
          signal.removeEventListener('abort', stop);
        }
        if (!signal.aborted) await Bun.sleep(1000);
      }
    },
    async rebuild(names) {
      for (const p of projections) if (!names || names.includes(p.name)) reset(p);
      if (!names) {
        // Folded whole from the log as it is now: that log is the one they follow.
        const { epoch } = await log.identity();
        db.query("DELETE FROM read_model_log WHERE key = 'epoch'").run();
        if (epoch !== null) writeMeta('epoch', epoch);
      }
      return catchUp(5000);
    },
    waitFor(position, timeoutMs = 10_000) {
      if (minPosition() >= position) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`read models did not reach position ${position} in ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          position,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    position: minPosition,
    status: () => [...state.values()].map((s) => ({ ...s })),
    checkLog,
    logReplaced: () => {
      const raw = readMeta('replaced');
      return raw ? (JSON.parse(raw) as LogReplacement) : null;
    },
  };
};
