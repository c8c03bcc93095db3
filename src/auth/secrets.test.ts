import { expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataFolder } from '../data-folder.ts';
import { createSecrets } from './secrets.ts';
import { createSqliteSessionStore } from './store/sqlite.ts';

const HOUR = 3600_000;

test('a rotated secret verifies for the keep window after it retired, however old it is; 0 keeps none', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpr-secrets-'));
  const db = openDataFolder(dir);
  try {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const secrets = createSecrets({ store: createSqliteSessionStore(db), clock: () => now, refreshMs: 0 });
    const first = await secrets.current();
    // A month later: the first secret is old, but it retires only now, so it keeps verifying.
    now += 30 * 24 * HOUR;
    const second = await secrets.rotate(6 * HOUR);
    expect((await secrets.all()).map((s) => s.kid)).toEqual([second.kid, first.kid]);
    // Two hours on, another rotation: the first retired 2 h ago (inside 6 h), so all three verify.
    now += 2 * HOUR;
    const third = await secrets.rotate(6 * HOUR);
    expect((await secrets.all()).map((s) => s.kid)).toEqual([third.kid, second.kid, first.kid]);
    // Five hours more: the first retired 7 h ago and goes; the second retired 5 h ago and stays.
    now += 5 * HOUR;
    const fourth = await secrets.rotate(6 * HOUR);
    expect((await secrets.all()).map((s) => s.kid)).toEqual([fourth.kid, third.kid, second.kid]);
    expect((await secrets.current()).kid).toBe(fourth.kid);
    // Revoking: only the new one is left.
    const fifth = await secrets.rotate(0);
    expect((await secrets.all()).map((s) => s.kid)).toEqual([fifth.kid]);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
