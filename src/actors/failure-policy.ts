/**
 * One failure policy for everything that retries: routers handling an
 * event, a job's planning and finishing, and the runner of work items.
 * STYLE.md's rule is "retry everything except `unrecoverable`"; the other
 * `fail` rows below are deliberate exceptions, each with its reason. An
 * aborted signal always means `stop`: the work was cancelled or the process
 * is shutting down, so nothing is recorded and nothing is retried (a
 * shutdown's work is delivered again later).
 */
import { isAppError, type ErrorCode } from '../errors.ts';

export type FailureOutcome = 'retry' | 'fail' | 'stop';

export const FAILURE_POLICY: Readonly<Record<ErrorCode, 'retry' | 'fail'>> = {
  unrecoverable: 'fail',
  // Exception: the input is wrong; the same input gets the same answer.
  validation: 'fail',
  // Exception: what it needs is gone (a source file, a stream); a retry finds it gone again.
  not_found: 'fail',
  // Exception: the state forbids the command (a job already ended); deciding again sees the same state.
  invalid_state: 'fail',
  // Exception: a limit, not a hiccup.
  too_large: 'fail',
  // Exception: a full disk stays full while the same work refills it; an operator frees space.
  insufficient_storage: 'fail',
  // Exception: bytes that do not decode stay undecodable.
  corrupt: 'fail',
  // Exception: a credential or a permission does not change by trying again.
  unauthorized: 'fail',
  forbidden: 'fail',
  unsupported_media_type: 'fail',
  // A limit that lifts with time: waiting is the answer.
  rate_limited: 'retry',
  // Version conflicts the runtime could not settle, and services that are down: both pass.
  conflict: 'retry',
  unavailable: 'retry',
};

/** What to do about `err`: errors that are not AppErrors (a crash, a tool's failure) are retried. */
export const outcomeOf = (err: unknown, signal?: AbortSignal): FailureOutcome =>
  signal?.aborted ? 'stop' : isAppError(err) ? FAILURE_POLICY[err.code] : 'retry';

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts: number;
  /** The wait before the second try; it doubles each time. */
  backoffMs: number;
  signal?: AbortSignal;
}

export type Tried<T> = { ok: true; value: T } | { ok: false; outcome: 'fail' | 'stop'; error: unknown; tries: number };

/** Runs `fn` under the policy: retries what it says to retry, up to `attempts` tries with backoff; never throws. */
export const withRetries = async <T>(fn: (tries: number) => Promise<T>, opts: RetryOptions): Promise<Tried<T>> => {
  for (let tries = 1; ; tries++) {
    try {
      return { ok: true, value: await fn(tries) };
    } catch (error) {
      const outcome = outcomeOf(error, opts.signal);
      if (outcome === 'stop') return { ok: false, outcome, error, tries };
      if (outcome === 'fail' || tries >= opts.attempts) return { ok: false, outcome: 'fail', error, tries };
      await Bun.sleep(opts.backoffMs * 2 ** (tries - 1));
      if (opts.signal?.aborted) return { ok: false, outcome: 'stop', error, tries };
    }
  }
};
