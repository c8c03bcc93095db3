/**
 * The embedded event log: one table in a bun:sqlite file in WAL mode.
 * Positions are rowids: a single writer commits them in order, so a reader
 * never sees position n+1 before n.
 *
 * Durability: WAL with synchronous=NORMAL by default (a commit survives a
 * process crash; a power loss may drop the last commits but never corrupts
 * the file). MPR_SQLITE_SYNC=FULL fsyncs every commit.
 */
import { Database, type Statement } from 'bun:sqlite';
import { AppError, isDiskFull, VersionConflict } from '../../errors.ts';
import type { NewEvent } from '../types.ts';
import { decodeEvent, encodeEvents, type CorruptReporter } from './codec.ts';
import { type AppendResult, type EventLog, newEpoch } from './index.ts';

export interface SqliteLogOptions {
  /** An open database (shared with the read models) or a file path. */
  db: Database | string;
  maxEventBytes: number;
  now: () => string;
  onCorrupt: CorruptReporter;
  synchronous?: 'NORMAL' | 'FULL';
  /**
   * How often a live subscriber looks for appends made by another process on
   * the same file. Appends from this process wake subscribers at once.
   */
  pollMs?: number;
}

/** Events per read of a subscription. */
const PAGE = 512;

type Row = { position: number; stream: string; version: number; type: string; data: string; meta: string };

export const openDatabase = (path: string, synchronous: 'NORMAL' | 'FULL' = 'NORMAL'): Database => {
  const db = new Database(path, { create: true, strict: true });
  db.run('PRAGMA journal_mode = WAL');
  db.run(`PRAGMA synchronous = ${synchronous}`);
  // Another process (the CLI beside a running server) may hold the write lock briefly.
  db.run('PRAGMA busy_timeout = 5000');
  return db;
};

export const createSqliteLog = (opts: SqliteLogOptions): EventLog => {
  const ownsDb = typeof opts.db === 'string';
  const db = typeof opts.db === 'string' ? openDatabase(opts.db, opts.synchronous) : opts.db;
  const pollMs = opts.pollMs ?? 100;
  db.run(`CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY,
    stream   TEXT    NOT NULL,
    version  INTEGER NOT NULL,
    type     TEXT    NOT NULL,
    data     TEXT    NOT NULL,
    meta     TEXT    NOT NULL,
    UNIQUE (stream, version)
  )`);

  // The log's epoch (see LogIdentity): one row, written with the first append.
  db.run('CREATE TABLE IF NOT EXISTS log_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
  const qEpoch = db.query<{ value: string }, []>("SELECT value FROM log_meta WHERE key = 'epoch'");
  const qSetEpoch = db.query<never, [string]>("INSERT OR IGNORE INTO log_meta (key, value) VALUES ('epoch', ?)");
  const qVersion: Statement<{ v: number | null }, [string]> = db.query('SELECT max(version) AS v FROM events WHERE stream = ?');
  const qInsert = db.query<never, [string, number, string, string, string]>('INSERT INTO events (stream, version, type, data, meta) VALUES (?, ?, ?, ?, ?)');
  const qStream = db.query<Row, [string, number]>(
    'SELECT position, stream, version, type, data, meta FROM events WHERE stream = ? AND version >= ? ORDER BY version',
  );
  const qAll = db.query<Row, [number, number]>('SELECT position, stream, version, type, data, meta FROM events WHERE position > ? ORDER BY position LIMIT ?');
  const qHead = db.query<{ p: number | null }, []>('SELECT max(position) AS p FROM events');

  let epoch: string | null = qEpoch.get()?.value ?? null;
  const appendTx = db.transaction((stream: string, encoded: ReturnType<typeof encodeEvents>, expected: number): AppendResult => {
    const actual = qVersion.get(stream)?.v ?? 0;
    if (actual !== expected) throw new VersionConflict(stream, expected, actual);
    let version = actual;
    let position = 0;
    for (const e of encoded) {
      version += 1;
      position = Number(qInsert.run(stream, version, e.type, e.data, e.meta).lastInsertRowid);
    }
    if (!epoch) {
      qSetEpoch.run(newEpoch());
      epoch = qEpoch.get()?.value ?? null;
    }
    return { version, position };
  });

  // Local appends wake live subscribers immediately; foreign ones are polled.
  // `appends` counts local appends, so a subscriber knows whether one came while it was handing out a page.
  let appends = 0;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
    waiters.clear();
  };
  const waitForAppend = (signal: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, pollMs);
      signal.addEventListener('abort', done, { once: true });
      waiters.add(done);
    });

  const decode = (r: Row) => decodeEvent(r, opts.onCorrupt);
  const readAllSync = (after: number, limit: number) => qAll.all(after, limit).map(decode);

  let closed = false;
  return {
    backend: 'sqlite',
    async append(stream: string, events: readonly NewEvent[], expectedVersion: number) {
      const encoded = encodeEvents(stream, events, opts.now(), opts.maxEventBytes);
      // BEGIN IMMEDIATE takes the write lock before the version check, so two
      // processes on one file cannot both pass it.
      let result: AppendResult;
      try {
        result = appendTx.immediate(stream, encoded, expectedVersion);
      } catch (e) {
        // Nothing was written (the transaction rolled back); what is stored stays readable.
        if (isDiskFull(e))
          throw new AppError(
            'insufficient_storage',
            `disk full: the event log ${db.filename || '(in memory)'} cannot grow; free space on its disk (reads still work)`,
            {
              cause: e,
            },
          );
        throw e;
      }
      appends += 1;
      wake();
      return result;
    },
    async readStream(stream: string, fromVersion = 1) {
      return qStream.all(stream, fromVersion).map(decode);
    },
    async readAll(afterPosition: number, limit: number) {
      return readAllSync(afterPosition, limit);
    },
    async *subscribe(afterPosition: number, signal: AbortSignal) {
      let last = afterPosition;
      while (!signal.aborted && !closed) {
        const seen = appends;
        const page = readAllSync(last, PAGE);
        for (const e of page) {
          if (signal.aborted) return;
          yield e;
          last = e.position;
        }
        // A short page held everything stored when it was read: unless this
        // process appended since (checked and the waiter registered in one
        // synchronous step, so no local append slips in between), wait
        // instead of reading again to find nothing.
        if (page.length === PAGE || appends !== seen) continue;
        await waitForAppend(signal);
      }
    },
    async version(stream: string) {
      return qVersion.get(stream)?.v ?? 0;
    },
    async head() {
      return qHead.get()?.p ?? 0;
    },
    async identity() {
      return { epoch: qEpoch.get()?.value ?? null, head: qHead.get()?.p ?? 0 };
    },
    async close() {
      closed = true;
      wake();
      if (ownsDb) db.close();
    },
  };
};
