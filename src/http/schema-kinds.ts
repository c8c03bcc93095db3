/**
 * Custom TypeBox kinds for the API's schemas (schemas.ts): they document a
 * type while leaving the check to the handler, which answers a 400 naming
 * the parameter in its own words.
 */
import { t, type TSchema } from 'elysia';
import { TypeRegistry } from 'elysia/type-system';

// Custom TypeBox kinds: TypeCompiler calls the registry for kinds it does not know.
const KIND = Symbol.for('TypeBox.Kind');
const DOCUMENTED = 'MprDocumented';
const INTEGER = 'MprInteger';
if (!TypeRegistry.Has(DOCUMENTED)) TypeRegistry.Set(DOCUMENTED, () => true);
if (!TypeRegistry.Has(INTEGER)) {
  TypeRegistry.Set(
    INTEGER,
    (s: { minimum?: number; maximum?: number }, v: unknown) =>
      typeof v === 'number' && Number.isInteger(v) && (s.minimum === undefined || v >= s.minimum) && (s.maximum === undefined || v <= s.maximum),
  );
}

type IntOptions = { description?: string; minimum?: number; maximum?: number; default?: number };

/** A plain JSON Schema integer: Elysia's t.Integer also takes numeric strings, and documents itself as string-or-integer. */
export const int = (o: IntOptions = {}) => t.Unsafe<number>({ [KIND]: INTEGER, type: 'integer', ...o });

/**
 * `schema` as the document shows it; the validator lets any value through
 * to the handler's own checks. `R` is what the handler receives: a string
 * in a query, anything in a body.
 */
export const documented = <R = string>(schema: TSchema) => t.Unsafe<R>({ ...schema, [KIND]: DOCUMENTED });

/**
 * A body field documented as `schema` and passed to the handler as sent.
 * Wrapped in allOf, because Elysia's body cleaner rebuilds any value whose
 * schema says `type: object` from that schema's properties (dropping the
 * unknown field the handler should name in its 400, or turning "1-2" into {}).
 */
export const uncheckedField = (schema: TSchema, description?: string) =>
  t.Unsafe<unknown>({ allOf: [schema], ...(description ? { description } : {}), [KIND]: DOCUMENTED });

/** A whole-number query parameter: `integer` in the document, checked by the handler (a 400 naming it). */
export const queryInteger = (description: string, range: Omit<IntOptions, 'description'> = {}) => t.Optional(documented(int({ description, ...range })));

export const nullable = <T extends TSchema>(s: T) => t.Union([s, t.Null()]);
export const iso = (description?: string) => t.String({ format: 'date-time', ...(description ? { description } : {}) });
/** A page of results and the total that match. */
export const items = <T extends TSchema>(item: T, description: string) =>
  t.Object({ items: t.Array(item), total: int({ minimum: 0, description }) }, { description: 'A page of results and the total that match' });
