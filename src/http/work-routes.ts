/**
 * `/api/work/dead`: the dead-letter list. Work items set aside as poison
 * (they lost their worker or stalled MPR_MAX_ITEM_TRIES times; their job
 * failed with that reason) with their history; an admin retries one (its job
 * runs again as its next attempt) or drops it. Reading needs the read scope,
 * acting needs admin (auth/policy.ts).
 */
import { Elysia, t } from 'elysia';
import { actorsOf } from '../actors/registry.ts';
import { retryJob } from '../actors/submit.ts';
import { AppError } from '../errors.ts';
import { deadItems, type DeadItemView, findDeadItem } from '../projections/index.ts';
import type { System } from '../system.ts';
import type { DeadItem } from '../types/workers.ts';
import { strict } from './input.ts';
import { json, responses } from './openapi-responses.ts';
import { by, page, pageQuery } from './route-kit.ts';

export type WorkRoutesDeps = Pick<System, 'db' | 'runtime' | 'now' | 'config' | 'auth'>;

const dto = (v: DeadItemView): DeadItem => ({
  itemId: v.item_id,
  jobId: v.job_id,
  attempt: v.attempt,
  n: v.n,
  kind: v.kind,
  reason: v.reason,
  tries: v.tries,
  history: v.history,
  at: v.at,
});

const itemParam = t.Object({ itemId: t.String({ maxLength: 200, description: "the item's id: its chunk stream, e.g. chunk:<job>:3" }) });

const load = (s: WorkRoutesDeps, itemId: string): DeadItemView => {
  const v = findDeadItem(s.db, itemId);
  if (!v) throw new AppError('not_found', `no dead-lettered work item ${itemId} (it was retried or dropped, or never set aside)`);
  return v;
};

/** Marks the item dealt with, on its chunk's stream, and waits until the list says so. */
const resolve = async (s: WorkRoutesDeps, v: DeadItemView, action: 'retried' | 'dropped', by: string) => {
  const r = await actorsOf(s.runtime)
    .chunk(v.job_id, v.n, v.attempt)
    .execute({ type: 'ResolveDeadItem', data: { action, by, at: s.now() } }, { actor: 'api', correlationId: v.job_id });
  await s.auth.caughtUpTo(r.position);
};

export const workRoutes = (s: WorkRoutesDeps) =>
  new Elysia({ prefix: '/work', detail: { tags: ['work'] } })
    .get(
      '/dead',
      ({ query }) => {
        const found = deadItems(s.db, page(query));
        return { items: found.items.map(dto), total: found.total };
      },
      {
        query: pageQuery,
        transform: strict({ body: false, query: pageQuery }),
        detail: {
          summary: 'Work items set aside as poison (lost their worker or stalled MPR_MAX_ITEM_TRIES times), newest first, with their history',
          responses: responses({ 200: json('DeadItemPage', 'Dead-lettered items') }, 400),
        },
      },
    )
    .post(
      '/dead/:itemId/retry',
      async ({ params, request }) => {
        const v = load(s, params.itemId);
        // The job first: one that cannot run again (past MPR_MAX_ATTEMPTS) leaves the item in the list.
        const { position } = await retryJob(s, v.job_id, s.config.maxAttempts);
        await s.auth.caughtUpTo(position);
        await resolve(s, v, 'retried', by(request));
        return { item: dto(v), action: 'retried' as const, jobId: v.job_id };
      },
      {
        params: itemParam,
        transform: strict({ body: false }),
        detail: {
          summary: "Run the item's job again as its next attempt (admins); the item leaves the list (409 when the job cannot be retried)",
          responses: responses({ 200: json('DeadItemResolved', 'Retried') }, 404, 409),
        },
      },
    )
    .delete(
      '/dead/:itemId',
      async ({ params, request }) => {
        const v = load(s, params.itemId);
        await resolve(s, v, 'dropped', by(request));
        return { item: dto(v), action: 'dropped' as const, jobId: v.job_id };
      },
      {
        params: itemParam,
        transform: strict({ body: false }),
        detail: {
          summary: 'Drop the item from the list (admins); its job stays failed',
          responses: responses({ 200: json('DeadItemResolved', 'Dropped') }, 404, 409),
        },
      },
    );
