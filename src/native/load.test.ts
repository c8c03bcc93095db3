/**
 * The trick the binary depends on, played with the real files from
 * node_modules standing in for the embedded ones: the library copied to a
 * cache folder and opened first, then the addon from the same folder, with
 * nothing beside it that its RPATH would find.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppError } from '../errors.ts';
import { findNativeSets } from './bundle.ts';
import { loadNativeAddon, type NativeSet } from './load.ts';

const ROOT = resolve(import.meta.dir, '../..');
const cache = mkdtempSync(join(tmpdir(), 'mpr-native-load-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

const asEmbedded = async (name: string): Promise<NativeSet> => {
  const set = (await findNativeSets(ROOT)).find((s) => s.name === name)!;
  return {
    name: set.name,
    hash: set.hash,
    libs: set.libs.map((l) => ({ from: l.path, name: l.name, size: l.size, symbol: l.symbol })),
    addon: { from: set.addon.path, name: set.addon.name, size: set.addon.size },
  };
};

describe('loadNativeAddon', () => {
  test("sharp's addon loads from the cache folder, libvips opened by soname first", async () => {
    const set = await asEmbedded('sharp');
    const addon = loadNativeAddon(set, { XDG_CACHE_HOME: cache }) as { libvipsVersion(): { semver: string } };
    expect(addon.libvipsVersion().semver).toMatch(/^\d+\.\d+\.\d+/);
    expect(readdirSync(join(cache, 'mpr/native', `sharp-${set.hash}`)).sort()).toEqual([set.addon.name, ...set.libs.map((l) => l.name)].sort());
    // Once per thread: the second call is the same object, whatever the environment says.
    expect(loadNativeAddon(set, {})).toBe(addon);
  });

  test("onnxruntime-node's binding loads the same way", async () => {
    const set = await asEmbedded('onnxruntime');
    const addon = loadNativeAddon(set, { XDG_CACHE_HOME: cache }) as Record<string, unknown>;
    expect(typeof addon.InferenceSession).toBe('function');
  });

  test("a set whose files are missing is AppError 'unavailable', naming the set", () => {
    const set: NativeSet = {
      name: 'missing',
      hash: '0123456789abcdef',
      libs: [],
      addon: { from: join(cache, 'no-such.node'), name: 'no-such.node', size: 1 },
    };
    let err: unknown;
    try {
      loadNativeAddon(set, { XDG_CACHE_HOME: cache });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('unavailable');
    expect((err as AppError).message).toContain("cannot load missing's native libraries");
  });
});
