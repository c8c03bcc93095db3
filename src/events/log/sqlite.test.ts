import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventLogContract } from './contract.ts';
import { createSqliteLog, openDatabase } from './sqlite.ts';

eventLogContract('sqlite', async ({ maxEventBytes, onCorrupt }) => {
  const dir = mkdtempSync(join(tmpdir(), 'mpr-log-'));
  const db = openDatabase(join(dir, 'mpr.db'));
  const log = createSqliteLog({ db, maxEventBytes, onCorrupt, now: () => new Date().toISOString() });
  return {
    log,
    corrupt: async (position) => {
      db.run('UPDATE events SET data = \'{"b": 2\' WHERE position = ?', [position]);
    },
    cleanup: async () => {
      await log.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
