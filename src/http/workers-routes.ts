/**
 * `/api/workers` (any signed-in user with read scope): the workers that beat
 * into the registry — every `mpr worker`, and every `mpr start` running work —
 * with what each runs now, and the capacity of the pool.
 */
import { Elysia } from 'elysia';
import type { WorkerDto, WorkersDto } from '../types/workers.ts';
import { strict } from './input.ts';
import { json, responses } from './openapi-responses.ts';

/** What the route reads: the worker registry (src/work/registry), by its shape. */
export interface WorkersRoutesDeps {
  registry: { readonly lostAfterMs: number; list(): Promise<WorkerDto[]> };
}

export const workersRoutes = (d: WorkersRoutesDeps) =>
  new Elysia({ prefix: '/workers', detail: { tags: ['workers'] } }).get(
    '',
    async (): Promise<WorkersDto> => {
      const workers = await d.registry.list();
      // The registry's capacity() from this same read, so the sum matches the list it comes with.
      const capacity = workers.reduce((sum, w) => (w.status === 'live' && w.state === 'running' ? sum + w.concurrency : sum), 0);
      return { workers, capacity, lostAfterSeconds: Math.round(d.registry.lostAfterMs / 1000) };
    },
    {
      transform: strict({ body: false }),
      detail: {
        summary: 'The workers registered by heartbeat (live, lost, stopped), what each runs now, and the capacity of the pool',
        responses: responses({ 200: json('WorkerList', 'Workers') }, 400, 401, 403, 503),
      },
    },
  );
