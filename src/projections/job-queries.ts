/**
 * Reads of the Job read model that lists and routers ask for: typed
 * filters in, rows out. The SQL lives here, next to the table, so callers
 * (routes, the composition root) never write any.
 *
 * Lists and single jobs are remembered until the database changes: a page
 * of 50 jobs is ~150 µs of SQLite row reading and JSON decoding, and the
 * same pages are asked for again and again (every open UI, every poller)
 * while nothing is written. "Changed" is exact and costs a few µs to ask:
 * `total_changes()` counts every row this connection wrote (the projection
 * runner writes through it), and `PRAGMA data_version` moves when any other
 * connection, in this process or another, committed. Remembered rows are
 * frozen, since every caller shares them. A read inside an open transaction
 * is not remembered (a rollback would not move the counters back).
 */
import type { Database, SQLQueryBindings, Statement } from 'bun:sqlite';
import { jobsTable, type JobStatusView, type JobView } from './jobs.ts';

/** Every field narrows the list (AND); absent ones (and an empty `statuses`) match any job. */
export interface JobQuery {
  statuses?: readonly JobStatusView[];
  assetId?: string;
  presetId?: string;
  kind?: string;
  /** Forks of this job. */
  parent?: string;
}

export interface PageRequest {
  limit: number;
  offset: number;
}

export interface PageOf<V> {
  rows: V[];
  /** Rows matching the filter, on every page. */
  total: number;
}

const COLUMNS = [
  ['assetId', 'asset_id'],
  ['presetId', 'preset_id'],
  ['kind', 'kind'],
  ['parent', 'parent'],
] as const satisfies readonly (readonly [keyof JobQuery, keyof JobView])[];

const whereOf = (f: JobQuery): { clause: string; args: SQLQueryBindings[] } => {
  const where: string[] = [];
  const args: SQLQueryBindings[] = [];
  if (f.statuses?.length) {
    where.push(`status IN (${f.statuses.map(() => '?').join(',')})`);
    args.push(...f.statuses);
  }
  for (const [field, column] of COLUMNS) {
    const v = f[field];
    if (v !== undefined) {
      where.push(`${column} = ?`);
      args.push(v);
    }
  }
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
};

/** Answers remembered per query before the memo starts over (distinct filters and pages since the last write). */
const MEMO_SIZE = 500;

interface Memo {
  changes: Statement<{ n: number }, []>;
  dataVersion: Statement<{ data_version: number }, []>;
  /** The two counters the answers were read at. */
  at: [number, number];
  answers: Map<string, unknown>;
}
const memos = new WeakMap<Database, Memo>();

const deepFreeze = <T>(v: T): T => {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
};

/** `read()`'s answer, from the memo when the database has not changed since it was read under `key`. */
const remembered = <T>(db: Database, key: string, read: () => T): T => {
  if (db.inTransaction) return read();
  let m = memos.get(db);
  if (!m) {
    m = {
      changes: db.query('SELECT total_changes() AS n'),
      dataVersion: db.query('PRAGMA data_version'),
      at: [-1, -1],
      answers: new Map(),
    };
    memos.set(db, m);
  }
  const changes = m.changes.get()!.n;
  const version = m.dataVersion.get()!.data_version;
  if (changes !== m.at[0] || version !== m.at[1]) {
    m.answers.clear();
    m.at = [changes, version];
  }
  if (m.answers.has(key)) return m.answers.get(key) as T;
  const answer = deepFreeze(read());
  if (m.answers.size >= MEMO_SIZE) m.answers.clear();
  m.answers.set(key, answer);
  return answer;
};

/** One page of jobs, newest first (ties by id, so pages never overlap). */
export const queryJobs = (db: Database, f: JobQuery, page: PageRequest): PageOf<JobView> =>
  remembered(db, `list ${JSON.stringify([f.statuses, f.assetId, f.presetId, f.kind, f.parent, page.limit, page.offset])}`, () => {
    const { clause, args } = whereOf(f);
    const total = jobsTable.count(db, clause, args);
    const rows = jobsTable.select(db, `${clause} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`, [...args, page.limit, page.offset]);
    return { rows, total };
  });

export const findJob = (db: Database, id: string): JobView | null => remembered(db, `job ${id}`, () => jobsTable.load(db, [id]));

/** The ids of every job made from an asset, whatever its state (oldest first). */
export const jobIdsOfAsset = (db: Database, assetId: string): string[] =>
  jobsTable.select(db, 'WHERE asset_id = ? ORDER BY created_at, id', [assetId]).map((j) => j.id);
