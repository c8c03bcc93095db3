/** Parses `--set a.b=1 --set name=x` and `--overrides '{...}'` into one object. Pure. */
import { AppError } from '../errors.ts';

const value = (raw: string): unknown => {
  try {
    return JSON.parse(raw);
  } catch {
    return raw; // a bare word is a string
  }
};

export const parseOverrides = (sets: string[], json?: string): Record<string, unknown> => {
  let out: Record<string, unknown> = {};
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      throw new AppError('validation', `--overrides is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new AppError('validation', '--overrides must be a JSON object');
    out = { ...(parsed as Record<string, unknown>) };
  }
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new AppError('validation', `--set needs key=value, got "${s}"`);
    const path = s.slice(0, eq).split('.');
    let node = out;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      node = node[key] = typeof next === 'object' && next !== null && !Array.isArray(next) ? { ...(next as object) } : {};
    }
    node[path.at(-1)!] = value(s.slice(eq + 1));
  }
  return out;
};
