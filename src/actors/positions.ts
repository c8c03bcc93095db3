/**
 * Where routers keep the last log position they fully handled. Beside the
 * log: SQLite in embedded mode, Redis (positions-redis.ts) in scale-out mode.
 */
import type { Database } from 'bun:sqlite';

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
      qSet.run(name, position);
    },
  };
};
