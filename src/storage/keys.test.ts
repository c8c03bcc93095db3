import { describe, expect, test } from 'bun:test';
import { AppError } from '../errors.ts';
import { compareKeys, contentTypeFor, joinKey, validateKey, validatePrefix } from './keys.ts';

const refused = (fn: () => unknown, text: string) => {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe('validation');
  expect((err as AppError).message).toContain(text);
};

describe('validateKey', () => {
  test('accepts plain relative keys, unicode and spaces', () => {
    for (const key of ['video.mp4', 'subfolder/video3.mp4', 'dossier/é vidéo ü.mp4', '.hidden', 'a/b/c/d.ts', '日本/動画.mp4', 'a..b/c...d']) {
      expect(validateKey(key)).toBe(key);
    }
  });

  test('refuses empty', () => refused(() => validateKey(''), 'empty'));
  test('refuses absolute paths', () => refused(() => validateKey('/etc/passwd'), 'absolute'));
  test('refuses .. segments', () => {
    refused(() => validateKey('../x'), '".."');
    refused(() => validateKey('a/../../x'), '".."');
    refused(() => validateKey('a/..'), '".."');
  });
  test('refuses . segments', () => refused(() => validateKey('a/./b'), '"."'));
  test('refuses empty segments', () => {
    refused(() => validateKey('a//b'), 'empty path segment');
    refused(() => validateKey('a/'), 'empty path segment');
  });
  test('refuses NUL and control characters', () => {
    refused(() => validateKey('a\0b'), 'control character');
    refused(() => validateKey('a\nb'), 'control character');
    refused(() => validateKey('a\u007fb'), 'control character');
    refused(() => validateKey('a\u0085b'), 'control character');
  });
  test('refuses backslashes', () => refused(() => validateKey('a\\b'), 'backslash'));
  test('refuses keys over 1024 UTF-8 bytes', () => {
    const seg = 'é'.repeat(100); // 200 bytes
    const key = Array.from({ length: 6 }, () => seg).join('/'); // 1205 bytes, 605 chars
    refused(() => validateKey(key), '1024 bytes');
    expect(validateKey(Array.from({ length: 4 }, () => 'a'.repeat(255)).join('/'))).toHaveLength(1023);
  });
  test('refuses a segment over 255 UTF-8 bytes', () => {
    refused(() => validateKey(`a/${'é'.repeat(128)}`), '255 bytes');
    expect(validateKey('x'.repeat(255))).toHaveLength(255);
  });
  test('names the key in the message', () => refused(() => validateKey('a//b'), '"a//b"'));
});

describe('validatePrefix', () => {
  test('allows empty, folder and partial prefixes', () => {
    for (const p of ['', 'a/', 'a/b/', 'a/vid', 'dossier/é v']) expect(validatePrefix(p)).toBe(p);
  });
  test('refuses what keys refuse', () => {
    refused(() => validatePrefix('/a/'), 'absolute');
    refused(() => validatePrefix('../'), '".."');
    refused(() => validatePrefix('a//'), 'empty path segment');
    refused(() => validatePrefix('a\\'), 'backslash');
    refused(() => validatePrefix('a\0'), 'control character');
    refused(() => validatePrefix('/'), 'absolute');
  });
});

describe('joinKey', () => {
  test('joins with single slashes and drops empty parts', () => {
    expect(joinKey('jobs/', '/abc', 'out.mp4')).toBe('jobs/abc/out.mp4');
    expect(joinKey('', 'a', '', 'b')).toBe('a/b');
  });
  test('validates the result', () => {
    refused(() => joinKey('a', '..', 'b'), '".."');
    refused(() => joinKey('', ''), 'empty');
  });
});

describe('compareKeys', () => {
  test('orders by code point (UTF-8 byte order, as S3 lists)', () => {
    const keys = ['b', 'a/b', 'a', '\u{1F600}', '\uFF5E', 'é', 'A'];
    expect([...keys].sort(compareKeys)).toEqual(['A', 'a', 'a/b', 'b', 'é', '\uFF5E', '\u{1F600}']);
    const bytes = (s: string) => Buffer.from(s, 'utf8');
    expect([...keys].sort(compareKeys)).toEqual([...keys].sort((x, y) => Buffer.compare(bytes(x), bytes(y))));
  });
});

describe('contentTypeFor', () => {
  test('guesses from the extension', () => {
    expect(contentTypeFor('hls/index.m3u8')).toBe('application/vnd.apple.mpegurl');
    expect(contentTypeFor('hls/seg00001.ts')).toBe('video/mp2t');
    expect(contentTypeFor('a/out.MP4')).toBe('video/mp4');
    expect(contentTypeFor('a.m4a')).toBe('audio/mp4');
    expect(contentTypeFor('thumbs/1.jpg')).toBe('image/jpeg');
    expect(contentTypeFor('x.png')).toBe('image/png');
    expect(contentTypeFor('subs.vtt')).toBe('text/vtt');
    expect(contentTypeFor('report.json')).toBe('application/json');
  });
  test('falls back to octet-stream', () => {
    expect(contentTypeFor('a.bin')).toBe('application/octet-stream');
    expect(contentTypeFor('a.d/noext')).toBe('application/octet-stream');
  });
});
