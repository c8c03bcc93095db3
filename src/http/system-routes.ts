/** `/api/system`: what this MPR is and where its log stands. */
import { Elysia } from 'elysia';
import pkg from '../../package.json' with { type: 'json' };
import type { System } from '../system.ts';

export const systemRoutes = (s: System) =>
  new Elysia({ prefix: '/system' }).get(
    '/status',
    async () => ({
      version: pkg.version,
      log: { backend: s.log.backend, position: await s.log.head() },
      projections: s.projections.status(),
      routers: s.routers().map((r) => ({ name: r.name, position: r.position() })),
    }),
    { detail: { summary: 'Version, log backend and position, projection and router positions' } },
  );
