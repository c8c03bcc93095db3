/**
 * A stage's numeric settings as sliders, read from the JSON Schema the
 * server describes the stage with (`GET /detect/config/stages/:stage`, made
 * by src/work/detect/config-spec.ts): every number and whole number, and
 * each end of a [low, high] range (`hue[0]`, `hue[1]`: the paths the
 * server's refusals name). Pure.
 */
import { fieldsOf, sameValue } from '../schema-form.ts';

export interface SettingField {
  /** The value's path, as the server names it in an error: `canny_low`, `hue[0]`. */
  path: string;
  /** The setting it belongs to, and which end of a range (null: a plain number). */
  key: string;
  index: 0 | 1 | null;
  label: string;
  description: string;
  min: number;
  max: number;
  step: number;
  integer: boolean;
}

export type Settings = Record<string, unknown>;

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

/** Pure: `canny_low` → "Canny low". */
export const labelOf = (key: string): string => {
  const s = key.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
};

/**
 * Pure: a step fine enough for the setting's default and its range: 1 for
 * whole numbers; for others a tenth of the default's order of magnitude
 * (0.002 moves by 0.0001), or a hundredth of the range when the default is 0.
 */
export const stepFor = (integer: boolean, min: number, max: number, dflt: number | undefined): number => {
  if (integer) return 1;
  const d = Math.abs(dflt ?? 0);
  const raw = d > 0 ? 10 ** Math.floor(Math.log10(d)) / 10 : (max - min) / 100;
  return Number(raw.toPrecision(1));
};

/** Pure: the sliders of a stage's schema (its fields as schema-form.ts reads them), in its order. */
export const numericSettings = (schema: Record<string, unknown>): SettingField[] => {
  const out: SettingField[] = [];
  // A setting inside an object setting is no slider: the overrides here are one level deep.
  for (const f of fieldsOf(schema).filter((x) => !x.key.includes('.'))) {
    const { key, description } = f;
    if (f.kind === 'number' || f.kind === 'integer') {
      const min = f.minimum ?? 0;
      const max = f.maximum ?? Math.max(1, (num(f.default) ?? 0) * 4);
      const integer = f.kind === 'integer';
      out.push({ path: key, key, index: null, label: labelOf(key), description, min, max, integer, step: stepFor(integer, min, max, num(f.default)) });
      continue;
    }
    if (f.kind === 'numbers' && f.minItems === 2 && f.maxItems === 2) {
      const min = f.itemMinimum ?? 0;
      const max = f.itemMaximum ?? 1;
      const integer = f.itemInteger === true || (Number.isInteger(min) && Number.isInteger(max) && max - min >= 10);
      const dflt = Array.isArray(f.default) ? num(f.default[0]) : undefined;
      for (const index of [0, 1] as const) {
        out.push({
          path: `${key}[${index}]`,
          key,
          index,
          label: `${labelOf(key)} ${index === 0 ? 'low' : 'high'}`,
          description,
          min,
          max,
          integer,
          step: stepFor(integer, min, max, dflt),
        });
      }
    }
  }
  return out;
};

/** Pure: the field's value in a stage's settings (NaN where the settings lack it). */
export const settingValue = (settings: Settings, f: SettingField): number => {
  const v = settings[f.key];
  const x = f.index === null ? v : Array.isArray(v) ? v[f.index] : undefined;
  return typeof x === 'number' ? x : Number.NaN;
};

/** Pure: a typed value within the field's bounds and step (null: not a number). */
export const clampTo = (f: SettingField, raw: number): number | null => {
  if (!Number.isFinite(raw)) return null;
  const v = Math.min(f.max, Math.max(f.min, raw));
  return f.integer ? Math.round(v) : Number(v.toPrecision(12));
};

/**
 * Pure: the overrides with the field set to `value` (clamped); one end of a
 * range never crosses the other (the server refuses low above high).
 */
export const withValue = (current: Settings, overrides: Settings, f: SettingField, value: number): Settings => {
  const v = clampTo(f, value);
  if (v === null) return overrides;
  if (f.index === null) return { ...overrides, [f.key]: v };
  const pair = current[f.key];
  const [lo, hi] = Array.isArray(pair) && pair.length === 2 ? (pair as [number, number]) : [f.min, f.max];
  return { ...overrides, [f.key]: f.index === 0 ? [Math.min(v, hi), hi] : [lo, Math.max(v, lo)] };
};

/** Pure: the overrides that differ from the run's settings (what a replay on the server needs). */
export const changedFrom = (base: Settings, overrides: Settings): Settings =>
  Object.fromEntries(Object.entries(overrides).filter(([k, v]) => !sameValue(base[k], v)));
