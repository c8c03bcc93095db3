/**
 * A stage's settings as a form, from the JSON Schema the server answers
 * (src/work/detect/config-spec.ts: numbers and integers with minimum and
 * maximum, booleans, strings with maxLength, enums, number pairs and string
 * lists as arrays; nested objects are read too, their keys dotted). Pure, and
 * the one place every settings form (the stage inspector, the profile
 * editor, the quick look's sliders) reads a schema: fields from a schema,
 * values as text and typed text back, the checks the server makes (so a
 * message shows at the field before anything is sent), the overrides a
 * replay sends, and the field a refusal names.
 */

export type FieldKind = 'number' | 'integer' | 'boolean' | 'string' | 'enum' | 'numbers' | 'strings' | 'json';

export interface FormField {
  /** The config key; dotted for a nested object's (`a.b`). */
  key: string;
  /** The last part of the key in words: `min_similarity` → "min similarity". */
  label: string;
  description: string;
  kind: FieldKind;
  required: boolean;
  /** The schema's default (the profile editor shows it, the quick look steps by it). */
  default?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  /** An enum's values. */
  options?: string[];
  minItems?: number;
  maxItems?: number;
  /** An array's items: their bounds, and whether they are whole numbers. */
  itemMinimum?: number;
  itemMaximum?: number;
  itemInteger?: boolean;
  itemMaxLength?: number;
}

/** What an input holds: text, or a checkbox's state. */
export type FieldInput = string | boolean;

type Schema = Record<string, unknown>;

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

const kindOf = (s: Schema): FieldKind => {
  if (Array.isArray(s.enum) && s.enum.every((v) => typeof v === 'string')) return 'enum';
  if (s.type === 'number' || s.type === 'integer' || s.type === 'boolean' || s.type === 'string') return s.type;
  if (s.type === 'array' && isObj(s.items)) {
    if (s.items.type === 'number' || s.items.type === 'integer') return 'numbers';
    if (s.items.type === 'string') return 'strings';
  }
  return 'json';
};

/** The schema's properties as fields, in the schema's order; a nested object's properties follow as `parent.child`. */
export const fieldsOf = (schema: Schema, prefix = ''): FormField[] => {
  const props = isObj(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? (schema.required as unknown[]) : [];
  const out: FormField[] = [];
  for (const [name, raw] of Object.entries(props)) {
    if (!isObj(raw)) continue;
    const key = `${prefix}${name}`;
    if (raw.type === 'object' && isObj(raw.properties)) {
      out.push(...fieldsOf(raw, `${key}.`));
      continue;
    }
    const kind = kindOf(raw);
    const items = isObj(raw.items) ? raw.items : {};
    const f: FormField = {
      key,
      label: name.replace(/_/g, ' '),
      description: typeof raw.description === 'string' ? raw.description : '',
      kind,
      required: required.includes(name),
    };
    if (raw.default !== undefined) f.default = raw.default;
    if (num(raw.minimum) !== undefined) f.minimum = num(raw.minimum);
    if (num(raw.maximum) !== undefined) f.maximum = num(raw.maximum);
    if (num(raw.maxLength) !== undefined) f.maxLength = num(raw.maxLength);
    if (kind === 'enum') f.options = (raw.enum as string[]).slice();
    if (num(raw.minItems) !== undefined) f.minItems = num(raw.minItems);
    if (num(raw.maxItems) !== undefined) f.maxItems = num(raw.maxItems);
    if (num(items.minimum) !== undefined) f.itemMinimum = num(items.minimum);
    if (num(items.maximum) !== undefined) f.itemMaximum = num(items.maximum);
    if (items.type === 'integer') f.itemInteger = true;
    if (num(items.maxLength) !== undefined) f.itemMaxLength = num(items.maxLength);
    out.push(f);
  }
  return out;
};

/** The value at a dotted key. */
export const getPath = (obj: Record<string, unknown>, key: string): unknown => key.split('.').reduce<unknown>((at, k) => (isObj(at) ? at[k] : undefined), obj);

/** A copy of `obj` with the value at a dotted key replaced (objects on the way copied, made where missing). */
export const setPath = (obj: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> => {
  const [head, ...rest] = key.split('.') as [string, ...string[]];
  if (rest.length === 0) return { ...obj, [head]: value };
  const inner = isObj(obj[head]) ? (obj[head] as Record<string, unknown>) : {};
  return { ...obj, [head]: setPath(inner, rest.join('.'), value) };
};

/** Plain JSON compared by value (key order aside); NaN (a blank number typed) equals NaN. */
export const sameValue = (a: unknown, b: unknown): boolean => {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && sameValue(a[k], b[k]));
  }
  return false;
};

