/**
 * Where routers keep the last log position they fully handled. Beside the
 * log: SQLite in embedded mode, Redis (positions-redis.ts) in scale-out mode.
 */
import type { Database } from 'bun:sqlite';
import { AppError } from '../errors.ts';

export interface PositionStore {
  /** 0 when nothing was stored under that name. */
  get(name: string): Promise<number>;
  set(name: string, position: number): Promise<void>;
}

export const createSqlitePositions = (db: Database): PositionStore => {
  db.run('CREATE TABLE IF NOT EXISTS router_positions (name TEXT PRIMARY KEY, position INTEGER NOT NULL) WITHOUT ROWID');
  const qGet = db.query<{ position: number }, [string]>('SELECT position FROM router_positions WHERE name = ?');
  const qSet = db.query('INSERT INTO router_positions (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position');
  return {
    async get(name) {
      return qGet.get(name)?.position ?? 0;
    },
    async set(name, position) {
      // Same rule and error as positions-redis.ts: the column would take a
      // fraction, -1 or Infinity as is, and NaN only as a raw NOT NULL error;
      // any of them read back as a position would misplace the router.
      if (!Number.isSafeInteger(position) || position < 0) {
        throw new AppError('validation', `router position for ${name} must be a whole number >= 0, got ${position}`);
      }
      qSet.run(name, position);
    },
  };
};
