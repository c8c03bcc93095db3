/**
 * A fork's overrides are merged into its parent's params (pure): nested
 * objects merge key by key, so `{ preset: { audio: { bitrate: 96000 } } }`
 * changes one number and keeps the rest of the preset; any other value
 * (arrays included) replaces what was there. A key the params do not have is
 * refused with its path, so a typo or a dotted key meant as a path is never
 * silently ignored.
 */
import { AppError } from '../errors.ts';

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** `extraTopLevel`: keys the kind lets a fork add that the parent's params may lack. */
export const mergeOverrides = (
  params: Record<string, unknown>,
  overrides: Record<string, unknown>,
  extraTopLevel: readonly string[] = [],
): Record<string, unknown> => {
  const merge = (base: Record<string, unknown>, over: Record<string, unknown>, path: string[]): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) {
      const here = [...path, k];
      if (!(k in base) && !(path.length === 0 && extraTopLevel.includes(k))) {
        const dotted = k.includes('.') ? ` (a path is nested objects: {"${k.split('.').join('":{"')}":…} or --set ${k}=…)` : '';
        throw new AppError('validation', `overrides: unknown key "${here.join('.')}": the job's params have no such field${dotted}`);
      }
      out[k] = isObj(base[k]) && isObj(v) ? merge(base[k] as Record<string, unknown>, v, here) : v;
    }
    return out;
  };
  return merge(params, overrides, []);
};
