/**
 * Reads of the Asset read model that the asset list asks for: typed
 * filters and a sort in, a page of rows out.
 */
import type { Database, SQLQueryBindings } from 'bun:sqlite';
import { assetsTable, type AssetView } from './assets.ts';
import type { PageOf, PageRequest } from './job-queries.ts';

// The file name is what follows the key's last '/': rtrim strips every
// character but '/' from the end, leaving the folder, and substr skips it.
const FILE_NAME = "substr(key, length(rtrim(key, replace(key, '/', ''))) + 1) COLLATE NOCASE";
const SORT_COLUMNS = { key: 'key', registeredAt: 'registered_at', size: 'size', duration: 'duration', name: FILE_NAME } as const;

export type AssetSortBy = keyof typeof SORT_COLUMNS;
/** What assets sort by, in the order error messages list them. */
export const ASSET_SORTS = Object.keys(SORT_COLUMNS) as readonly AssetSortBy[];

export interface AssetQuery {
  status?: AssetView['status'];
  kind?: 'video' | 'audio';
  /** A case-insensitive substring of the key or the comment (LIKE's wildcards in it are literal). */
  q?: string;
  sort: { by: AssetSortBy; desc: boolean };
}

const whereOf = (f: AssetQuery): { clause: string; args: SQLQueryBindings[] } => {
  const where: string[] = [];
  const args: SQLQueryBindings[] = [];
  if (f.status) where.push('status = ?') && args.push(f.status);
  if (f.kind) where.push('kind = ?') && args.push(f.kind);
  if (f.q) {
    where.push("(lower(key) LIKE ? ESCAPE '\\' OR lower(comment) LIKE ? ESCAPE '\\')");
    const like = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    args.push(like, like);
  }
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
};

/** One page of assets in the order asked for (ties by id, so pages never overlap). */
export const queryAssets = (db: Database, f: AssetQuery, page: PageRequest): PageOf<AssetView> => {
  const { clause, args } = whereOf(f);
  const order = `ORDER BY ${SORT_COLUMNS[f.sort.by]} ${f.sort.desc ? 'DESC' : 'ASC'}, id`;
  const total = assetsTable.count(db, clause, args);
  const rows = assetsTable.select(db, `${clause} ${order} LIMIT ? OFFSET ?`, [...args, page.limit, page.offset]);
  return { rows, total };
};

export const findAsset = (db: Database, id: string): AssetView | null => assetsTable.load(db, [id]);
