/** `mpr start`: API, projections and workers in one process on embedded defaults. */
import { createApp } from '../http/app.ts';
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
