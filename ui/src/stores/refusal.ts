/**
 * A refusal from the detection setup API, split for a form (pure, tested in
 * refusal.test.ts). The server names the field first (`picks[2].end: …`,
 * `configs.ocr.det_width: …`, `brands[3].aliases[0]: …`; see
 * src/work/detect/setup.ts and profile.ts), so each sentence goes beside the
 * input with that `data-field`; what names no field the form shows goes to
 * the form's own error line.
 */
import { errorText } from '../format.ts';
import { issuesOfMessage } from './preset-issues.ts';

export interface Refusal {
  /** Field path → the sentence without its path. */
  fields: Record<string, string>;
  /** What no field of the form can show (the whole sentence), or null. */
  general: string | null;
}

/**
 * Splits `e` (an ApiError or any error) into field messages and a general one.
 * `place` answers where the form shows a field's message (itself, or the input
 * that holds it: `configs.x.hue[1]` → `configs.x.hue`), or null where it cannot.
 */
export const refusalOf = (e: unknown, place: (field: string) => string | null): Refusal => {
  const message = e instanceof Error ? e.message : String(e);
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  for (const issue of issuesOfMessage(message)) {
    const at = issue.field ? place(issue.field) : null;
    if (at !== null && !fields[at]) fields[at] = issue.message;
    else rest.push(issue.field ? `${issue.field}: ${issue.message}` : issue.message);
  }
  if (rest.length === 0) return { fields, general: null };
  // Nothing placed: the server's sentence as it came (ApiError's own words).
  return { fields, general: Object.keys(fields).length === 0 ? errorText(e) : rest.join(' ') };
};

/** The messages for `path` and everything under it (`picks[2]` → `picks[2].end`, `picks[2].assetId`). */
export const messagesUnder = (errors: Record<string, string>, path: string): [string, string][] =>
  Object.entries(errors).filter(([k]) => k === path || k.startsWith(`${path}.`) || k.startsWith(`${path}[`));
