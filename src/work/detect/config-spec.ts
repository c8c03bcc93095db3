/**
 * A stage's config, declared once as fields: the parser (defaults filled,
 * every value checked, a bad one refused with its path such as
 * `configs.ocr.det_width`), the JSON Schema `GET /api/detect/config/stages/:stage`
 * answers, and the defaults, all from the same table. Pure.
 */
import { AppError } from '../../errors.ts';

interface Described {
  description: string;
}

export type FieldSpec =
  | (Described & { type: 'number'; default: number; min?: number; max?: number })
  | (Described & { type: 'integer'; default: number; min?: number; max?: number })
  | (Described & { type: 'boolean'; default: boolean })
  | (Described & { type: 'string'; default: string; maxLength?: number })
  | (Described & { type: 'enum'; default: string; values: readonly string[] })
  /** A [low, high] pair, each within min..max, low ≤ high. */
  | (Described & { type: 'range'; default: readonly [number, number]; min: number; max: number })
  | (Described & { type: 'strings'; default: readonly string[]; maxItems?: number; maxLength?: number });

export type ConfigSpec = Readonly<Record<string, FieldSpec>>;

/** The parsed config of a spec: each field's value type. */
export type ConfigOf<S extends ConfigSpec> = {
  -readonly [K in keyof S]: S[K] extends { type: 'boolean' }
    ? boolean
    : S[K] extends { type: 'string' | 'enum' }
      ? string
      : S[K] extends { type: 'range' }
        ? [number, number]
        : S[K] extends { type: 'strings' }
          ? string[]
          : number;
};

/** Pure: a plain JSON object (not null, not an array). */
export const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const bad = (path: string, what: string) => new AppError('validation', `${path}: ${what}`);
const shown = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
};

const inRange = (path: string, n: number, min?: number, max?: number): number => {
  if (min !== undefined && n < min) throw bad(path, `must be at least ${min}, got ${n}`);
  if (max !== undefined && n > max) throw bad(path, `must be at most ${max}, got ${n}`);
  return n;
};

const parseField = (f: FieldSpec, v: unknown, path: string): unknown => {
  switch (f.type) {
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(path, `must be a number, got ${shown(v)}`);
      return inRange(path, v, f.min, f.max);
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw bad(path, `must be a whole number, got ${shown(v)}`);
      return inRange(path, v, f.min, f.max);
    case 'boolean':
      if (typeof v !== 'boolean') throw bad(path, `must be true or false, got ${shown(v)}`);
      return v;
    case 'string':
      if (typeof v !== 'string') throw bad(path, `must be a string, got ${shown(v)}`);
      if (v.length > (f.maxLength ?? 200)) throw bad(path, `must be at most ${f.maxLength ?? 200} characters`);
      return v;
    case 'enum':
      if (typeof v !== 'string' || !f.values.includes(v)) throw bad(path, `must be one of ${f.values.join(', ')}, got ${shown(v)}`);
      return v;
    case 'range': {
      if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw bad(path, `must be a pair [low, high] of numbers, got ${shown(v)}`);
      }
      const [lo, hi] = v as [number, number];
      inRange(`${path}[0]`, lo, f.min, f.max);
      inRange(`${path}[1]`, hi, f.min, f.max);
      if (lo > hi) throw bad(path, `low (${lo}) must not be above high (${hi})`);
      return [lo, hi];
    }
    case 'strings': {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw bad(path, `must be a list of strings, got ${shown(v)}`);
      if (v.length > (f.maxItems ?? 1000)) throw bad(path, `must hold at most ${f.maxItems ?? 1000} items`);
      const long = (v as string[]).findIndex((x) => x.length > (f.maxLength ?? 200));
      if (long >= 0) throw bad(`${path}[${long}]`, `must be at most ${f.maxLength ?? 200} characters`);
      return [...(v as string[])];
    }
  }
};

const copyDefault = (f: FieldSpec): unknown => (Array.isArray(f.default) ? [...f.default] : f.default);

/** Pure: the defaults of a spec. */
export const defaultsOf = <S extends ConfigSpec>(spec: S): ConfigOf<S> =>
  Object.fromEntries(Object.entries(spec).map(([k, f]) => [k, copyDefault(f)])) as ConfigOf<S>;

/**
 * Pure: `raw` (a profile's or a job's slice for one stage) checked against the
 * spec, with defaults for what it leaves out. An unknown key, a wrong type or
 * a value out of range is refused naming its path (`path` is where `raw` sits).
 */
export const parseConfig = <S extends ConfigSpec>(spec: S, raw: unknown, path: string): ConfigOf<S> => {
  if (raw === undefined || raw === null) return defaultsOf(spec);
  if (!isObj(raw)) throw bad(path, `must be an object of settings, got ${shown(raw)}`);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(raw)) {
    if (!(k in spec)) throw bad(`${path}.${k}`, `unknown setting (known: ${Object.keys(spec).join(', ')})`);
  }
  for (const [k, f] of Object.entries(spec)) out[k] = k in raw ? parseField(f, raw[k], `${path}.${k}`) : copyDefault(f);
  return out as ConfigOf<S>;
};

/** Pure: the JSON Schema of a spec, with its defaults and descriptions. */
export const jsonSchemaOf = (spec: ConfigSpec): Record<string, unknown> => {
  const property = (f: FieldSpec): Record<string, unknown> => {
    const base = { description: f.description, default: f.default };
    switch (f.type) {
      case 'number':
      case 'integer':
        return { ...base, type: f.type, ...(f.min !== undefined ? { minimum: f.min } : {}), ...(f.max !== undefined ? { maximum: f.max } : {}) };
      case 'boolean':
        return { ...base, type: 'boolean' };
      case 'string':
        return { ...base, type: 'string', maxLength: f.maxLength ?? 200 };
      case 'enum':
        return { ...base, type: 'string', enum: [...f.values] };
      case 'range':
        return { ...base, type: 'array', items: { type: 'number', minimum: f.min, maximum: f.max }, minItems: 2, maxItems: 2 };
      case 'strings':
        return { ...base, type: 'array', items: { type: 'string', maxLength: f.maxLength ?? 200 }, maxItems: f.maxItems ?? 1000 };
    }
  };
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(Object.entries(spec).map(([k, f]) => [k, property(f)])),
  };
};
