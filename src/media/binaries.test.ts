import { afterAll, describe, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppError } from '../errors.ts';
import { resolveBinaries } from './binaries.ts';

const root = mkdtempSync(join(tmpdir(), 'mpr-bins-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder holding fake executables with the given names. */
const dir = (name: string, files: string[]): string => {
  const d = join(root, name);
  mkdirSync(d, { recursive: true });
  for (const f of files) {
    writeFileSync(join(d, f), '#!/bin/sh\nexit 0\n');
    chmodSync(join(d, f), 0o755);
  }
  return d;
};
const noStatic = { ffmpegStatic: () => null };

describe('resolveBinaries', () => {
  test('finds both on PATH', () => {
    const bin = dir('path-both', ['ffmpeg', 'ffprobe']);
    expect(resolveBinaries({ PATH: bin }, noStatic)).toEqual({ ffmpeg: join(bin, 'ffmpeg'), ffprobe: join(bin, 'ffprobe') });
  });

  test('FFMPEG_PATH wins over PATH, and its sibling ffprobe wins over PATH', () => {
    const custom = dir('custom', ['ffmpeg', 'ffprobe']);
    const bin = dir('path-other', ['ffmpeg', 'ffprobe']);
    expect(resolveBinaries({ PATH: bin, FFMPEG_PATH: join(custom, 'ffmpeg') }, noStatic)).toEqual({
      ffmpeg: join(custom, 'ffmpeg'),
      ffprobe: join(custom, 'ffprobe'),
    });
  });

  test('FFPROBE_PATH wins over the sibling', () => {
    const custom = dir('custom2', ['ffmpeg', 'ffprobe']);
    const probe = dir('probe-only', ['ffprobe']);
    const r = resolveBinaries({ PATH: '', FFMPEG_PATH: join(custom, 'ffmpeg'), FFPROBE_PATH: join(probe, 'ffprobe') }, noStatic);
    expect(r.ffprobe).toBe(join(probe, 'ffprobe'));
  });

  test('ffprobe falls back to PATH when there is none beside ffmpeg', () => {
    const lone = dir('lone', ['ffmpeg']);
    const bin = dir('path-probe', ['ffprobe']);
    expect(resolveBinaries({ PATH: bin, FFMPEG_PATH: join(lone, 'ffmpeg') }, noStatic).ffprobe).toBe(join(bin, 'ffprobe'));
  });

  test('a bare FFMPEG_PATH name is looked up on PATH', () => {
    const bin = dir('path-named', ['ffmpeg-6', 'ffprobe']);
    expect(resolveBinaries({ PATH: bin, FFMPEG_PATH: 'ffmpeg-6' }, noStatic).ffmpeg).toBe(join(bin, 'ffmpeg-6'));
  });

  test('the ffmpeg-static binary is used when its file exists, before PATH', () => {
    const pkg = dir('static', ['ffmpeg']);
    const bin = dir('path-static', ['ffmpeg', 'ffprobe']);
    const r = resolveBinaries({ PATH: bin }, { ffmpegStatic: () => join(pkg, 'ffmpeg') });
    // ffmpeg-static ships no ffprobe, so that one comes from PATH.
    expect(r).toEqual({ ffmpeg: join(pkg, 'ffmpeg'), ffprobe: join(bin, 'ffprobe') });
  });

  test('an ffmpeg-static package whose download failed (no file) is skipped', () => {
    const bin = dir('path-failed-static', ['ffmpeg', 'ffprobe']);
    const r = resolveBinaries({ PATH: bin }, { ffmpegStatic: () => join(root, 'nowhere', 'ffmpeg') });
    expect(r.ffmpeg).toBe(join(bin, 'ffmpeg'));
  });

  test('the real lookup tolerates the missing ffmpeg-static package', () => {
    // No lookup argument: exercises the guarded require of the absent package.
    const bin = dir('path-real', ['ffmpeg', 'ffprobe']);
    expect(resolveBinaries({ PATH: bin }).ffmpeg).toMatch(/ffmpeg$/);
  });

  test('missing ffmpeg throws unavailable with install advice', () => {
    const empty = dir('empty', []);
    let err: unknown;
    try {
      resolveBinaries({ PATH: empty }, noStatic);
    } catch (e) {
      err = e;
    }
    expect(isAppError(err, 'unavailable')).toBe(true);
    expect((err as Error).message).toBe('ffmpeg not found: install it (apt-get install ffmpeg) or set FFMPEG_PATH');
  });

  test('missing ffprobe throws unavailable', () => {
    const bin = dir('ffmpeg-only', ['ffmpeg']);
    expect(() => resolveBinaries({ PATH: bin }, noStatic)).toThrow(/ffprobe not found/);
  });

  test('a FFMPEG_PATH that does not exist is an error, not a silent fallback', () => {
    const bin = dir('path-fallback', ['ffmpeg', 'ffprobe']);
    expect(() => resolveBinaries({ PATH: bin, FFMPEG_PATH: '/nope/ffmpeg' }, noStatic)).toThrow(/FFMPEG_PATH=\/nope\/ffmpeg/);
  });

  test('results are cached per env object; failures are not', () => {
    const bin = dir('cache', ['ffprobe']);
    const env: Record<string, string> = { PATH: bin };
    expect(() => resolveBinaries(env, noStatic)).toThrow(/ffmpeg not found/);
    dir('cache', ['ffmpeg']);
    const first = resolveBinaries(env, noStatic);
    rmSync(join(bin, 'ffmpeg'));
    expect(resolveBinaries(env, noStatic)).toBe(first);
    expect(() => resolveBinaries({ ...env }, noStatic)).toThrow(/ffmpeg not found/);
  });
});
