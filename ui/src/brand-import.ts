/**
 * Brand lists as people paste or upload them, and as the editor checks them
 * (pure, tested in brand-import.test.ts). A paste is JSON (an array of
 * `{ name, aliases?, images? }` or of names, or `{ brands: [...] }`) or CSV,
 * one brand a line: `name,alias1;alias2` (a header line `name,…` is skipped;
 * quotes as in CSV). The checks mirror src/work/detect/brands.ts closely
 * enough to name a field before the server does; the server stays the judge.
 */
import type { BrandInput } from '../../src/types/detect.ts';

export interface BrandDraft {
  name: string;
  aliases: string[];
  images: string[];
}

export const BRAND_LIMITS = { brands: 10_000, nameLength: 100, aliases: 50, images: 20 } as const;

/** Close to the server's normalise: case, accents and anything but letters and digits ignored. */
export const looseKey = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');

/** "Zan, ZNT ;  Z-Tora" → the aliases, trimmed, blanks dropped (commas or semicolons separate). */
export const aliasesOfText = (text: string): string[] =>
  text
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** One CSV line's cells (quotes may hold commas; "" is a quote). */
const csvCells = (line: string): string[] => {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cur);
      cur = '';
    } else cur += c;
  }
  cells.push(cur);
  return cells.map((x) => x.trim());
};

const fromJson = (json: unknown): BrandDraft[] | string => {
  const raw = json && typeof json === 'object' && !Array.isArray(json) ? (json as { brands?: unknown }).brands : json;
  if (!Array.isArray(raw)) return 'The JSON must be an array of brands, or { "brands": [...] }.';
  const out: BrandDraft[] = [];
  for (const [i, b] of raw.entries()) {
    if (typeof b === 'string') {
      out.push({ name: b.trim(), aliases: [], images: [] });
      continue;
    }
    if (!b || typeof b !== 'object' || typeof (b as BrandInput).name !== 'string') return `Brand ${i + 1} needs a "name".`;
    const x = b as BrandInput;
    const list = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
    out.push({
      name: x.name.trim(),
      aliases: list(x.aliases)
        .map((s) => s.trim())
        .filter(Boolean),
      images: list(x.images),
    });
  }
  return out;
};

const fromCsv = (text: string): BrandDraft[] | string => {
  const out: BrandDraft[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const [name = '', ...rest] = csvCells(line);
    if (out.length === 0 && /^name$/i.test(name)) continue; // a header
    if (name === '') return `Line ${i + 1} has no brand name.`;
    out.push({ name, aliases: rest.flatMap(aliasesOfText), images: [] });
  }
  return out;
};

/** The brands of a paste or file, or a sentence saying why not. */
export const parseBrandText = (text: string): { brands: BrandDraft[] } | { error: string } => {
  const t = text.trim();
  if (t === '') return { error: 'Paste or choose a list first.' };
  let got: BrandDraft[] | string;
  if (t.startsWith('[') || t.startsWith('{')) {
    try {
      got = fromJson(JSON.parse(t));
    } catch {
      return { error: 'This looks like JSON but does not parse.' };
    }
  } else got = fromCsv(t);
  if (typeof got === 'string') return { error: got };
  if (got.length === 0) return { error: 'No brands found.' };
  return { brands: got };
};

/**
 * The list after an import: `replace` takes the new brands; `add` appends
 * them, and a brand already there by name gains the new aliases and images.
 */
export const mergeBrands = (was: readonly BrandDraft[], incoming: readonly BrandDraft[], mode: 'replace' | 'add'): BrandDraft[] => {
  const kept = mode === 'replace' ? [] : was.filter((b) => b.name.trim() !== '' || b.aliases.length > 0 || b.images.length > 0);
  const out = kept.map((b) => ({ ...b, aliases: [...b.aliases], images: [...b.images] }));
  for (const b of incoming) {
    const same = out.find((x) => looseKey(x.name) === looseKey(b.name));
    if (!same) {
      out.push({ name: b.name, aliases: [...b.aliases], images: [...b.images] });
      continue;
    }
    for (const a of b.aliases) if (!same.aliases.some((x) => looseKey(x) === looseKey(a))) same.aliases.push(a);
    for (const k of b.images) if (!same.images.includes(k)) same.images.push(k);
  }
  return out;
};

/** What the server would refuse, by field: `name`, `brands`, `brands[2].name`, `brands[2].aliases`. */
export const validateBrandList = (name: string, brands: readonly BrandDraft[]): Record<string, string> => {
  const errors: Record<string, string> = {};
  if (name.trim() === '') errors.name = 'Give the list a name.';
  else if (name.trim().length > 200) errors.name = 'A name is at most 200 characters.';
  if (brands.length === 0) errors.brands = 'Add at least one brand.';
  else if (brands.length > BRAND_LIMITS.brands) errors.brands = `At most ${BRAND_LIMITS.brands} brands.`;
  /** A spelling (loose) → where it was first given. */
  const owner = new Map<string, { brand: number; label: string }>();
  const text = (v: string): string | null => {
    const s = v.trim();
    if (s === '') return 'Must not be empty.';
    if (s.length > BRAND_LIMITS.nameLength) return `At most ${BRAND_LIMITS.nameLength} characters.`;
    if (looseKey(s) === '') return 'Needs a letter or digit to match on.';
    return null;
  };
  brands.forEach((b, i) => {
    const at = `brands[${i}]`;
    const bad = text(b.name);
    if (bad) errors[`${at}.name`] = bad;
    else {
      const prior = owner.get(looseKey(b.name));
      if (prior) errors[`${at}.name`] = `Spelled like ${prior.label}: one spelling belongs to one brand only.`;
      else owner.set(looseKey(b.name), { brand: i, label: `"${b.name.trim()}"` });
    }
    if (b.aliases.length > BRAND_LIMITS.aliases) errors[`${at}.aliases`] = `At most ${BRAND_LIMITS.aliases} aliases.`;
    for (const a of b.aliases) {
      const m = text(a);
      if (m) {
        errors[`${at}.aliases`] ??= `"${a}": ${m[0]!.toLowerCase()}${m.slice(1)}`;
        continue;
      }
      const prior = owner.get(looseKey(a));
      if (prior && prior.brand !== i) errors[`${at}.aliases`] ??= `"${a}" is spelled like ${prior.label} of another brand.`;
      else if (!prior) owner.set(looseKey(a), { brand: i, label: `"${a}"` });
    }
    if (b.images.length > BRAND_LIMITS.images) errors[`${at}.images`] = `At most ${BRAND_LIMITS.images} images.`;
  });
  return errors;
};
