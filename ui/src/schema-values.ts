/**
 * A stage setting as a form edits it (pure, tested in schema-values.test.ts):
 * which input a JSON Schema property gets, its value as text and back, and
 * the checks the server makes (src/work/detect/config-spec.ts), so a bad
 * value is named at its field before anything is sent.
 */

/** The part of a JSON Schema property the stages' schemas use. */
export interface SchemaProp {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  items?: SchemaProp;
  minItems?: number;
  maxItems?: number;
}

export type FieldKind = 'boolean' | 'enum' | 'number' | 'integer' | 'string' | 'list' | 'json';

/** Typed text that does not parse: kept, so the field shows it and Save is held back. */
export class Unparsed {
  constructor(
    readonly text: string,
    readonly message: string,
  ) {}
}

const isScalarType = (t: string | undefined) => t === 'number' || t === 'integer' || t === 'string';

export const kindOf = (p: SchemaProp): FieldKind => {
  if (Array.isArray(p.enum)) return 'enum';
  if (p.type === 'boolean' || p.type === 'number' || p.type === 'integer' || p.type === 'string') return p.type;
  // Lists of numbers or strings are typed as comma lists; anything deeper as JSON.
  if (p.type === 'array' && isScalarType(p.items?.type) && !Array.isArray(p.items?.enum)) return 'list';
  return 'json';
};

/** The text a field shows for `value`. */
export const textOf = (p: SchemaProp, value: unknown): string => {
  if (value instanceof Unparsed) return value.text;
  switch (kindOf(p)) {
    case 'list':
      return Array.isArray(value) ? value.map(String).join(', ') : '';
    case 'json':
      return value === undefined ? '' : JSON.stringify(value);
    default:
      return value === undefined || value === null ? '' : String(value);
  }
};

const numberOf = (text: string, integer: boolean): number | Unparsed => {
  const t = text.trim();
  const n = t === '' ? Number.NaN : Number(t);
  if (!Number.isFinite(n)) return new Unparsed(text, integer ? 'Type a whole number.' : 'Type a number.');
  return n;
};

/** The value of typed `text` for a number, integer, string, comma list or JSON field (an Unparsed when it does not parse). */
export const parseText = (p: SchemaProp, text: string): unknown => {
  switch (kindOf(p)) {
    case 'number':
      return numberOf(text, false);
    case 'integer':
      return numberOf(text, true);
    case 'list': {
      if (text.trim() === '') return [];
      const parts = text.split(',').map((s) => s.trim());
      if (p.items?.type === 'string') return parts.filter((s) => s !== '');
      const nums = parts.map((s) => numberOf(s, p.items?.type === 'integer'));
      const bad = nums.findIndex((n) => n instanceof Unparsed);
      return bad >= 0 ? new Unparsed(text, `Item ${bad + 1} is not a number: write numbers separated by commas.`) : nums;
    }
    case 'json':
      try {
        return JSON.parse(text);
      } catch {
        return new Unparsed(text, 'Write valid JSON.');
      }
    default:
      return text;
  }
};

const checkScalar = (p: SchemaProp, v: unknown): string | null => {
  switch (p.type) {
    case 'number':
    case 'integer':
      if (typeof v !== 'number' || !Number.isFinite(v)) return 'Must be a number.';
      if (p.type === 'integer' && !Number.isInteger(v)) return 'Must be a whole number.';
      if (p.minimum !== undefined && v < p.minimum) return `Must be at least ${p.minimum}.`;
      if (p.maximum !== undefined && v > p.maximum) return `Must be at most ${p.maximum}.`;
      return null;
    case 'boolean':
      return typeof v === 'boolean' ? null : 'Must be true or false.';
    case 'string':
      if (typeof v !== 'string') return 'Must be text.';
      if (p.maxLength !== undefined && v.length > p.maxLength) return `Must be at most ${p.maxLength} characters.`;
      return null;
    default:
      return null;
  }
};

/** What is wrong with `value` for property `p`, as a sentence, or null. */
export const checkValue = (p: SchemaProp, value: unknown): string | null => {
  if (value instanceof Unparsed) return value.message;
  if (Array.isArray(p.enum)) return p.enum.includes(value) ? null : `Must be one of ${p.enum.join(', ')}.`;
  if (p.type !== 'array') return checkScalar(p, value);
  if (!Array.isArray(value)) return 'Must be a list.';
  if (p.minItems !== undefined && p.minItems === p.maxItems && value.length !== p.minItems) return `Must hold exactly ${p.minItems} items.`;
  if (p.minItems !== undefined && value.length < p.minItems) return `Must hold at least ${p.minItems} items.`;
  if (p.maxItems !== undefined && value.length > p.maxItems) return `Must hold at most ${p.maxItems} items.`;
  if (p.items) {
    for (let i = 0; i < value.length; i++) {
      const m = checkValue(p.items, value[i]);
      if (m) return `Item ${i + 1}: ${m[0]!.toLowerCase()}${m.slice(1)}`;
    }
  }
  return null;
};

/** Deep equality of JSON values (a setting left at its default is not saved). */
export const sameValue = (a: unknown, b: unknown): boolean => {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
};

/** The properties of a stage's schema, in the order given. */
export const propertiesOf = (schema: Record<string, unknown>): [string, SchemaProp][] => {
  const props = schema.properties;
  return props && typeof props === 'object' ? (Object.entries(props) as [string, SchemaProp][]) : [];
};
