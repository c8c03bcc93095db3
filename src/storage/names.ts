/**
 * Names a user gives to something new: an upload's file name, the folder it
 * goes in. validateKey (keys.ts) guards every key against escaping the store;
 * these are stricter, because a new name is also shown in lists, logs and
 * other people's file managers, and must name one file on every backend:
 *
 * - no path tricks: '', '.', '..', '/', '\', an absolute folder or a drive;
 * - nothing invisible or misleading: control characters (C0, DEL, C1), bidi
 *   controls (an RTL override shows "exe.mp4" for "4pm.exe"), zero-width and
 *   other invisible format characters, lone surrogates;
 * - one spelling per name: a name must be NFC already (macOS keeps NFD, Linux
 *   keeps bytes: "é" as one or two code points would be two files that look
 *   the same), and look-alike dots and slashes are refused (U+FF0E, U+2024,
 *   U+FE52; U+FF0F, U+2215, U+2044, U+29F8 and the backslash twins), as is
 *   anything NFKC folds into '.', '..', '/' or '\' (a compatibility
 *   normalization somewhere downstream must not make a path of it). U+3002
 *   (the ideographic full stop) is allowed: it is ordinary CJK punctuation,
 *   NFKC leaves it alone and no filesystem reads it as a dot;
 * - what Windows would change or refuse: leading or trailing spaces, trailing
 *   dots, CON, PRN, AUX, NUL, COM1-9 and LPT1-9 (with any extension), so a
 *   folder store copied there keeps every file;
 * - at most 255 UTF-8 bytes (NAME_MAX) a name, 900 a folder (the rest of
 *   S3's 1024-byte key is the file's).
 *
 * Keys already in a store are not held to this (a scan lists NFD names from
 * macOS as they are): only names being made go through here.
 */
import { AppError } from '../errors.ts';
import { MAX_SEGMENT_BYTES } from './keys.ts';

/** A folder's limit in UTF-8 bytes, leaving room for a file name in S3's 1024. */
export const MAX_FOLDER_BYTES = 900;

const encoder = new TextEncoder();
const byteLength = (s: string): number => encoder.encode(s).byteLength;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is what it is for.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** LRM, RLM, ALM, the embeddings and overrides, the isolates. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** Zero-width space, (non-)joiners, word joiner and invisible operators, BOM, soft hyphen, Mongolian vowel separator. */
const INVISIBLE = /[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]/;
/** Dots and slashes that look like '.', '/' or '\' (the ASCII ones are handled on their own). */
const LOOK_ALIKE = /[\uff0e\u2024\ufe52\uff0f\u2215\u2044\u29f8\uff3c\u2216\u29f9\ufe68]/;
/** Device names Windows reserves, with or without an extension (superscript digits count too). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9\u00b9\u00b2\u00b3]|lpt[1-9\u00b9\u00b2\u00b3])(\..*)?$/i;
/** What `shown` escapes besides what JSON.stringify does: DEL, C1, bidi, invisible, line and paragraph separators. */
const UNSAFE_TO_SHOW = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff]/g;

const SHOWN_CHARS = 60;

/**
 * A name as a message may quote it: JSON-quoted, cut to 60 code points, and
 * every control, bidi or invisible character written as \uXXXX, so a log line
 * or a page never shows it raw.
 */
export const shown = (name: string): string => {
  const points = [...name];
  const cut = points.length > SHOWN_CHARS ? `${points.slice(0, SHOWN_CHARS).join('')}…` : name;
  return JSON.stringify(cut).replace(UNSAFE_TO_SHOW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
};

/** Why `name` is not a good new file or folder name, or null when it is. */
const problemOf = (name: string): string | null => {
  if (name === '') return 'is empty';
  if (name === '.' || name === '..') return 'is a path step, not a name';
  if (name.includes('/') || name.includes('\\')) return 'contains a slash; give one name (folders go in the folder)';
  if (CONTROL.test(name)) return 'contains a NUL or other control character';
  if (!name.isWellFormed()) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  if (BIDI.test(name)) return 'contains a bidirectional control character (it can make a name read as another)';
  if (INVISIBLE.test(name)) return 'contains an invisible character (zero-width, joiner, BOM or soft hyphen)';
  if (name !== name.normalize('NFC')) return 'is not in Unicode NFC; send it NFC-normalized (String.prototype.normalize("NFC"))';
  if (LOOK_ALIKE.test(name)) return 'contains a character that looks like a dot or a slash; use "." or put folders in the folder';
  const folded = name.normalize('NFKC');
  if (folded === '.' || folded === '..' || folded.includes('/') || folded.includes('\\')) return 'reads as a path step or a slash once normalized (NFKC)';
  if (name !== name.trim()) return 'starts or ends with a space';
  if (name.endsWith('.')) return 'ends with a dot';
  if (WINDOWS_RESERVED.test(name)) return 'is a device name Windows reserves (CON, PRN, AUX, NUL, COM1-9, LPT1-9)';
  if (byteLength(name) > MAX_SEGMENT_BYTES) return `is longer than ${MAX_SEGMENT_BYTES} bytes (UTF-8)`;
  return null;
};

/**
 * One file or folder name for something new (an upload's file name):
 * returned unchanged when it is fine, else AppError('validation') saying
 * `${what} "<the name, escaped>" <why>`.
 */
export const checkNewName = (name: string, what: string): string => {
  if (typeof name !== 'string') throw new AppError('validation', `${what}: a string is required`);
  const problem = problemOf(name);
  if (problem) throw new AppError('validation', `${what} ${shown(name)} ${problem}`);
  return name;
};

/**
 * A folder for something new: '' (the top of the store) or names as
 * checkNewName wants them, separated by '/'. A trailing '/' is dropped; a
 * leading one (an absolute path), a drive ("C:"), an empty or '..' step is
 * refused. Returns the folder without a trailing '/'.
 */
export const checkNewFolder = (folder: string, what = 'folder'): string => {
  if (typeof folder !== 'string') throw new AppError('validation', `${what}: a string is required`);
  if (folder === '') return '';
  if (folder.startsWith('/') || folder.startsWith('\\'))
    throw new AppError('validation', `${what} ${shown(folder)} is absolute; give a folder inside the store`);
  if (/^[A-Za-z]:/.test(folder)) throw new AppError('validation', `${what} ${shown(folder)} starts with a drive; give a folder inside the store`);
  const trimmed = folder.endsWith('/') ? folder.slice(0, -1) : folder;
  if (byteLength(trimmed) > MAX_FOLDER_BYTES) throw new AppError('validation', `${what} ${shown(folder)} is longer than ${MAX_FOLDER_BYTES} bytes (UTF-8)`);
  for (const step of trimmed.split('/')) {
    if (step === '') throw new AppError('validation', `${what} ${shown(folder)} has an empty step (a doubled "/")`);
    const problem = problemOf(step);
    if (problem) throw new AppError('validation', `${what} ${shown(folder)}: ${shown(step)} ${problem}`);
  }
  return trimmed;
};
