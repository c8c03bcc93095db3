/**
 * Reads of the Job read model that lists and routers ask for: typed
 * filters in, rows out. The SQL lives here, next to the table, so callers
 * (routes, the composition root) never write any.
 */
import type { Database, SQLQueryBindings } from 'bun:sqlite';
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

/** One page of jobs, newest first (ties by id, so pages never overlap). */
export const queryJobs = (db: Database, f: JobQuery, page: PageRequest): PageOf<JobView> => {
  const { clause, args } = whereOf(f);
  const total = jobsTable.count(db, clause, args);
  const rows = jobsTable.select(db, `${clause} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`, [...args, page.limit, page.offset]);
  return { rows, total };
};

export const findJob = (db: Database, id: string): JobView | null => jobsTable.load(db, [id]);

/** The ids of every job made from an asset, whatever its state (oldest first). */
export const jobIdsOfAsset = (db: Database, assetId: string): string[] =>
  jobsTable.select(db, 'WHERE asset_id = ? ORDER BY created_at, id', [assetId]).map((j) => j.id);
