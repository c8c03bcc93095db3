/**
 * Where ffmpeg and ffprobe live. Resolved once per env object: `Bun.which`
 * walks PATH and stats files, cheap but not free, and every probe and encode
 * asks for the binaries.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AppError } from '../errors.ts';

export interface Binaries {
  ffmpeg: string;
  ffprobe: string;
}

type Env = Record<string, string | undefined>;

/** Seams for tests: the ffmpeg-static lookup cannot be exercised for real (the package never installs here). */
export interface BinaryLookup {
  /** Path that the `ffmpeg-static` package exports, or null when the package is absent. */
  ffmpegStatic: () => string | null;
}

const isExecutableFile = (path: string): boolean => {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * ffmpeg-static is an optionalDependency whose postinstall download fails on
 * machines without internet, leaving either no package or a package whose
 * binary is missing; both mean "not available", never an error.
 */
const ffmpegStaticPath = (): string | null => {
  try {
    const path: unknown = createRequire(import.meta.url)('ffmpeg-static');
    return typeof path === 'string' ? path : null;
  } catch {
    return null;
  }
};

/** An explicit path must exist; a bare name (FFMPEG_PATH=ffmpeg) is looked up on PATH. */
const fromEnvVar = (name: string, value: string, env: Env): string => {
  const found = value.includes('/') ? (isExecutableFile(value) ? value : null) : Bun.which(value, { PATH: env.PATH ?? '' });
  if (!found) throw new AppError('unavailable', `${name}=${value} is not an executable file: fix or unset ${name}`);
  return found;
};

const resolveFfmpeg = (env: Env, lookup: BinaryLookup): string => {
  if (env.FFMPEG_PATH) return fromEnvVar('FFMPEG_PATH', env.FFMPEG_PATH, env);
  const bundled = lookup.ffmpegStatic();
  if (bundled && isExecutableFile(bundled)) return bundled;
  const onPath = Bun.which('ffmpeg', { PATH: env.PATH ?? '' });
  if (onPath) return onPath;
  throw new AppError('unavailable', 'ffmpeg not found: install it (apt-get install ffmpeg) or set FFMPEG_PATH');
};

const resolveFfprobe = (env: Env, ffmpeg: string): string => {
  if (env.FFPROBE_PATH) return fromEnvVar('FFPROBE_PATH', env.FFPROBE_PATH, env);
  // A custom or static ffmpeg usually ships its own ffprobe; mixing versions
  // would make probe results disagree with what the encoder sees.
  const sibling = join(dirname(ffmpeg), 'ffprobe');
  if (isExecutableFile(sibling)) return sibling;
  const onPath = Bun.which('ffprobe', { PATH: env.PATH ?? '' });
  if (onPath) return onPath;
  throw new AppError('unavailable', 'ffprobe not found: install it (apt-get install ffmpeg) or set FFPROBE_PATH');
};

const cache = new WeakMap<object, Binaries>();

/**
 * ffmpeg: $FFMPEG_PATH, then the ffmpeg-static package's binary, then PATH.
 * ffprobe: $FFPROBE_PATH, then a ffprobe beside that ffmpeg, then PATH.
 * Throws AppError('unavailable') when one is missing; failures are not
 * cached, so installing ffmpeg fixes a running server.
 */
export const resolveBinaries = (env: Env = process.env, lookup: BinaryLookup = { ffmpegStatic: ffmpegStaticPath }): Binaries => {
  const hit = cache.get(env);
  if (hit) return hit;
  const ffmpeg = resolveFfmpeg(env, lookup);
  const found = Object.freeze({ ffmpeg, ffprobe: resolveFfprobe(env, ffmpeg) });
  cache.set(env, found);
  return found;
};
