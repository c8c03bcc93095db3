import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { AppError } from '../errors.ts';
import { validateKey } from './keys.ts';
import { checkNewFolder, checkNewName, MAX_FOLDER_BYTES, shown } from './names.ts';

/** Fixed, so a failure repeats; fast-check prints the seed and the counterexample. */
const SEED = 20_240_611;

const refusal = (fn: () => unknown): AppError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('validation');
    return e as AppError;
  }
  throw new Error('expected a refusal');
};
const refused = (fn: () => unknown, text: string) => expect(refusal(fn).message).toContain(text);

/** Nothing a terminal or a page would render invisibly or reorder: what a message may carry. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point.
const RAW_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff]/;

describe('checkNewName', () => {
  test('accepts ordinary names: spaces inside, unicode in NFC, dots inside, CJK full stops, ellipses', () => {
    for (const name of [
      'clip.mp4',
      'day one.mov',
      'vidéo été.mp4',
      '日本の動画。最終.mp4',
      'a..b.mp4',
      '.hidden',
      'Wait… what.mp4',
      `${'x'.repeat(251)}.mp4`,
      'console.mp4',
    ]) {
      expect(checkNewName(name, 'filename')).toBe(name);
    }
  });

  test('refuses empty names and path steps', () => {
    refused(() => checkNewName('', 'filename'), 'filename "" is empty');
    refused(() => checkNewName('.', 'filename'), 'path step');
    refused(() => checkNewName('..', 'filename'), 'path step');
  });

  test('refuses slashes and backslashes, so a name never climbs out of its folder', () => {
    for (const name of ['a/b.mp4', '../x.mp4', '/etc/passwd', 'a\\b.mp4', '..\\..\\x.mp4']) refused(() => checkNewName(name, 'filename'), 'slash');
  });

  test('refuses NUL, C0, DEL and C1 control characters, and shows them escaped', () => {
    for (const c of ['\0', '\n', '\r', '\t', '\u001b', '\u007f', '\u0085', '\u009b']) {
      const e = refusal(() => checkNewName(`a${c}b.mp4`, 'filename'));
      expect(e.message).toContain('control character');
      expect(RAW_UNSAFE.test(e.message)).toBe(false);
    }
    expect(refusal(() => checkNewName('a\0b', 'filename')).message).toBe('filename "a\\u0000b" contains a NUL or other control character');
  });

  test('refuses bidi controls (an RTL override makes "4pm.exe" read as "exe.mp4")', () => {
    for (const c of ['\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u061c']) {
      const e = refusal(() => checkNewName(`clip${c}4pm.exe`, 'filename'));
      expect(e.message).toContain('bidirectional');
      expect(RAW_UNSAFE.test(e.message)).toBe(false);
    }
    expect(refusal(() => checkNewName('a\u202eb', 'filename')).message).toStartWith('filename "a\\u202eb"');
  });

  test('refuses zero-width and invisible format characters', () => {
    for (const c of ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad']) refused(() => checkNewName(`cl${c}ip.mp4`, 'filename'), 'invisible');
  });

  test('refuses names not in NFC, so "é" as one code point and as two cannot be two files', () => {
    const nfd = 'vide\u0301o.mp4';
    refused(() => checkNewName(nfd, 'filename'), 'NFC');
    expect(checkNewName(nfd.normalize('NFC'), 'filename')).toBe('vidéo.mp4');
  });

  test('refuses look-alike dots and slashes, and whatever NFKC folds into a path step', () => {
    for (const name of ['\uff0e\uff0e', 'a\uff0emp4', 'a\u2024mp4', 'a\ufe52mp4', 'a\uff0fb', 'a\u2215b', 'a\u2044b', 'a\u29f8b', 'a\uff3cb']) {
      refused(() => checkNewName(name, 'filename'), 'looks like a dot or a slash');
    }
    refused(() => checkNewName('\u2025', 'filename'), 'NFKC'); // two-dot leader: ".." once folded
  });

  test('refuses what Windows would change or refuse: edge spaces, trailing dots, device names', () => {
    for (const name of [' a.mp4', 'a.mp4 ', '\u3000a.mp4', 'a.mp4\u00a0']) refused(() => checkNewName(name, 'filename'), 'space');
    refused(() => checkNewName('clip.', 'filename'), 'ends with a dot');
    for (const name of ['CON', 'nul.mp4', 'Com1.mov', 'lpt9', 'aux.tar.gz']) refused(() => checkNewName(name, 'filename'), 'Windows');
  });

  test('refuses names over 255 UTF-8 bytes, counting bytes, not characters', () => {
    refused(() => checkNewName(`${'x'.repeat(252)}.mp4`, 'filename'), '255 bytes');
    refused(() => checkNewName(`${'é'.repeat(126)}.mp4`, 'filename'), '255 bytes'); // 256 bytes in 130 characters
  });

  test('refuses lone surrogates, which no filesystem can store as given', () => {
    refused(() => checkNewName('a\ud800b.mp4', 'filename'), 'surrogate');
  });

  test('messages name the field and show a long name cut short', () => {
    const e = refusal(() => checkNewName(`${'x'.repeat(300)}.mp4`, 'upload filename'));
    expect(e.message).toStartWith(`upload filename "${'x'.repeat(60)}…"`);
    expect(e.message.length).toBeLessThan(200);
  });
});

describe('checkNewFolder', () => {
  test("accepts '' and relative folders; drops one trailing slash", () => {
    expect(checkNewFolder('')).toBe('');
    expect(checkNewFolder('shows/day one')).toBe('shows/day one');
    expect(checkNewFolder('shows/day one/')).toBe('shows/day one');
    expect(checkNewFolder('日本/動画')).toBe('日本/動画');
  });

  test('refuses absolute folders, drives, traversal, empty and odd steps', () => {
    refused(() => checkNewFolder('/etc'), 'absolute');
    refused(() => checkNewFolder('\\\\server\\share'), 'absolute');
    refused(() => checkNewFolder('C:/Windows'), 'drive');
    refused(() => checkNewFolder('a/../../etc'), 'path step');
    refused(() => checkNewFolder('a/./b'), 'path step');
    refused(() => checkNewFolder('a//b'), 'empty step');
    refused(() => checkNewFolder('a/b//'), 'empty step');
    refused(() => checkNewFolder('a\\b'), 'slash');
    refused(() => checkNewFolder('a/\u202egnp.exe'), 'bidirectional');
    refused(() => checkNewFolder('ve\u0301/x'), 'NFC');
    refused(() => checkNewFolder('a/\uff0e\uff0e/b'), 'dot or a slash');
    refused(() => checkNewFolder('a/b /c'), 'space');
  });

  test(`refuses folders over ${MAX_FOLDER_BYTES} bytes`, () => {
    const step = 'x'.repeat(200);
    expect(checkNewFolder([step, step, step, step].join('/'))).toHaveLength(803);
    refused(() => checkNewFolder([step, step, step, step, step].join('/')), `${MAX_FOLDER_BYTES} bytes`);
  });

  test('a message names the folder and the step at fault', () => {
    expect(refusal(() => checkNewFolder('shows/..', 'upload folder')).message).toBe('upload folder "shows/..": ".." is a path step, not a name');
  });
});

describe('properties', () => {
  /** Strings built from the characters that matter here, mixed with any Unicode. */
  const tricky = fc.constantFrom(
    '.',
    '/',
    '\\',
    ' ',
    '\0',
    '\n',
    '\u007f',
    '\u0085',
    '\u202e',
    '\u200b',
    '\ufeff',
    '\u00ad',
    '\u0301',
    'e',
    '\u00e9',
    '\uff0e',
    '\u2024',
    '\uff0f',
    '\u2215',
    '\u3002',
    '\u2025',
    '\ud800',
    'a',
    'mp4',
    'CON',
    '\u3000',
  );
  const junk = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.array(tricky, { maxLength: 12 }).map((xs) => xs.join('')),
  );

  test('a name is returned unchanged or refused with a validation error whose message shows nothing raw', () => {
    fc.assert(
      fc.property(junk, (name) => {
        let out: string;
        try {
          out = checkNewName(name, 'filename');
        } catch (e) {
          expect(e).toBeInstanceOf(AppError);
          expect((e as AppError).code).toBe('validation');
          expect(RAW_UNSAFE.test((e as AppError).message)).toBe(false);
          expect((e as AppError).message.length).toBeLessThan(600);
          return;
        }
        expect(out).toBe(name);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  test('an accepted name is one NFC path step that validateKey takes as a key of its own', () => {
    fc.assert(
      fc.property(junk, (name) => {
        try {
          checkNewName(name, 'filename');
        } catch {
          return;
        }
        expect(name).toBe(name.normalize('NFC'));
        expect(name.includes('/') || name.includes('\\') || name === '.' || name === '..').toBe(false);
        expect(RAW_UNSAFE.test(name)).toBe(false);
        expect(validateKey(name)).toBe(name);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  test('of NFC and NFD twins that differ, at most one is accepted', () => {
    fc.assert(
      fc.property(junk, (name) => {
        const nfc = name.normalize('NFC');
        const nfd = name.normalize('NFD');
        if (nfc === nfd) return;
        const ok = (n: string) => {
          try {
            checkNewName(n, 'filename');
            return true;
          } catch {
            return false;
          }
        };
        expect(ok(nfc) && ok(nfd)).toBe(false);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  test('an accepted folder has no path tricks, and with an accepted name makes a valid key', () => {
    const folder = fc.oneof(
      fc.array(junk, { maxLength: 5 }).map((xs) => xs.join('/')),
      fc.string({ unit: 'binary', maxLength: 60 }),
    );
    fc.assert(
      fc.property(folder, fc.constantFrom('clip.mp4', 'été.mov'), (f, name) => {
        let out: string;
        try {
          out = checkNewFolder(f);
        } catch (e) {
          expect(e).toBeInstanceOf(AppError);
          expect(RAW_UNSAFE.test((e as AppError).message)).toBe(false);
          return;
        }
        expect(out.startsWith('/') || out.endsWith('/')).toBe(false);
        expect(out.split('/').some((s) => s === '..' || s === '.')).toBe(false);
        expect(validateKey(out ? `${out}/${name}` : name)).toBeTruthy();
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  test('shown() quotes anything without raw control, bidi or invisible characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const out = shown(s);
        expect(RAW_UNSAFE.test(out)).toBe(false);
        expect(out.startsWith('"')).toBe(true);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