/** Typed text that does not parse: kept as a value, so the field still shows it and its message holds Save back. */
export class Unparsed {
  constructor(
    readonly text: string,
    readonly message: string,
  ) {}
}

/** A value as its input shows it: number pairs as "35, 85", string lists one a line, an Unparsed as it was typed. */
export const toInput = (f: FormField, value: unknown): FieldInput => {
  if (value instanceof Unparsed) return value.text;
  if (f.kind === 'boolean') return value === true;
  if (value === undefined || value === null) return '';
  if (f.kind === 'numbers' && Array.isArray(value)) return value.join(', ');
  if (f.kind === 'strings' && Array.isArray(value)) return value.join('\n');
  if (f.kind === 'json') return JSON.stringify(value);
  return String(value);
};

/** A value in words: lists with commas, objects as JSON (what a run used, a default). */
export const shownValue = (v: unknown): string =>
  v === undefined ? 'unset' : Array.isArray(v) ? v.join(', ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const bound = (n: number) => String(n);

/** What the server would say about a number, as a sentence (null: fine). */
const checkNumber = (n: number, integer: boolean, min: number | undefined, max: number | undefined): string | null => {
  if (integer && !Number.isInteger(n)) return 'Must be a whole number.';
  if (min !== undefined && n < min) return `Must be at least ${bound(min)}.`;
  if (max !== undefined && n > max) return `Must be at most ${bound(max)}.`;
  return null;
};

/** The checks the schema states (type, minimum/maximum, enum, length, items), as a sentence; null when the value passes. */
export const validateValue = (f: FormField, v: unknown): string | null => {
  if (v instanceof Unparsed) return v.message;
  if (v === undefined) return f.required ? 'Required.' : null;
  switch (f.kind) {
    case 'number':
    case 'integer':
      if (typeof v !== 'number' || !Number.isFinite(v)) return f.kind === 'integer' ? 'Must be a whole number.' : 'Must be a number.';
      return checkNumber(v, f.kind === 'integer', f.minimum, f.maximum);
    case 'boolean':
      return typeof v === 'boolean' ? null : 'Must be true or false.';
    case 'string':
      if (typeof v !== 'string') return 'Must be text.';
      if (f.required && v.trim() === '') return 'Required.';
      return f.maxLength !== undefined && v.length > f.maxLength ? `Must be at most ${f.maxLength} characters.` : null;
    case 'enum':
      return typeof v === 'string' && f.options?.includes(v) ? null : `Must be one of ${f.options?.join(', ')}.`;
    case 'numbers':
    case 'strings': {
      if (!Array.isArray(v)) return f.kind === 'numbers' ? 'Must be a list of numbers.' : 'Must be a list of text.';
      const { minItems: lo, maxItems: hi } = f;
      if (lo !== undefined && lo === hi && v.length !== lo) return `Must hold ${lo} ${f.kind === 'numbers' ? 'numbers' : 'items'}.`;
      if (lo !== undefined && v.length < lo) return `Must hold at least ${lo} items.`;
      if (hi !== undefined && v.length > hi) return `Must hold at most ${hi} items.`;
      for (const [i, x] of v.entries()) {
        const which = `Item ${i + 1}`;
        if (f.kind === 'numbers') {
          if (typeof x !== 'number' || !Number.isFinite(x)) return `${which} must be a number.`;
          const bad = checkNumber(x, f.itemInteger === true, f.itemMinimum, f.itemMaximum);
          if (bad) return `${which} ${bad[0]!.toLowerCase()}${bad.slice(1)}`;
        } else if (typeof x !== 'string') return `${which} must be text.`;
        else if (f.itemMaxLength !== undefined && x.length > f.itemMaxLength) return `${which} must be at most ${f.itemMaxLength} characters.`;
      }
      return null;
    }
    case 'json':
      return null;
  }
};

/** Typed text as a value of the field's kind (a checkbox's aside), before the schema's checks; an Unparsed (keeping the text) when it cannot be one. */
export const parseText = (f: FormField, text: string): unknown => {
  const fail = (message: string) => new Unparsed(text, message);
  switch (f.kind) {
    case 'number':
    case 'integer': {
      const t = text.trim();
      if (t === '') return fail(f.kind === 'integer' ? 'Type a whole number.' : 'Type a number.');
      return NUMBER.test(t) ? Number(t) : fail(f.kind === 'integer' ? 'Must be a whole number.' : 'Must be a number.');
    }
    case 'numbers': {
      const parts = text
        .split(/[\s,;]+/)
        .map((s) => s.trim())
        .filter(Boolean);
      const badAt = parts.findIndex((s) => !NUMBER.test(s));
      return badAt >= 0 ? fail(`Item ${badAt + 1} (${parts[badAt]}) is not a number: separate numbers with commas.`) : parts.map(Number);
    }
    case 'strings':
      return text
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'json': {
      if (text.trim() === '') return undefined;
      try {
        return JSON.parse(text);
      } catch {
        return fail('Must be JSON.');
      }
    }
    default:
      return text;
  }
};

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** An input's text (or a checkbox's state) as a typed value, checked; a message when it cannot be one. */
export const parseInput = (f: FormField, input: FieldInput): Parsed => {
  const value = f.kind === 'boolean' ? input === true : parseText(f, typeof input === 'string' ? input : String(input));
  const error = validateValue(f, value);
  return error ? { ok: false, error } : { ok: true, value };
};

