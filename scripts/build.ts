#!/usr/bin/env bun
/**
 * Builds the single executable `dist/mpr`: server, workers, CLI and the web UI.
 *
 *   bun scripts/build.ts                    build the UI with Vite, then compile
 *   bun scripts/build.ts --skip-ui-build    embed the ui/dist that is already there
 *   bun scripts/build.ts --ui-dist DIR      embed another built UI folder (must hold index.html)
 *   bun scripts/build.ts --no-ui            no UI inside: `/` explains how to get one
 *   bun scripts/build.ts --outfile PATH     write the executable elsewhere (default dist/mpr)
 *
 * How the UI gets inside: `bun build --compile --asset <dir>` embeds every
 * file of the folder under its relative path, and the binary reads them back
 * through `Bun.embeddedFiles` (src/http/ui-assets.ts). No generated module,
 * so a clean clone type-checks and tests without ever building the UI.
 *
 * Minification: whitespace and syntax only, not identifiers. Elysia reads
 * handler source (`({ body, params }) => ...`) to decide what to parse per
 * route, which is what Elysia's deployment guide recommends for --compile.
 * bunfig.toml is not autoloaded by the binary: ours only configures tests, and
 * a stray one in the directory where `mpr` runs must not change it.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dir, '..');
const bun = process.execPath;

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    'skip-ui-build': { type: 'boolean' },
    'ui-dist': { type: 'string' },
    'no-ui': { type: 'boolean' },
    outfile: { type: 'string' },
  },
});

const fail = (message: string): never => {
  console.error(`[build] ${message}`);
  process.exit(1);
};

const run = (label: string, cmd: string[]): number => {
  const t0 = performance.now();
  console.error(`[build] ${label}: ${cmd.map((c) => (c.startsWith(`${root}/`) ? relative(root, c) : c)).join(' ')}`);
  const r = Bun.spawnSync(cmd, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.exitCode !== 0) fail(`${label} failed (exit ${r.exitCode})`);
  return (performance.now() - t0) / 1000;
};

const t0 = performance.now();
const outfile = resolve(root, values.outfile ?? 'dist/mpr');
let uiDist: string | null = null;

if (!values['no-ui']) {
  if (values['ui-dist']) {
    uiDist = resolve(values['ui-dist']);
  } else {
    uiDist = resolve(root, 'ui/dist');
    if (!values['skip-ui-build']) {
      if (!existsSync(resolve(root, 'ui/vite.config.ts'))) {
        fail('ui/vite.config.ts is missing: the UI cannot be built (use --no-ui for a binary without it)');
      }
      const s = run('UI', [bun, 'x', '--bun', 'vite', 'build', '--config', 'ui/vite.config.ts', '--logLevel', 'warn']);
      console.error(`[build] UI built in ${s.toFixed(1)} s`);
    }
  }
  if (!existsSync(resolve(uiDist, 'index.html'))) fail(`${uiDist}/index.html is missing: build the UI first, or pass --no-ui`);
}

mkdirSync(dirname(outfile), { recursive: true });
const compile = [
  bun,
  'build',
  'src/cli/main.ts',
  '--compile',
  '--minify-whitespace',
  '--minify-syntax',
  '--sourcemap',
  '--no-compile-autoload-bunfig',
  ...(uiDist ? ['--asset', uiDist] : []),
  '--outfile',
  outfile,
];
const s = run('compile', compile);

// The binary must at least start: a package that cannot be bundled shows up here, not in production.
const help = Bun.spawnSync([outfile, '--help'], { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
if (help.exitCode !== 0 || !help.stdout.toString().includes('Usage: mpr')) {
  fail(`${relative(root, outfile)} --help failed (exit ${help.exitCode}): ${help.stderr.toString().slice(-2000)}`);
}
const mb = statSync(outfile).size / 1024 / 1024;
console.error(
  `[build] ${relative(root, outfile)}: ${mb.toFixed(1)} MiB, UI ${uiDist ? `from ${uiDist.startsWith(`${root}/`) ? relative(root, uiDist) : uiDist}` : 'not included'}; compile ${s.toFixed(1)} s, total ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
