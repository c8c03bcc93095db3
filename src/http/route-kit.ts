/** What routes share: who is asking, a route without input, a page's query, and the names in their paths. */
import { t } from 'elysia';
import { parsePage } from './dto.ts';
import { principalOf } from './guard.ts';
import { strict } from './input.ts';
import { queryInteger } from './schema-kinds.ts';

/** The caller's user id (the guard authenticated it). */
export const by = (request: Request) => principalOf(request).userId;

/** A route that takes no body and no query. */
export const none = strict({ body: false });

export const pageQuery = t.Object({
  limit: queryInteger('page size', { minimum: 1, maximum: 500, default: 50 }),
  offset: queryInteger('items to skip', { minimum: 0, default: 0 }),
});

/** The page a checked `pageQuery` asks for. */
export const page = (query: unknown) => parsePage(query as Record<string, string | undefined>);

export const stageParams = t.Object({ stage: t.String({ minLength: 1, maxLength: 40, pattern: '^[a-z_]+$', description: 'stage name' }) });

/** An id in a path: a job's, a timeline's. */
export const anId = (description: string) => t.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description });
