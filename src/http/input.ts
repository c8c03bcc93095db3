/**
 * What Elysia's own validation lets through, refused per route by a
 * `transform` hook (`strict(...)`), which runs after the body is parsed and
 * before the schemas are checked; what it throws goes to onError as a 400.
 *
 * - Unknown fields. The app normalizes (Elysia's default, set in app.ts): a
 *   schema with `additionalProperties: false` makes Elysia drop a field it
 *   does not know, silently, so `{ "comment": "x", "coment": "y" }` would be
 *   answered 200. The hook names it first: `unknown field body.coment`.
 * - A JSON body that is not an object (an array, a string, a number, null)
 *   where the schema wants one; a body nested deeper than any route reads.
 * - Query parameters the route does not take, or one given twice (Elysia
 *   keeps the last of `?limit=1&limit=500`).
 * - A body on a route that takes none: without a body schema Elysia never
 *   reads it, so `POST /jobs/x/cancel {"force":true}` would run the cancel.
 *   (The guard already refuses any body that is not JSON, with a 415.)
 */
import type { TSchema } from 'elysia';
import { TypeCompiler } from 'elysia/type-system';
import { AppError } from '../errors.ts';
import { fieldPath, kindOf, summariseValidation } from './errors.ts';

/** Deeper than any body a route takes (a preset is 4 levels): refused before anything walks it. */
export const MAX_BODY_DEPTH = 32;

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  allOf?: Schema[];
};

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Depth of nested arrays and objects, walked without recursion (a hostile body can be very deep). */
const deeperThan = (v: unknown, max: number): boolean => {
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    if (d >= max) return true;
    for (const y of Array.isArray(x) ? x : Object.values(x)) if (typeof y === 'object' && y !== null) stack.push([y, d + 1]);
  }
  return false;
};

/** The object variant of `schema` (itself, or its first object member of a union or intersection), or null. */
const objectSchemaOf = (s: Schema): Schema | null => {
  if (s.type === 'object') return s;
  for (const member of [...(s.anyOf ?? []), ...(s.allOf ?? [])]) {
    const o = objectSchemaOf(member);
    if (o) return o;
  }
  return null;
};

/**
 * The first field of `value` that `schema` does not allow (where it says
 * `additionalProperties: false`), walking only as deep as the schema goes.
 */
const unknownField = (schema: Schema, value: unknown, steps: (string | number)[]): { steps: (string | number)[]; allowed: string[] } | null => {
  if (Array.isArray(value)) {
    const items = schema.items ?? (schema.anyOf ?? []).find((m) => m.type === 'array')?.items;
    if (!items) return null;
    for (let i = 0; i < value.length; i++) {
      const found = unknownField(items, value[i], [...steps, i]);
      if (found) return found;
    }
    return null;
  }
  if (!isPlainObject(value)) return null;
  const o = objectSchemaOf(schema);
  if (!o) return null;
  const properties = o.properties ?? {};
  for (const key of Object.keys(value)) {
    const known = Object.hasOwn(properties, key);
    if (!known && o.additionalProperties === false) return { steps: [...steps, key], allowed: Object.keys(properties) };
    if (known) {
      const found = unknownField(properties[key]!, value[key], [...steps, key]);
      if (found) return found;
    }
  }
  return null;
};

/** The properties a query schema names. */
const queryNames = (query: TSchema | undefined): string[] => Object.keys((query as Schema | undefined)?.properties ?? {});

const checkQuery = (request: Request, allowed: ReadonlySet<string>): void => {
  const q = request.url.indexOf('?');
  if (q === -1) return;
  const seen = new Set<string>();
  for (const key of new URLSearchParams(request.url.slice(q + 1)).keys()) {
    if (!allowed.has(key)) {
      const names = [...allowed];
      throw new AppError(
        'validation',
        `unknown query parameter ${fieldPath('query', [key])} (${names.length ? `this route takes ${names.join(', ')}` : 'this route takes none'})`,
      );
    }
    if (seen.has(key)) throw new AppError('validation', `${fieldPath('query', [key])}: given more than once`);
    seen.add(key);
  }
};

const checkBody = (schema: TSchema, body: unknown): void => {
  if (body === undefined) return; // no body: the schema says whether one is required
  const s = schema as Schema;
  if (objectSchemaOf(s) && !isPlainObject(body)) throw new AppError('validation', `body: must be a JSON object, got ${kindOf(body)}`);
  if (deeperThan(body, MAX_BODY_DEPTH)) throw new AppError('validation', `body: nested deeper than ${MAX_BODY_DEPTH} levels`);
  const found = unknownField(s, body, []);
  if (found) {
    const allowed = found.allowed.length ? ` (allowed here: ${found.allowed.join(', ')})` : '';
    throw new AppError('validation', `unknown field ${fieldPath('body', found.steps)}${allowed}`);
  }
};

/** Reads at most until the first byte: any byte is a body the route does not take. */
const refuseAnyBody = async (request: Request): Promise<void> => {
  if (!request.body || request.bodyUsed) return;
  const reader = request.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value && value.byteLength > 0) throw new AppError('validation', 'body: this route takes no body; send the request without one');
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
};

/**
 * A `parse` hook for a route whose JSON body is optional (`POST /assets/scan`):
 * Elysia's own parser takes malformed JSON in an optional body for no body
 * at all, and the route would run as if none had been sent. No body reads as `{}`.
 */
export const optionalJson = async ({ request }: { request: Request }): Promise<unknown> => {
  const text = await request.text();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('validation', 'body: not valid JSON');
  }
};

export interface StrictInput {
  /** The route's body schema, or `false` when it takes no body. */
  body: TSchema | false;
  /**
   * Check the whole body against `body` here, for a route that gives Elysia
   * no `body:` schema (so the OpenAPI document shows the model by its
   * $ref, where a route's own schema would be written out inline).
   */
  validate?: boolean;
  /** The route's query schema; none: the route takes no query parameters. */
  query?: TSchema;
  /** Query parameters read before routing (the guard's `ticket` on event streams). */
  alsoQuery?: readonly string[];
}

/**
 * A `transform` hook for a route: refuses unknown fields and query
 * parameters, a body that is not the JSON object its schema wants, and any
 * body where the route takes none. Give it the same schemas as the route.
 */
export const strict = (shape: StrictInput) => {
  const allowed = new Set([...queryNames(shape.query), ...(shape.alsoQuery ?? [])]);
  const bodySchema = shape.body;
  if (bodySchema === false) {
    // Only `request` is read: Elysia infers from a hook's parameters what to parse, and this route's body stays unparsed.
    return async ({ request }: { request: Request }) => {
      checkQuery(request, allowed);
      await refuseAnyBody(request);
    };
  }
  const compiled = shape.validate ? TypeCompiler.Compile(bodySchema) : null;
  return ({ request, body }: { request: Request; body: unknown }) => {
    checkQuery(request, allowed);
    checkBody(bodySchema, body);
    if (compiled && !compiled.Check(body)) {
      throw new AppError(
        'validation',
        body === undefined ? 'body: a JSON object is required' : summariseValidation({ type: 'body', valueError: compiled.Errors(body).First() }),
      );
    }
  };
};
