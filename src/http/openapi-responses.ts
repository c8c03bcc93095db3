/** What a route documents as its answers: a model's JSON, and the error statuses it may give (all as `{ error: { code, message } }`). */
import type { DocumentDecoration } from 'elysia';
import type { ModelName } from './schemas.ts';

export const ref = (name: ModelName) => ({ $ref: `#/components/schemas/${name}` });

const ERRORS: Record<number, string> = {
  400: 'Invalid input: the message names the parameter or field',
  401: 'No credential, or one that is not valid: log in or send an API key',
  403: 'Not allowed: a weaker scope or role, or a request from another site',
  404: 'No such resource',
  409: 'Not possible in its current state, or a conflicting write',
  413: 'Too large',
  415: 'The body must be application/json',
  416: 'The byte range is outside the file',
  429: 'Too many requests: Retry-After says when to try again',
  503: 'A store, Redis or ffmpeg is unavailable',
  500: 'Internal error (see the server log)',
};

type Responses = NonNullable<DocumentDecoration['responses']>;
type ResponseObject = { description: string; content?: Record<string, { schema: object }>; headers?: Record<string, { description: string; schema: object }> };

/** A JSON answer of a model. */
export const json = (name: ModelName, description: string): ResponseObject => ({ description, content: { 'application/json': { schema: ref(name) } } });

/** `detail.responses`: the successes given, plus the error statuses listed (and 500, which any route may answer). */
export const responses = (ok: Record<number, ResponseObject>, ...errors: (keyof typeof ERRORS)[]): Responses => {
  const out: Record<string, ResponseObject> = {};
  for (const [status, r] of Object.entries(ok)) out[status] = r;
  for (const status of [...new Set([...errors, 500])])
    out[status] = { description: ERRORS[status]!, content: { 'application/json': { schema: ref('Error') } } };
  return out;
};

/** `detail.requestBody` for a route whose body the handler checks by hand. */
export const requestBody = (name: ModelName, description?: string): NonNullable<DocumentDecoration['requestBody']> => ({
  required: true,
  ...(description ? { description } : {}),
  content: { 'application/json': { schema: ref(name) } },
});
