/** The one place that maps errors to HTTP: `{ error: { code, message } }` with the right status. */
import { AppError, type ErrorCode } from '../errors.ts';

export const STATUS: Record<ErrorCode, number> = {
  validation: 400,
  not_found: 404,
  invalid_state: 409,
  conflict: 409,
  too_large: 413,
  corrupt: 422,
  unavailable: 503,
  unrecoverable: 500,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  unsupported_media_type: 415,
};

export interface ErrorBody {
  error: { code: string; message: string };
}

export const toErrorResponse = (e: unknown, elysiaCode?: string | number): { status: number; body: ErrorBody } => {
  if (e instanceof AppError) return { status: STATUS[e.code], body: { error: { code: e.code, message: e.message } } };
  if (elysiaCode === 'VALIDATION' || elysiaCode === 'PARSE') {
    const message = elysiaCode === 'PARSE' ? 'the request body is not valid JSON' : summariseValidation(e);
    return { status: 400, body: { error: { code: 'validation', message } } };
  }
  if (elysiaCode === 'NOT_FOUND') return { status: 404, body: { error: { code: 'not_found', message: 'no such route' } } };
  return { status: 500, body: { error: { code: 'internal', message: 'internal error; see the server log' } } };
};

const summariseValidation = (e: unknown): string => {
  const all = (e as { all?: { path?: string; summary?: string; message?: string }[] }).all;
  const first = Array.isArray(all) ? all[0] : undefined;
  if (first) return `${first.path || 'body'}: ${first.summary ?? first.message ?? 'invalid'}`;
  return e instanceof Error ? e.message.split('\n')[0]! : 'invalid request';
};
