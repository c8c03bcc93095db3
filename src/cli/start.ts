/** `mpr start`: API, projections and workers in one process on embedded defaults. */
import { createApp } from '../http/app.ts';
import { AppError } from '../errors.ts';
import type { System } from '../system.ts';

export const startCommand = async (s: System) => {
  await s.start();
  const app = createApp(s);
  // SSE routes send heartbeats; a generous idle timeout keeps slow clients too.
  const server = Bun.serve({ hostname: s.config.host, port: s.config.port, fetch: app.fetch, idleTimeout: 120 });
  s.logger.info(`MPR listening on http://${server.hostname}:${server.port}`, {
    log: s.log.backend,
    data: s.config.dataDir,
    position: await s.log.head(),
  });
  const shutdown = async (signal: string) => {
    s.logger.info(`${signal}: stopping (in-flight work is re-delivered on the next start)`);
    server.stop();
    await s.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  return server;
};

/** `mpr worker`: takes chunks from the shared Redis queue until stopped; no API, no read models. */
export const workerCommand = async (s: System) => {
  if (!s.queue) {
    await s.close();
    throw new AppError('validation', 'mpr worker takes work from the shared queue: set MPR_WORK_QUEUE=redis and REDIS_URL (the same as the server)');
  }
  if (s.config.workers === 0) {
    await s.close();
    throw new AppError('validation', 'MPR_WORKERS=0: a worker needs at least one slot');
  }
  await s.start({ routers: false, projections: false, worker: true });
  s.logger.info(`MPR worker: ${s.config.workers} slots on the queue at ${s.config.redisUrl}`);
  const shutdown = async (signal: string) => {
    s.logger.info(`${signal}: stopping (chunks in flight go back to the queue)`);
    await s.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
};
