/**
 * Brand lists: what a user uploads (a JSON array of `{ name, aliases?,
 * images? }`, or `{ brands: [...] }`) checked into `Brand[]`. Pure. Every
 * refusal is an AppError('validation') naming the field, e.g.
 * `brands[3].name: …`, so the UI can point at the line.
 *
 * Names and aliases are compared after `normalise` (match.ts): two that
 * normalise alike would be matched alike, so one list may not hold them under
 * two brands ("Zantora" and "ZANT0RA" are one brand). An alias repeating its
 * own brand's name or another alias is harmless and dropped.
 */
import { AppError } from '../../errors.ts';
import type { Brand } from '../../types/detect.ts';
import { normalise } from './match.ts';

export type { Brand } from '../../types/detect.ts';

export const BRAND_LIMITS = Object.freeze({
  brands: 10_000,
  nameLength: 100,
  aliases: 50,
  images: 20,
  imageKeyLength: 1024,
});

const FIELDS = ['name', 'aliases', 'images'];

const bad = (path: string, what: string) => new AppError('validation', `${path}: ${what}`);

const shown = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
};

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

// Control characters in a name would end up in CSV cells and headers.
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A name or alias: a string, trimmed, 1–100 characters, with a letter or digit. */
const text = (v: unknown, path: string): string => {
  if (typeof v !== 'string') throw bad(path, `must be a string, got ${shown(v)}`);
  const s = v.trim();
  if (s === '') throw bad(path, 'must not be empty');
  if (s.length > BRAND_LIMITS.nameLength) throw bad(path, `must be at most ${BRAND_LIMITS.nameLength} characters, got ${s.length}`);
  if (CONTROL.test(s)) throw bad(path, 'must not hold control characters');
  if (normalise(s) === '') throw bad(path, `${shown(s)} has no letter or digit to match on`);
  return s;
};

const list = (v: unknown, path: string, max: number): unknown[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(path, `must be a list, got ${shown(v)}`);
  if (v.length > max) throw bad(path, `must hold at most ${max} items, got ${v.length}`);
  return v;
};

const imageKey = (v: unknown, path: string): string => {
  if (typeof v !== 'string') throw bad(path, `must be a string, got ${shown(v)}`);
  if (v.trim() === '') throw bad(path, 'must not be empty');
  if (v.length > BRAND_LIMITS.imageKeyLength) throw bad(path, `must be at most ${BRAND_LIMITS.imageKeyLength} characters`);
  if (CONTROL.test(v)) throw bad(path, 'must not hold control characters');
  return v;
};

/** Pure: a brand list upload checked and filled in (aliases and images default to []). */
export const parseBrandList = (json: unknown): Brand[] => {
  const raw = isObj(json) ? json.brands : json;
  if (isObj(json) && !('brands' in json)) throw bad('brands', 'missing: expected an array of brands or an object { brands: [...] }');
  if (!Array.isArray(raw)) throw bad('brands', `must be an array of brands, got ${shown(raw)}`);
  if (raw.length === 0) throw bad('brands', 'the list is empty: give at least one brand with a name');
  if (raw.length > BRAND_LIMITS.brands) throw bad('brands', `at most ${BRAND_LIMITS.brands} brands, got ${raw.length}`);
  /** Normalised name or alias → where it was first given. */
  const owner = new Map<string, { brand: number; path: string }>();
  return raw.map((entry, i): Brand => {
    const at = `brands[${i}]`;
    if (!isObj(entry)) throw bad(at, `must be an object { name, aliases?, images? }, got ${shown(entry)}`);
    for (const k of Object.keys(entry)) {
      if (!FIELDS.includes(k)) throw bad(`${at}.${k}`, `unknown field (known: ${FIELDS.join(', ')})`);
    }
    if (!('name' in entry)) throw bad(`${at}.name`, 'missing');
    const name = text(entry.name, `${at}.name`);
    const aliases: string[] = [];
    const claim = (value: string, path: string): boolean => {
      const norm = normalise(value);
      const prior = owner.get(norm);
      if (prior === undefined) {
        owner.set(norm, { brand: i, path });
        return true;
      }
      if (prior.brand === i) return false;
      throw bad(path, `${shown(value)} is the same as ${prior.path} once normalised (${norm}): one spelling may belong to one brand only`);
    };
    claim(name, `${at}.name`);
    list(entry.aliases, `${at}.aliases`, BRAND_LIMITS.aliases).forEach((a, j) => {
      const alias = text(a, `${at}.aliases[${j}]`);
      if (claim(alias, `${at}.aliases[${j}]`)) aliases.push(alias);
    });
    const images = list(entry.images, `${at}.images`, BRAND_LIMITS.images).map((v, j) => imageKey(v, `${at}.images[${j}]`));
    return { name, aliases, images };
  });
};
