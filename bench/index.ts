/**
 * `bun run bench` runs every benchmark; `bun run bench NAME` runs bench/NAME.ts.
 * Each runs in its own process so one's memory and timers don't skew another's.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dir;
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; have: ${all.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length ? wanted : all) {
  console.log(`\n=== bench ${name} ===`);
  const proc = Bun.spawn(['bun', join(dir, `${name}.ts`)], { stdout: 'inherit', stderr: 'inherit' });
  if ((await proc.exited) !== 0) failed++;
}
process.exit(failed ? 1 : 0);
