/**
 * One error class for everything MPR raises on purpose. The code decides the
 * HTTP status (src/http/errors.ts) and whether work is retried: the failure
 * policy (src/actors/failure-policy.ts) retries everything but
 * `unrecoverable` and the exceptions it lists with their reasons.
 */
export type ErrorCode =
  | 'validation'
  | 'not_found'
  | 'invalid_state'
  | 'conflict'
  | 'too_large'
  | 'corrupt'
  | 'unavailable'
  /** A disk or store that is full: trying again fills it again, so work fails at once; HTTP answers 507. */
  | 'insufficient_storage'
  | 'unrecoverable'
  /** No credential, or one that is not (or no longer) valid. */
  | 'unauthorized'
  /** A valid credential that may not do this (a weaker scope or role, another site's request). */
  | 'forbidden'
  /** Too many requests: the error's `cause.retryAfterMs` says when to try again. */
  | 'rate_limited'
  /** A body of a type the route does not take (a form where JSON is expected). */
  | 'unsupported_media_type';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    opts?: ErrorOptions,
  ) {
    super(message, opts);
    this.name = 'AppError';
  }
}

/** Raised by an append whose expected version is stale; nothing was written. */
export class VersionConflict extends AppError {
  constructor(
    readonly stream: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super('conflict', `stream ${stream} is at version ${actual}, append expected ${expected}`);
    this.name = 'VersionConflict';
  }
}

/**
 * Pure: whether `e` says the disk (or the database, or a quota) is full: a
 * SQLite SQLITE_FULL, or ENOSPC / EDQUOT from the filesystem. Such writes
 * fail at once as 'insufficient_storage' (507): a full disk is not transient.
 */
export const isDiskFull = (e: unknown): boolean => {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT';
};

/** Raised by a live subscription that finds its log replaced or gone backwards (see `logChange`): the reader must start over. */
export class LogReplaced extends AppError {
  constructor(reason: string) {
    super('unavailable', reason);
    this.name = 'LogReplaced';
  }
}

export const isAppError = (e: unknown, code?: ErrorCode): e is AppError => e instanceof AppError && (code === undefined || e.code === code);

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The tool output an error carries (ffmpeg's stderr tail), if any. */
export const errorDetail = (err: unknown): string | null => {
  const d = (err as { stderrTail?: unknown } | null)?.stderrTail;
  return typeof d === 'string' && d.length > 0 ? d : null;
};

/**
 * How long a tool ran without progress before a watchdog killed it, when
 * `e` says so (an error carrying `stalledSeconds`, as runFfmpeg's stall
 * does); null otherwise. The work runner records such a failure as a stall
 * without knowing which tool it was.
 */
export const stalledSecondsOf = (e: unknown): number | null => {
  const s = (e as { stalledSeconds?: unknown } | null)?.stalledSeconds;
  return typeof s === 'number' && Number.isFinite(s) ? s : null;
};
