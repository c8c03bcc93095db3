/**
 * `/api/workers` (any signed-in user with read scope): the workers that beat
 * into the registry — every `mpr worker`, and every `mpr start` running work —
 * with what each runs now, and the capacity of the pool.
 */
import { Elysia } from 'elysia';
import type { WorkersDto } from '../types/workers.ts';
import { strict } from './input.ts';
import { json, responses } from './openapi-responses.ts';

/** What the route reads: the worker registry (src/work/registry), by its shape. */
export interface WorkersRoutesDeps {
  registry: { snapshot(): Promise<WorkersDto> };
}

export const workersRoutes = (d: WorkersRoutesDeps) =>
  new Elysia({ prefix: '/workers', detail: { tags: ['workers'] } }).get('', (): Promise<WorkersDto> => d.registry.snapshot(), {
    transform: strict({ body: false }),
    detail: {
      summary: 'The workers registered by heartbeat (live, lost, stopped), what each runs now, and the capacity of the pool',
      responses: responses({ 200: json('WorkerList', 'Workers') }, 400, 401, 403, 503),
    },
  });
