/**
 * The layering of docs/architecture.md, checked on every import: events →
 * actors → projections → http, with the adapters (media, storage, live) and
 * plain shapes (types) below everything, and job kinds (src/work/<kind>/)
 * plugged in only by the composition root (system.ts) and the CLI. A new
 * upward import fails here with the file and the rule it breaks. Test code
 * (`*.test.ts`, contract suites) may reach anywhere.
 */
import { describe, expect, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const ROOT = join(import.meta.dir, '..');

/** `src/work/transcode/plan.ts` → `work/transcode`; `src/actors/job.ts` → `actors`; `src/config.ts` → `config.ts`. */
const unitOf = (file: string): string => {
  const parts = relative(join(ROOT, 'src'), file).split('/');
  return parts[0] === 'work' && parts.length > 2 ? `work/${parts[1]}` : parts[0]!;
};
/** The rules' name of a unit: every job kind's folder is `work/<kind>` (so no kind may import another). */
const ruleOf = (unit: string): string => (unit.startsWith('work/') && !['work/queue', 'work/pool'].includes(unit) ? 'work/<kind>' : unit);

const BASE = ['types', 'errors.ts', 'config.ts', 'logger.ts', 'ids.ts'];
const ADAPTERS = ['media', 'storage', 'live', 'cv'];

/** What each unit may import besides itself. Anything not listed is refused. */
const ALLOWED: Record<string, readonly string[]> = {
  types: [],
  'errors.ts': [],
  'ids.ts': [],
  'config.ts': ['errors.ts'],
  'logger.ts': ['config.ts'],
  media: BASE,
  storage: BASE,
  live: BASE,
  // Frames, masks, OpenCV, OCR: computer vision below the job kinds, like media.
  cv: [...BASE, 'media'],
  events: BASE,
  actors: [...BASE, ...ADAPTERS, 'events'],
  projections: [...BASE, 'media', 'events', 'actors'],
  // Accounts, sessions, keys, the guard's checks: above the read models, below HTTP.
  auth: [...BASE, 'events', 'actors', 'projections'],
  // Uploads: the multipart flow from a new upload to a probed asset, over the input store.
  uploads: [...BASE, ...ADAPTERS, 'events', 'actors', 'projections'],
  'work/queue': BASE,
  'work/pool': BASE,
  // The runner, the dispatch router and the worker loop: generic, no kind.
  work: [...BASE, ...ADAPTERS, 'events', 'actors', 'work/queue', 'work/pool'],
  'work/<kind>': [...BASE, ...ADAPTERS, 'events', 'actors', 'work', 'work/queue', 'work/pool'],
  // Routes take their dependencies as a Pick of the System type (type-only, see below).
  http: [...BASE, ...ADAPTERS, 'events', 'actors', 'projections', 'auth', 'uploads', 'system.ts'],
  'data-folder.ts': [...BASE, 'events'],
};
/** Imports of these targets must be `import type`: a shape, never code. */
const TYPE_ONLY: Record<string, readonly string[]> = { http: ['system.ts'] };

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    // Test code: tests, the contract suites they run, and the pool's test tasks.
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !/contract\.ts$/.test(e.name) && e.name !== 'test-tasks.ts' ? [p] : [];
  });

interface Import {
  target: string;
  typeOnly: boolean;
}
/** Static imports and re-exports (`from '…'`), bare imports (`import '…'`) and dynamic `import('…')`, relative ones only. */
const importsOf = (file: string): Import[] => {
  const text = readFileSync(file, 'utf8');
  const found = [
    ...[...text.matchAll(/^\s*(?:import|export)(\s+type)?[^;]*?from\s+'([^']+)'/gm)].map((m) => ({ spec: m[2]!, typeOnly: m[1] !== undefined })),
    ...[...text.matchAll(/^\s*import\s+'([^']+)'/gm)].map((m) => ({ spec: m[1]!, typeOnly: false })),
    ...[...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => ({ spec: m[1]!, typeOnly: false })),
  ];
  return found.filter((f) => f.spec.startsWith('.')).map((f) => ({ target: normalize(join(dirname(file), f.spec)), typeOnly: f.typeOnly }));
};

