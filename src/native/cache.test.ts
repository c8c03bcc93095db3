import { afterAll, describe, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheRoots, type EmbeddedFile, ensureSet, extractSet, isComplete, setFolderName } from './cache.ts';

const base = mkdtempSync(join(tmpdir(), 'mpr-native-cache-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const uid = process.getuid?.() ?? 0;
let n = 0;
const fresh = (what: string) => join(base, `${what}-${n++}`);

/** Two source files standing in for a library and an addon embedded in the binary. */
const sources = (): EmbeddedFile[] => {
  const dir = fresh('src');
  mkdirSync(dir);
  const files = [
    { name: 'libthing.so.1', body: 'a library'.repeat(100) },
    { name: 'thing.node', body: 'an addon' },
  ];
  return files.map((f) => {
    const from = join(dir, `${f.name}-embedded`);
    writeFileSync(from, f.body);
    return { from, name: f.name, size: f.body.length };
  });
};

describe('cacheRoots', () => {
  const sys = { tmpdir: '/tmp', uid: 1000, cwd: '/srv/mpr' };

  test('XDG cache, then ~/.cache, then the data folder, then a per-user temporary folder (the only shared one)', () => {
    expect(cacheRoots({ XDG_CACHE_HOME: '/xdg', HOME: '/home/u', MPR_DATA: '/data' }, sys)).toEqual([
      { dir: '/xdg/mpr/native', shared: false },
      { dir: '/home/u/.cache/mpr/native', shared: false },
      { dir: '/data/native', shared: false },
      { dir: '/tmp/mpr-native-1000', shared: true },
    ]);
  });

  test('relative XDG_CACHE_HOME and HOME are ignored; a relative MPR_DATA is read from the working folder, as config.ts does', () => {
    expect(cacheRoots({ XDG_CACHE_HOME: 'cache', HOME: 'home', MPR_DATA: './data' }, sys).map((r) => r.dir)).toEqual([
      '/srv/mpr/data/native',
      '/tmp/mpr-native-1000',
    ]);
  });

  test('with nothing set, only the temporary folder', () => {
    expect(cacheRoots({}, sys)).toEqual([{ dir: '/tmp/mpr-native-1000', shared: true }]);
  });

  test('the same folder twice is tried once', () => {
    expect(cacheRoots({ XDG_CACHE_HOME: '/h/.cache', HOME: '/h' }, sys).map((r) => r.dir)).toEqual(['/h/.cache/mpr/native', '/tmp/mpr-native-1000']);
  });
});

describe('setFolderName', () => {
  test('name-hash', () => {
    expect(setFolderName('onnxruntime', '95bf75f307e7fceb')).toBe('onnxruntime-95bf75f307e7fceb');
  });

  test('refuses anything that could leave the root', () => {
    expect(() => setFolderName('../x', '95bf75f307e7fceb')).toThrow();
    expect(() => setFolderName('sharp', '../../etc')).toThrow();
    expect(() => setFolderName('sharp', '')).toThrow();
  });
});

describe('extractSet', () => {
  test('writes every file under its cache name, executable, and leaves no temporary folder', () => {
    const files = sources();
    const root = { dir: fresh('root'), shared: false };
    const dir = extractSet(root, 'thing-0123456789abcdef', files, uid);
    expect(dir).toBe(join(root.dir, 'thing-0123456789abcdef'));
    expect(readFileSync(join(dir, 'libthing.so.1'), 'utf8')).toBe('a library'.repeat(100));
    expect(readFileSync(join(dir, 'thing.node'), 'utf8')).toBe('an addon');
    expect(statSync(join(dir, 'thing.node')).mode & 0o111).not.toBe(0);
    expect(readdirSync(root.dir)).toEqual(['thing-0123456789abcdef']);
  });

  test('a later start reuses the folder without reading the embedded files again', () => {
    const files = sources();
    const root = { dir: fresh('root'), shared: false };
    const dir = extractSet(root, 'thing-0123456789abcdef', files, uid);
    for (const f of files) rmSync(f.from);
    expect(extractSet(root, 'thing-0123456789abcdef', files, uid)).toBe(dir);
  });

  test('a folder with a file of the wrong size is written again', () => {
    const files = sources();
    const root = { dir: fresh('root'), shared: false };
    const dir = extractSet(root, 'thing-0123456789abcdef', files, uid);
    truncateSync(join(dir, 'libthing.so.1'), 3);
    expect(isComplete(dir, files)).toBe(false);
    extractSet(root, 'thing-0123456789abcdef', files, uid);
    expect(isComplete(dir, files)).toBe(true);
    expect(readdirSync(root.dir)).toEqual(['thing-0123456789abcdef']);
  });

  test('an embedded file that cannot be read fails the root and leaves nothing behind', () => {
    const files = sources();
    rmSync(files[1]!.from);
    const root = { dir: fresh('root'), shared: false };
    expect(() => extractSet(root, 'thing-0123456789abcdef', files, uid)).toThrow();
    expect(readdirSync(root.dir)).toEqual([]);
  });

  test('a shared root open to others is refused (anyone could plant a library there)', () => {
    const root = { dir: fresh('shared'), shared: true };
    mkdirSync(root.dir);
    chmodSync(root.dir, 0o777);
    expect(() => extractSet(root, 'thing-0123456789abcdef', sources(), uid)).toThrow('closed to others');
  });

  test('a shared root is made closed to others', () => {
    const root = { dir: fresh('shared'), shared: true };
    extractSet(root, 'thing-0123456789abcdef', sources(), uid);
    expect(statSync(root.dir).mode & 0o077).toBe(0);
  });
});

describe('ensureSet', () => {
  test('falls through to the next root when one cannot be written', () => {
    const blocked = fresh('blocked');
    writeFileSync(blocked, 'a file where the folder should be');
    const next = { dir: fresh('root'), shared: false };
    expect(ensureSet([{ dir: join(blocked, 'native'), shared: false }, next], 'thing-0123456789abcdef', sources(), uid)).toBe(
      join(next.dir, 'thing-0123456789abcdef'),
    );
  });

  test('when no root works, the error names each one and what to set', () => {
    const blocked = fresh('blocked');
    writeFileSync(blocked, 'x');
    const roots = [
      { dir: join(blocked, 'a'), shared: false },
      { dir: join(blocked, 'b'), shared: false },
    ];
    expect(() => ensureSet(roots, 'thing-0123456789abcdef', sources(), uid)).toThrow(
      new RegExp(`${join(blocked, 'a')}: .*; ${join(blocked, 'b')}: .*XDG_CACHE_HOME`),
    );
  });
});
