/**
 * A read-model table described once: its columns make the schema, and rows
 * load and save as plain objects (JSON columns parsed and stringified).
 */
import type { Database, SQLQueryBindings } from 'bun:sqlite';

export type ColumnType = 'TEXT' | 'INTEGER' | 'REAL' | 'JSON';

export interface TableSpec<V> {
  name: string;
  /** Primary key columns. */
  key: readonly (keyof V & string)[];
  columns: { readonly [K in keyof V & string]: ColumnType };
  /** Extra indexes, as column lists. */
  indexes?: readonly (readonly (keyof V & string)[])[];
}

export interface Table<V> {
  spec: TableSpec<V>;
  create(db: Database): void;
  drop(db: Database): void;
  load(db: Database, key: readonly unknown[]): V | null;
  save(db: Database, row: V): void;
  remove(db: Database, key: readonly unknown[]): void;
  /** Every row in key order: what `rebuild` must reproduce exactly. */
  dump(db: Database): V[];
  /** The rows whose leading key columns equal `prefix` (e.g. every chunk of one job), in key order. */
  under(db: Database, prefix: readonly unknown[]): V[];
  /** Rows matching an SQL tail (`WHERE … ORDER BY … LIMIT …`) with its parameters, decoded like `load`. */
  select(db: Database, tail: string, params?: SQLQueryBindings[]): V[];
  count(db: Database, where: string, params?: SQLQueryBindings[]): number;
}

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

export const defineTable = <V>(spec: TableSpec<V>): Table<V> => {
  const cols = Object.keys(spec.columns) as (keyof V & string)[];
  const json = cols.filter((c) => spec.columns[c] === 'JSON');
  const where = spec.key.map((k) => `${ident(k)} = ?`).join(' AND ');
  const orderBy = spec.key.map(ident).join(', ');

  const decode = (raw: Record<string, unknown> | null): V | null => {
    if (!raw) return null;
    for (const c of json) raw[c] = raw[c] === null ? null : JSON.parse(raw[c] as string);
    return raw as V;
  };
  const encode = (row: V): (string | number | null)[] =>
    cols.map((c) => {
      const v = row[c] as unknown;
      if (json.includes(c)) return v === undefined ? null : JSON.stringify(v);
      return (v ?? null) as string | number | null;
    });

  return {
    spec,
    create(db) {
      const defs = cols.map((c) => `${ident(c)} ${spec.columns[c] === 'JSON' ? 'TEXT' : spec.columns[c]}`);
      db.run(`CREATE TABLE IF NOT EXISTS ${ident(spec.name)} (${defs.join(', ')}, PRIMARY KEY (${orderBy}))`);
      for (const idx of spec.indexes ?? []) {
        db.run(`CREATE INDEX IF NOT EXISTS ${ident(`${spec.name}_${idx.join('_')}`)} ON ${ident(spec.name)} (${idx.map(ident).join(', ')})`);
      }
    },
    drop(db) {
      db.run(`DROP TABLE IF EXISTS ${ident(spec.name)}`);
    },
    load(db, key) {
      return decode(
        db.query<Record<string, unknown>, SQLQueryBindings[]>(`SELECT * FROM ${ident(spec.name)} WHERE ${where}`).get(...(key as SQLQueryBindings[])),
      );
    },
    save(db, row) {
      db.query(`INSERT OR REPLACE INTO ${ident(spec.name)} (${cols.map(ident).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(
        ...(encode(row) as never[]),
      );
    },
    remove(db, key) {
      db.query(`DELETE FROM ${ident(spec.name)} WHERE ${where}`).run(...(key as never[]));
    },
    dump(db) {
      return db
        .query<Record<string, unknown>, []>(`SELECT * FROM ${ident(spec.name)} ORDER BY ${orderBy}`)
        .all()
        .map((r) => decode(r)!);
    },
    under(db, prefix) {
      if (prefix.length === 0 || prefix.length > spec.key.length) throw new Error(`table ${spec.name}: a key prefix has 1 to ${spec.key.length} columns`);
      const match = spec.key
        .slice(0, prefix.length)
        .map((k) => `${ident(k)} = ?`)
        .join(' AND ');
      return db
        .query<Record<string, unknown>, SQLQueryBindings[]>(`SELECT * FROM ${ident(spec.name)} WHERE ${match} ORDER BY ${orderBy}`)
        .all(...(prefix as SQLQueryBindings[]))
        .map((r) => decode(r)!);
    },
    select(db, tail, params = []) {
      return db
        .query<Record<string, unknown>, SQLQueryBindings[]>(`SELECT * FROM ${ident(spec.name)} ${tail}`)
        .all(...params)
        .map((r) => decode(r)!);
    },
    count(db, where, params = []) {
      return db.query<{ n: number }, SQLQueryBindings[]>(`SELECT count(*) AS n FROM ${ident(spec.name)} ${where}`).get(...params)!.n;
    },
  };
};
