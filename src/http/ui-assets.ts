/**
 * Where the built web UI's files come from: one interface, two sources.
 *
 * - From source (`bun src/cli/main.ts`), the files are read from `ui/dist/` on
 *   disk, per request, so building the UI while the server runs just works.
 * - In the compiled binary, `scripts/build.ts` embeds `ui/dist` with
 *   `bun build --compile --asset <dir>`. Bun keeps each file's relative path
 *   (the asset folder's own name first: `dist/index.html`,
 *   `dist/assets/index-abc.js`) and lists them in `Bun.embeddedFiles` as Blobs
 *   whose `name` is that path and whose `type` comes from the extension.
 *
 * Why `--asset` + `Bun.embeddedFiles` rather than a generated module of
 * `import f from '../../ui/dist/x' with { type: 'file' }`: no generated source
 * file to keep out of git or swap for a stub, nothing that breaks `tsc` or
 * `bun test` on a clone without `ui/dist`, and the hashed Vite file names
 * stay as they are (a `type: 'file'` import renames each file to
 * `[name]-[hash].[ext]` and would need a map back). Outside a compiled binary
 * `Bun.embeddedFiles` is empty, so the disk source is used.
 */
import { statSync } from 'node:fs';
import { resolve, sep } from 'node:path';

export interface UiAssets {
  /** `path` is relative to the UI root without a leading slash (`index.html`, `assets/app-1a2b.js`); null when absent. */
  get(path: string): Blob | null;
  /** Where the files come from, for logs and the "not built" page. */
  readonly describe: string;
}

/** `ui/dist` of this checkout (in the binary this resolves under `/$bunfs`, where nothing is on disk). */
export const UI_DIST_DIR = resolve(import.meta.dir, '../../ui/dist');

/**
 * A request path made safe to look up: decoded, no `..`, NUL or backslash.
 * Returns null for anything that could leave the UI root.
 */
export const cleanUiPath = (pathname: string): string | null => {
  let p: string;
  try {
    p = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (p.includes('\0') || p.includes('\\')) return null;
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.some((s) => s === '..')) return null;
  return parts.join('/');
};

export const diskUiAssets = (root: string = UI_DIST_DIR): UiAssets => ({
  describe: `folder ${root}`,
  get(path) {
    const full = resolve(root, path);
    if (full !== root && !full.startsWith(root + sep)) return null;
    try {
      if (!statSync(full).isFile()) return null;
    } catch {
      return null;
    }
    return Bun.file(full);
  },
});

/**
 * The UI files embedded in this executable, or null when there are none.
 * The UI root is the folder of the shallowest embedded `index.html`, so the
 * source folder's name (`dist/`, or whatever `--ui-dist` pointed at) does not matter.
 */
export const embeddedUiAssets = (files: readonly Blob[] = Bun.embeddedFiles): UiAssets | null => {
  const named = files.map((b) => ({ name: (b as Blob & { name?: string }).name ?? '', blob: b }));
  const index = named
    .filter((f) => f.name === 'index.html' || f.name.endsWith('/index.html'))
    .sort((a, b) => a.name.split('/').length - b.name.split('/').length)[0];
  if (!index) return null;
  const prefix = index.name.slice(0, index.name.length - 'index.html'.length);
  const byPath = new Map<string, Blob>();
  for (const f of named) if (f.name.startsWith(prefix)) byPath.set(f.name.slice(prefix.length), f.blob);
  return { describe: `embedded (${byPath.size} files)`, get: (path) => byPath.get(path) ?? null };
};

/** Embedded files when this is the compiled binary, else `ui/dist` on disk. */
export const defaultUiAssets = (): UiAssets => embeddedUiAssets() ?? diskUiAssets();
