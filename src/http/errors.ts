/** The one place that maps errors to HTTP: `{ error: { code, message } }` with the right status. */
import { AppError, type ErrorCode, isDiskFull } from '../errors.ts';

export const STATUS: Record<ErrorCode, number> = {
  validation: 400,
  not_found: 404,
  invalid_state: 409,
  conflict: 409,
  too_large: 413,
  corrupt: 422,
  unavailable: 503,
  insufficient_storage: 507,
  unrecoverable: 500,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  unsupported_media_type: 415,
};

export interface ErrorBody {
  error: { code: string; message: string };
}

/** Longest message answered: a message quoting what was sent must not echo megabytes back. */
export const MAX_MESSAGE = 600;
/** Control, bidi and invisible characters, and line separators: a message shows them as \uXXXX, never raw. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is what it is for.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff]/g;

/** A message as it may be answered (and logged): unsafe characters escaped, cut to MAX_MESSAGE. */
export const printable = (message: string): string => {
  const safe = message.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return safe.length > MAX_MESSAGE ? `${safe.slice(0, MAX_MESSAGE - 1)}…` : safe;
};

const answer = (status: number, code: string, message: string) => ({ status, body: { error: { code, message: printable(message) } } });

export const toErrorResponse = (e: unknown, elysiaCode?: string | number): { status: number; body: ErrorBody } => {
  if (e instanceof AppError) return answer(STATUS[e.code], e.code, e.message);
  if (elysiaCode === 'VALIDATION') return answer(400, 'validation', summariseValidation(e));
  if (elysiaCode === 'PARSE') {
    // A parse hook's own refusal arrives wrapped in Elysia's ParseError.
    const cause = (e as { cause?: unknown }).cause;
    if (cause instanceof AppError) return answer(STATUS[cause.code], cause.code, cause.message);
    return answer(400, 'validation', 'body: not valid JSON');
  }
  if (elysiaCode === 'NOT_FOUND') return answer(404, 'not_found', 'no such route');
  // A write a full data disk refused (a read model, a session): what is stored is still served.
  if (isDiskFull(e))
    return answer(507, 'insufficient_storage', "disk full: the server's data folder has no room left; writes fail until space is freed (reads still work)");
  return answer(500, 'internal', 'internal error; see the server log');
};

// --- Elysia's validation errors, in words -------------------------------------

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const cut = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** `body.video.rungs[0].height`; odd keys JSON-quoted and cut short. */
export const fieldPath = (root: string, steps: readonly (string | number)[]): string =>
  steps.reduce<string>((at, k) => (typeof k === 'number' ? `${at}[${k}]` : IDENTIFIER.test(k) ? `${at}.${k}` : `${at}[${JSON.stringify(cut(k))}]`), root);

/** What a value is, for "got …" in a message (never the value itself: it may be huge or hostile). */
export const kindOf = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a whole number' : 'a number';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return typeof v;
};

/** TypeBox's ValueErrorType numbers (typebox/errors), the ones given their own sentence. */
const E = {
  ArrayMaxItems: 2,
  ArrayMinItems: 4,
  ArrayUniqueItems: 5,
  Array: 6,
  Boolean: 14,
  IntegerExclusiveMaximum: 22,
  IntegerExclusiveMinimum: 23,
  IntegerMaximum: 24,
  IntegerMinimum: 25,
  IntegerMultipleOf: 26,
  Integer: 27,
  Kind: 31,
  Literal: 32,
  Null: 35,
  NumberExclusiveMaximum: 36,
  NumberExclusiveMinimum: 37,
  NumberMaximum: 38,
  NumberMinimum: 39,
  NumberMultipleOf: 40,
  Number: 41,
  ObjectAdditionalProperties: 42,
  ObjectMaxProperties: 43,
  ObjectMinProperties: 44,
  ObjectRequiredProperty: 45,
  Object: 46,
  StringFormat: 50,
  StringMaxLength: 51,
  StringMinLength: 52,
  StringPattern: 53,
  String: 54,
  Undefined: 61,
  Union: 62,
} as const;

