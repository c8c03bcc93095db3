import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { README, configTable, readmeTable } from '../scripts/config-table.ts';
import { CONFIG_VARIABLES } from './config.ts';

describe('README configuration table', () => {
  test('equals the table generated from CONFIG_VARIABLES (fix: bun scripts/config-table.ts --write)', () => {
    const inReadme = readmeTable(readFileSync(README, 'utf8'));
    expect(inReadme).not.toBeNull();
    expect(inReadme!).toBe(configTable());
  });

  test('one row per variable; pipes escaped, names and literal defaults in code', () => {
    const rows = configTable().split('\n').slice(2);
    expect(rows).toHaveLength(CONFIG_VARIABLES.length);
    for (const row of rows) expect(row.replaceAll('\\|', '').split('|')).toHaveLength(5);
    expect(rows).toContain('| `PORT` | `8080` | HTTP port (0 picks a free one). |');
    expect(rows.find((r) => r.startsWith('| `MPR_LOG_BACKEND`'))).toContain('redis if `REDIS_URL` is set, else sqlite');
    expect(rows.find((r) => r.startsWith('| `REDIS_URL`'))).toStartWith('| `REDIS_URL` | unset |');
  });
});