export interface FormRead {
  /** Each field's typed value (a field that does not parse keeps the config's). */
  values: Record<string, unknown>;
  /** Each field's message, by key. */
  errors: Record<string, string>;
}

/** Every field read: the edited ones from `inputs`, the rest from `config`. */
export const readForm = (fields: FormField[], inputs: Record<string, FieldInput>, config: Record<string, unknown>): FormRead => {
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const current = getPath(config, f.key);
    if (!(f.key in inputs)) {
      values[f.key] = current;
      continue;
    }
    const r = parseInput(f, inputs[f.key]!);
    if (r.ok) values[f.key] = r.value;
    else {
      values[f.key] = current;
      errors[f.key] = r.error;
    }
  }
  return { values, errors };
};

/** The keys whose value differs from the config's. */
export const changedKeys = (fields: FormField[], values: Record<string, unknown>, config: Record<string, unknown>): string[] =>
  fields.filter((f) => f.key in values && !sameValue(values[f.key], getPath(config, f.key))).map((f) => f.key);

/**
 * The overrides a replay sends: the top-level settings that changed. The
 * server lays them over the stage's config one level deep, so a nested
 * object goes whole (the config's, with the changes made in it).
 */
export const overridesOf = (fields: FormField[], values: Record<string, unknown>, config: Record<string, unknown>): Record<string, unknown> => {
  let out: Record<string, unknown> = {};
  for (const key of changedKeys(fields, values, config)) {
    const top = key.split('.')[0]!;
    if (top === key) out[key] = values[key];
    else {
      const base = isObj(out[top]) ? (out[top] as Record<string, unknown>) : isObj(config[top]) ? (config[top] as Record<string, unknown>) : {};
      out = { ...out, [top]: setPath(base, key.slice(top.length + 1), values[key]) };
    }
  }
  return out;
};

const PATH = /^([A-Za-z_]\w*(?:\[\d+\]|\.[A-Za-z_]\w*)*)\s*:\s*([\s\S]*)$/;

const asSentence = (text: string): string => {
  const t = text.trim();
  if (!t) return 'This value is not accepted.';
  const s = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
};

/**
 * Which field a refusal is about, and what it says without the path. The
 * server names the field under where the value sat: `overrides.min_similarity:
 * must be at most 1, got 2` for a replay, `configs.ocr.det_width` or
 * `configOverrides.ocr.det_width` for a run, or `ocr.det_width`; an item of
 * a list as `hue[0]`. A message that names no field of the form keeps its
 * words whole (null field: shown above the button).
 */
export const refusalField = (message: string, keys: string[], stage?: string): { field: string | null; text: string } => {
  const m = PATH.exec(message.trim());
  if (m) {
    let path = m[1]!.replace(/\[\d+\]/g, '');
    const prefixes = ['overrides.', ...(stage ? [`configOverrides.${stage}.`, `configs.${stage}.`, `${stage}.`] : [])];
    for (const p of prefixes) {
      if (path.startsWith(p)) {
        path = path.slice(p.length);
        break;
      }
    }
    const field = keys.filter((k) => path === k || path.startsWith(`${k}.`)).sort((a, b) => b.length - a.length)[0];
    if (field) return { field, text: asSentence(m[2]!) };
  }
  const whole = message.trim();
  return { field: null, text: /^[\w.[\]]+:/.test(whole) ? (/[.!?]$/.test(whole) ? whole : `${whole}.`) : asSentence(whole) };
};
