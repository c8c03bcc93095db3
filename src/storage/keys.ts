/**
 * Media keys are relative, `/`-separated paths (`subfolder/video3.mp4`) so the
 * same database works on a folder and on a bucket. These checks are the only
 * thing standing between a key from an HTTP request and a path on disk, so
 * every Storage method runs them before touching anything.
 */
import { AppError } from '../errors.ts';

/** S3's own limit on key length; folders are held to it too so keys move between backends. */
export const MAX_KEY_BYTES = 1024;
/** NAME_MAX on Linux, macOS and most filesystems a folder backend sits on. */
export const MAX_SEGMENT_BYTES = 255;

const encoder = new TextEncoder();
const byteLength = (s: string): number => encoder.encode(s).byteLength;

// C0 controls, DEL and C1 controls: invisible in logs, NUL truncates C paths.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is what it is for.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const show = (key: string): string => JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);

/** Checks the segments of a key or a prefix; `what` names it in messages. */
const checkSegments = (what: string, value: string, segments: string[], allowEmptyLast: boolean): void => {
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '') {
      if (last && allowEmptyLast) return;
      throw new AppError('validation', `${what} ${show(value)} has an empty path segment (leading, trailing or doubled "/")`);
    }
    if (segment === '.' || segment === '..') {
      throw new AppError('validation', `${what} ${show(value)} has a "${segment}" segment; keys are plain relative paths`);
    }
    if (byteLength(segment) > MAX_SEGMENT_BYTES) {
      throw new AppError('validation', `${what} ${show(value)} has a segment longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  });
};

const checkCharacters = (what: string, value: string): void => {
  if (value.startsWith('/')) {
    throw new AppError('validation', `${what} ${show(value)} is absolute; keys are relative like "subfolder/video.mp4"`);
  }
  if (value.includes('\\')) {
    throw new AppError('validation', `${what} ${show(value)} contains a backslash; use "/" between folders`);
  }
  if (CONTROL.test(value)) {
    throw new AppError('validation', `${what} ${show(value)} contains a NUL or other control character`);
  }
  if (byteLength(value) > MAX_KEY_BYTES) {
    throw new AppError('validation', `${what} ${show(value)} is longer than ${MAX_KEY_BYTES} bytes (UTF-8)`);
  }
};

/** Returns the key unchanged when it is a safe relative object key, else throws AppError('validation'). */
export const validateKey = (key: string): string => {
  if (typeof key !== 'string' || key === '') {
    throw new AppError('validation', 'storage key is empty');
  }
  checkCharacters('storage key', key);
  checkSegments('storage key', key, key.split('/'), false);
  return key;
};

/**
 * A listing prefix: '' (everything), a folder (`jobs/abc/`) or the start of a
 * key (`jobs/ab`). Same rules as a key, except that it may be empty and may
 * end with '/'.
 */
export const validatePrefix = (prefix: string): string => {
  if (typeof prefix !== 'string') throw new AppError('validation', 'storage prefix must be a string');
  if (prefix === '') return prefix;
  checkCharacters('storage prefix', prefix);
  checkSegments('storage prefix', prefix, prefix.split('/'), true);
  return prefix;
};

/**
 * Joins key parts with single slashes: `joinKey('jobs/', '/abc', 'out.mp4')`
 * is `jobs/abc/out.mp4`. Empty parts are dropped; the result is validated.
 */
export const joinKey = (...parts: string[]): string =>
  validateKey(
    parts
      .map((p) => p.replace(/^\/+|\/+$/g, ''))
      .filter((p) => p !== '')
      .join('/'),
  );

/**
 * Orders keys by Unicode code point, which is the UTF-8 byte order S3 lists
 * in. Plain `<` compares UTF-16 code units and puts astral characters before
 * U+E000..U+FFFF, so the two backends would disagree on rare keys.
 */
export const compareKeys = (a: string, b: string): number => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++; // both are the same surrogate pair
  }
  return a.length - b.length;
};

const CONTENT_TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  mp4: 'video/mp4',
  m4s: 'video/iso.segment',
  m4a: 'audio/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  vtt: 'text/vtt',
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
};

/**
 * The content type an uploaded object gets from its extension, so a bucket
 * serves HLS playlists and segments with the types players expect.
 */
export const contentTypeFor = (key: string): string => {
  const dot = key.lastIndexOf('.');
  const ext = dot > key.lastIndexOf('/') ? key.slice(dot + 1).toLowerCase() : '';
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
};

/** Checks a byte range [start, end) for `get`; refuses negative, fractional or reversed bounds. */
export const validateRange = (key: string, range: { start: number; end?: number } | undefined): void => {
  if (range === undefined) return;
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new AppError('validation', `range start for ${show(key)} must be a whole number >= 0, got ${start}`);
  }
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) {
    throw new AppError('validation', `range end for ${show(key)} must be a whole number >= start (${start}), got ${end}`);
  }
};
