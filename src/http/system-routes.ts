/** `/api/system`: what this MPR is, where its log stands, and how busy its worker pool is. */
import { Elysia } from 'elysia';
import pkg from '../../package.json' with { type: 'json' };
import { errorMessage } from '../errors.ts';
import { queuedChunkCount } from '../projections/index.ts';
import type { System } from '../system.ts';
import { strict } from './input.ts';
import { json, responses } from './openapi-responses.ts';

/** What the status route reads. */
export type SystemRoutesDeps = Pick<System, 'config' | 'db' | 'log' | 'projections' | 'routers' | 'work' | 'queue' | 'storage' | 'bins'>;

const ffmpegStatus = (s: Pick<System, 'bins'>) => {
  try {
    return s.bins();
  } catch (e) {
    return { error: errorMessage(e) };
  }
};

export const systemRoutes = (s: SystemRoutesDeps) =>
  new Elysia({ prefix: '/system', detail: { tags: ['system'] } }).get(
    '/status',
    async () => {
      const work = s.work();
      const identity = await s.log.identity();
      const queued = queuedChunkCount(s.db);
      // With the Redis queue, chunks wait in the consumer group and run on any worker.
      const shared = s.config.workQueue === 'redis' ? await s.queue.depth() : null;
      return {
        version: pkg.version,
        log: { backend: s.log.backend, position: identity.head, epoch: identity.epoch, replaced: s.projections.logReplaced() },
        projections: s.projections.status(),
        routers: s.routers().map((r) => ({ name: r.name, position: r.position() })),
        workers: {
          size: work.size,
          busy: work.busy,
          queued: shared ? shared.waiting : queued,
          queue: s.config.workQueue,
          ...(shared ? { runningAnywhere: shared.pending } : {}),
        },
        storage: { input: s.storage.input.describe, output: s.storage.output.describe },
        ffmpeg: ffmpegStatus(s),
      };
    },
    {
      transform: strict({ body: false }),
      detail: {
        summary: 'Version, log backend and position, projections, routers, worker pool (size, busy, queued), storage, ffmpeg',
        responses: responses({ 200: json('SystemStatus', 'What this MPR is and how busy it is') }, 503),
      },
    },
  );
