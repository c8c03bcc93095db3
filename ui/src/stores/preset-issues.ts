/**
 * A refused preset, field by field (pure, tested in preset-issues.test.ts).
 * The server reports every problem it finds in one message, joined with
 * "; " and each led by its field path (src/media/presets.ts), so the form
 * can put each sentence beside its own input. Issues about a field the
 * form does not show are listed at the top instead.
 */
import type { Preset } from '../types.ts';

export interface FieldIssue {
  /** `thumbnails.columns`, `video.rungs[1]`, `audio`; null when the sentence names no field. */
  field: string | null;
  /** The sentence without its path: "Must be a whole number between 1 and 20, got 50." */
  message: string;
}

const PATH = '[A-Za-z_][\\w]*(?:\\[\\d+\\]|\\.[A-Za-z_][\\w]*)*';

/** `video.rungs[1].height: must be …` → `video.rungs[1].height`; null when the message names no field. */
export const fieldOfMessage = (message: string): string | null => {
  const m = new RegExp(`^(${PATH})\\s*:`).exec(message.trim());
  return m ? m[1]! : null;
};

/** Does an error about `errorField` concern the input for `path`? (`video.rungs[1]` covers its height.) */
export const fieldMatches = (errorField: string | null, path: string): boolean =>
  !!errorField &&
  (errorField === path ||
    errorField.startsWith(`${path}.`) ||
    errorField.startsWith(`${path}[`) ||
    path.startsWith(`${errorField}.`) ||
    path.startsWith(`${errorField}[`));

/** A capital first letter, unless the first word is a name like `videoBitrate`; a full stop at the end. */
const asSentence = (text: string): string => {
  const t = text.trim();
  if (!t) return 'This value is not accepted.';
  const first = t.split(/\s/, 1)[0]!;
  const s = /[A-Z]/.test(first.slice(1)) ? t : t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
};

/** One issue per "; "-joined part that starts with a field path; a tail like "and 2 more" stays a fieldless issue. */
export const issuesOfMessage = (message: string): FieldIssue[] =>
  message
    .split(new RegExp(`;\\s+(?=${PATH}\\s*:|and \\d+ more)`))
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const more = /^and (\d+) more$/.exec(part);
      if (more)
        return { field: null, message: `The server found ${more[1]} more ${more[1] === '1' ? 'problem' : 'problems'}: they show once these are fixed.` };
      const field = fieldOfMessage(part);
      return { field, message: asSentence(field ? part.slice(part.indexOf(':') + 1) : part) };
    });

type Draft = Omit<Preset, 'builtin'>;

const NUMBER_FIELDS = {
  top: ['segmentSeconds'],
  video: ['maxFps'],
  audio: ['bitrate'],
  thumbnails: ['intervalSeconds', 'width', 'columns', 'rows', 'maxCount'],
} as const;

/**
 * What the form can tell without asking: a number input left blank or not
 * a number (it would be sent as null). Everything else is the server's to judge.
 */
export const localIssues = (d: Draft): FieldIssue[] => {
  const out: FieldIssue[] = [];
  const check = (path: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) out.push({ field: path, message: 'Type a number.' });
  };
  for (const k of NUMBER_FIELDS.top) check(k, d[k]);
  if (d.video) {
    for (const k of NUMBER_FIELDS.video) check(`video.${k}`, d.video[k]);
    d.video.rungs.forEach((r, i) => {
      check(`video.rungs[${i}].height`, r.height);
      check(`video.rungs[${i}].videoBitrate`, r.videoBitrate);
    });
  }
  if (d.audio) for (const k of NUMBER_FIELDS.audio) check(`audio.${k}`, d.audio[k]);
  if (d.thumbnails) for (const k of NUMBER_FIELDS.thumbnails) check(`thumbnails.${k}`, d.thumbnails[k]);
  return out;
};

/** Every path the form shows a message at, for this draft: inputs, the rung list and rows, and each section. */
export const shownPaths = (d: Draft): Set<string> => {
  const s = new Set(['id', 'name', 'description', 'output', 'segmentSeconds']);
  if (d.video) {
    for (const p of ['video', 'video.encoderPreset', 'video.maxFps', 'video.rungs']) s.add(p);
    d.video.rungs.forEach((_, i) => {
      for (const p of ['', '.name', '.height', '.videoBitrate']) s.add(`video.rungs[${i}]${p}`);
    });
  }
  if (d.audio) for (const p of ['audio', 'audio.bitrate', 'audio.channels', 'audio.sampleRate']) s.add(p);
  if (d.thumbnails) for (const p of ['thumbnails', ...NUMBER_FIELDS.thumbnails.map((k) => `thumbnails.${k}`)]) s.add(p);
  return s;
};

/** The issues no field of the form shows, as whole sentences with their path (for the note at the top). */
export const unplacedIssues = (issues: FieldIssue[], d: Draft): string[] => {
  const shown = shownPaths(d);
  return issues.filter((i) => i.field === null || !shown.has(i.field)).map((i) => (i.field ? `${i.field}: ${i.message}` : i.message));
};

/** The note above the form: how many fields are marked, then whatever could not be placed. */
export const issueSummary = (issues: FieldIssue[], d: Draft): string => {
  const rest = unplacedIssues(issues, d);
  const placed = new Set(issues.filter((i) => i.field !== null && shownPaths(d).has(i.field)).map((i) => i.field)).size;
  const head = placed === 0 ? '' : placed === 1 ? 'One field needs a change (marked below).' : `${placed} fields need a change (marked below).`;
  return [head, ...rest].filter(Boolean).join(' ') || 'The preset was refused.';
};
