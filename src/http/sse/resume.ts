/** Where an event stream starts: a reconnecting client's Last-Event-ID, or `?after=`. */
import { AppError } from '../../errors.ts';
import type { EventLog } from '../../events/log/index.ts';

const position = (name: string, v: string): number => {
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw new AppError('validation', `${name}: expected a log position (an integer >= 0), got "${v}"`);
  return n;
};

/**
 * Last-Event-ID wins over `?after=`, because an EventSource reconnects to
 * the same URL (so with the same `after`) and adds the header. null means
 * "from the current head": only new events.
 */
export const parseResumePosition = (lastEventId: string | null | undefined, after: string | undefined): number | null => {
  const header = lastEventId?.trim();
  if (header) return position('Last-Event-ID', header);
  if (after !== undefined) return position('after', after.trim());
  return null;
};

/**
 * A resume position past the log's head can only come from a log that was
 * replaced or went backwards (Redis came back empty) since the client read
 * it: the client starts over from the beginning of the log it now is, rather
 * than waiting for ever for a position the log may never reach again.
 */
export const resumeWithin = async (log: Pick<EventLog, 'head'>, after: number): Promise<number> => (after > (await log.head()) ? 0 : after);

/**
 * Where a stream starts: a resume position (parseResumePosition) kept within
 * the log (resumeWithin), or, with none, the route's own `fresh` start.
 */
export const startAfter = async (log: Pick<EventLog, 'head'>, resume: number | null, fresh: () => number | Promise<number>): Promise<number> =>
  resume === null ? fresh() : resumeWithin(log, resume);
