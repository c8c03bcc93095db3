/**
 * Which of the preset form's inputs a refusal marks, and the sentences shown
 * under each (pure over the store's issues; tested in preset-draft.test.ts).
 */
import { fieldMatches, type FieldIssue } from '../stores/preset-issues.ts';

export interface FieldMarks {
  /** Some issue concerns this input (its own, its section's or one inside it). */
  bad: (path: string) => boolean;
  /** An issue names the whole section (`audio: …`) or list, not one of its fields. */
  whole: (path: string) => boolean;
  /** A rung's cell: its own issue or its row's, not the whole list's (that one marks the fieldset). */
  cell: (path: string) => boolean;
  /** The sentences about exactly this path, shown under its input; null when there are none. */
  msg: (path: string) => string | null;
}

/** `issues` is read on every call, so marks used inside JSX follow the store. */
export const fieldMarks = (issues: () => readonly FieldIssue[]): FieldMarks => ({
  bad: (path) => issues().some((i) => fieldMatches(i.field, path)),
  whole: (path) => issues().some((i) => i.field === path),
  cell: (path) => issues().some((i) => i.field !== null && (i.field === path || path.startsWith(`${i.field}.`))),
  msg: (path) =>
    issues()
      .filter((i) => i.field === path)
      .map((i) => i.message)
      .join(' ') || null,
});