type SchemaLike = {
  type?: string;
  const?: unknown;
  anyOf?: SchemaLike[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  pattern?: string;
  format?: string;
  description?: string;
};
interface ValueError {
  type: number;
  path: string;
  schema: SchemaLike;
  value: unknown;
  message: string;
  /** A union's errors, one iterator per member. */
  errors?: Iterable<ValueError>[];
}

const PARTS = new Set(['body', 'query', 'params', 'headers', 'cookie']);

/** JSON pointer (`/video/rungs/0/height`) → steps, array indexes as numbers. */
const stepsOf = (pointer: string): (string | number)[] =>
  pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
        .map((s) => (/^(0|[1-9]\d{0,8})$/.test(s) ? Number(s) : s));

const firstOf = (it: Iterable<ValueError>): ValueError | undefined => {
  for (const e of it) return e;
  return undefined;
};

/**
 * The error to explain: a union's own error says only "expected union
 * value", so go into the member that got furthest (`video` as an object or
 * null: the object's own field at fault), unless every member is a constant.
 */
const deepest = (e: ValueError): ValueError => {
  if (e.type !== E.Union || !e.errors?.length || isEnum(e.schema)) return e;
  const firsts = e.errors.map(firstOf).filter((x): x is ValueError => x !== undefined && x.type !== E.Null && x.type !== E.Undefined);
  const best = firsts.sort((a, b) => b.path.length - a.path.length)[0];
  return best && (best.path.length > e.path.length || firsts.length === 1) ? deepest(best) : e;
};

const isEnum = (s: SchemaLike): boolean => !!s.anyOf?.length && s.anyOf.every((m) => m.const !== undefined || m.type === 'null');

const range = (s: SchemaLike): string => {
  if (s.minimum !== undefined && s.maximum !== undefined) return ` from ${s.minimum} to ${s.maximum}`;
  if (s.minimum !== undefined) return ` of at least ${s.minimum}`;
  if (s.maximum !== undefined) return ` of at most ${s.maximum}`;
  return '';
};

const typeWords = (s: SchemaLike): string => {
  if (s.const !== undefined) return JSON.stringify(s.const);
  switch (s.type) {
    case 'string':
      return 'a string';
    case 'integer':
      return `a whole number${range(s)}`;
    case 'number':
      return `a number${range(s)}`;
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'a JSON object';
    case 'array':
      return 'a list';
    case 'null':
      return 'null';
    default:
      return s.anyOf ? s.anyOf.map(typeWords).join(' or ') : 'a valid value';
  }
};

/** What is wrong with the value at one place, as the end of a sentence. */
const problem = (e: ValueError, part: string): string => {
  const s = e.schema;
  if (e.value === undefined && e.type !== E.Undefined) return 'is required';
  const got = `, got ${kindOf(e.value)}`;
  switch (e.type) {
    case E.ObjectRequiredProperty:
      return 'is required';
    case E.Object:
      return `must be a JSON object${got}`;
    case E.String:
      return part === 'params' && e.value === null ? 'is not valid percent-encoding' : `must be a string${got}`;
    case E.StringMaxLength:
      return `must be at most ${s.maxLength} characters`;
    case E.StringMinLength:
      return s.minLength === 1 ? 'must not be empty' : `must be at least ${s.minLength} characters`;
    case E.StringPattern:
      return s.description ? `is not a valid ${s.description}` : `must match ${s.pattern}`;
    case E.StringFormat:
      return `must be a ${s.format}`;
    case E.IntegerMaximum:
    case E.NumberMaximum:
      return `must be at most ${s.maximum}`;
    case E.IntegerMinimum:
    case E.NumberMinimum:
      return `must be at least ${s.minimum}`;
    case E.IntegerExclusiveMaximum:
    case E.NumberExclusiveMaximum:
      return `must be less than ${s.exclusiveMaximum}`;
    case E.IntegerExclusiveMinimum:
    case E.NumberExclusiveMinimum:
      return `must be more than ${s.exclusiveMinimum}`;
    case E.IntegerMultipleOf:
    case E.NumberMultipleOf:
      return `must be a multiple of ${s.multipleOf}`;
    case E.Integer:
      return `must be a whole number${got}`;
    case E.Number:
      return `must be a number${got}`;
    case E.Boolean:
      return `must be true or false${got}`;
    case E.Array:
      return `must be a list${got}`;
    case E.ArrayMaxItems:
      return `must have at most ${s.maxItems} items`;
    case E.ArrayMinItems:
      return `must have at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`;
    case E.ArrayUniqueItems:
      return 'must not repeat an item';
    case E.ObjectMaxProperties:
      return `must have at most ${s.maxProperties} fields`;
    case E.ObjectMinProperties:
      return `must have at least ${s.minProperties} field${s.minProperties === 1 ? '' : 's'}`;
    case E.Literal:
      return `must be ${JSON.stringify(s.const)}`;
    case E.Null:
      return `must be null${got}`;
    case E.Undefined:
      return part === 'body' && e.path === '' ? 'this route takes no body' : 'must be left out';
    case E.Union:
      return isEnum(s) ? `must be one of ${s.anyOf!.map((m) => (m.type === 'null' ? 'null' : String(m.const))).join(', ')}` : `must be ${typeWords(s)}${got}`;
    case E.Kind: // our own kinds (schema-kinds.ts): their JSON Schema type says what they take
      return `must be ${typeWords(s)}${(s.type === 'integer' || s.type === 'number') && typeof e.value === 'number' ? '' : got}`;
    default:
      return e.message ? e.message.charAt(0).toLowerCase() + e.message.slice(1) : 'is not valid';
  }
};

/**
 * Elysia's ValidationError as one sentence naming the field:
 * `body.video.rungs[0].height: must be at most 4320`, `unknown field body.foo`.
 */
export const summariseValidation = (e: unknown): string => {
  const v = e as { type?: string; valueError?: ValueError; all?: ValueError[] };
  const part = v.type && PARTS.has(v.type) ? v.type : 'request';
  let first: ValueError | undefined;
  try {
    first = v.valueError ?? (Array.isArray(v.all) ? v.all[0] : undefined);
  } catch {
    first = undefined; // `all` runs the validator again; a value it cannot walk is no reason for a 500
  }
  if (!first || typeof first.path !== 'string') return `${part}: not valid`;
  const err = deepest(first);
  const at = fieldPath(part, stepsOf(err.path));
  if (err.type === E.ObjectAdditionalProperties) return `unknown field ${at}`;
  return `${at}: ${problem(err, part)}`;
};