/**
 * The server modules the browser's fast path (ui/src/cv/) runs as they are,
 * so a slider's preview is the server's own algorithm: they must stay free of
 * Node and of the rest of the server (checked below).
 */
const BROWSER_CV = ['src/cv/field.ts', 'src/cv/edges.ts', 'src/cv/frame.ts', 'src/cv/mats.ts', 'src/errors.ts', 'src/work/detect/engine-configs.ts'];
/** Server modules any UI view runs as they are, so an export is the server's own format (the brand report's CSV). */
const BROWSER_SHARED = ['src/work/detect/report-csv.ts'];

describe('layering (docs/architecture.md)', () => {
  test('no unit of src/ imports above its layer; job kinds are reached only through the composition root', () => {
    const broken: string[] = [];
    for (const file of sources(join(ROOT, 'src'))) {
      const from = unitOf(file);
      const allowed = ALLOWED[ruleOf(from)];
      if (!allowed) continue; // system.ts and the CLI compose everything
      for (const imp of importsOf(file)) {
        const rel = relative(ROOT, file);
        if (!imp.target.startsWith(join(ROOT, 'src'))) {
          // Product code reaches out of src/ only for the package's own metadata.
          if (!imp.target.endsWith('package.json')) broken.push(`${rel}: imports ${relative(ROOT, imp.target)}, outside src/`);
          continue;
        }
        const to = unitOf(imp.target);
        if (to === from) continue;
        if (!allowed.includes(ruleOf(to)) || (ruleOf(to) === 'work/<kind>' && ruleOf(from) === 'work/<kind>'))
          broken.push(`${rel}: ${from} must not import ${to} (${relative(ROOT, imp.target)})`);
        else if (TYPE_ONLY[from]?.includes(to) && !imp.typeOnly) broken.push(`${rel}: ${from} may import only types from ${to}`);
      }
    }
    expect(broken).toEqual([]);
  });

  test('the UI imports nothing of the server but the shared API types (type-only) and the modules named above', () => {
    const broken: string[] = [];
    for (const file of sources(join(ROOT, 'ui/src'))) {
      const from = relative(ROOT, file);
      for (const imp of importsOf(file)) {
        if (!imp.target.startsWith(join(ROOT, 'src'))) continue;
        const rel = relative(ROOT, imp.target);
        if (from.startsWith('ui/src/cv/') && BROWSER_CV.includes(rel)) continue;
        if (BROWSER_SHARED.includes(rel)) continue;
        if (!rel.startsWith('src/types/')) broken.push(`${relative(ROOT, file)} imports ${rel}`);
        else if (!imp.typeOnly) broken.push(`${relative(ROOT, file)} imports ${rel} as code, not as types`);
      }
    }
    expect(broken).toEqual([]);
  });

  test("the server's code the browser runs (the overlay viewer's fast path, the report's CSV) imports only itself, errors and types", () => {
    const broken: string[] = [];
    const inBrowser = [...BROWSER_CV, ...BROWSER_SHARED];
    for (const rel of inBrowser) {
      for (const imp of importsOf(join(ROOT, rel))) {
        const to = relative(ROOT, imp.target);
        if (imp.typeOnly || inBrowser.includes(to) || !to.startsWith('src/')) continue;
        broken.push(`${rel} imports ${to}: the browser bundles it`);
      }
    }
    expect(broken).toEqual([]);
  });

  test('the check sees real imports (it would catch an upward one)', () => {
    expect(importsOf(join(ROOT, 'src/actors/registry.ts')).map((i) => relative(ROOT, i.target))).toContain('src/events/asset.ts');
    expect(ruleOf(unitOf(join(ROOT, 'src/work/transcode/plan.ts')))).toBe('work/<kind>');
    expect(unitOf(join(ROOT, 'src/work/queue/redis.ts'))).toBe('work/queue');
    expect(unitOf(join(ROOT, 'src/work/runner.ts'))).toBe('work');
    expect(ALLOWED.actors).not.toContain('projections');
    expect(ALLOWED.projections).not.toContain('work');
  });
});
