import type { Database } from 'bun:sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../events/log/sqlite.ts';
import { positionStoreContract } from './positions-contract.ts';
import { createSqlitePositions } from './positions.ts';

// A file, not :memory:, so `reopen` is a second connection to it, as after a restart.
positionStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpr-positions-'));
  const path = join(dir, 'mpr.db');
  const dbs: Database[] = [openDatabase(path)];
  return {
    positions: createSqlitePositions(dbs[0]!),
    reopen: async () => {
      const db = openDatabase(path);
      dbs.push(db);
      return createSqlitePositions(db);
    },
    cleanup: async () => {
      for (const db of dbs) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
