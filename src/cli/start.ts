/** `mpr start`: API, projections and workers in one process on embedded defaults. */
import { planParts } from '../uploads/plan.ts';
import { TERMINAL } from '../actors/job.ts';
import { actorsOf } from '../actors/registry.ts';
import { createApp } from '../http/app.ts';
import { AppError } from '../errors.ts';
import { childrenDirOf, reapOrphans, trackChildrenIn } from '../media/children.ts';
import type { System } from '../system.ts';
import { sweepScratch, workDirOf } from '../work/scratch.ts';
import { holdDataLock } from './data-lock.ts';

/**
 * Kills the tool processes (ffmpeg) that an earlier run of this node left
 * running when it was killed, then records this run's own, so the next start
 * can do the same. Before sweepLeftovers: an orphan writes on into its folder.
 */
export const stopOrphans = async (s: System) => {
  const dir = childrenDirOf(s.config.dataDir);
  await reapOrphans(dir, s.logger);
  trackChildrenIn(dir, { logger: s.logger });
};

/**
 * Removes the scratch folders that killed or crashed work left behind. An
 * attempt that is still live in the log keeps its folders: its chunks are
 * delivered again (here or on another worker) and clean up after themselves.
 */
export const sweepLeftovers = async (s: System) => {
  const live = async (jobId: string, attempt: number) => {
    const { state } = await actorsOf(s.runtime).job(jobId).load();
    return state.status !== 'none' && !TERMINAL.has(state.status) && state.attempt === attempt;
  };
  const workDir = workDirOf(s.config.dataDir);
  const r = await sweepScratch(workDir, live);
  if (r.removed > 0) s.logger.info(`removed ${r.removed} leftover scratch folder(s) from ${workDir}`);
};

/**
 * `mpr start` runs everything in one process; `mpr serve` (role 'serve') is
 * the API, UI, projections and routers with no workers, for a cluster whose
 * `mpr worker` processes take the work from the shared queue.
 */
export const startCommand = async (s: System, role: 'start' | 'serve' = 'start') => {
  if (role === 'serve' && s.config.workQueue !== 'redis') {
    await s.close();
    throw new AppError(
      'validation',
      'mpr serve runs no work itself: its work goes to `mpr worker` processes over the shared queue; set MPR_WORK_QUEUE=redis and REDIS_URL (or run mpr start)',
    );
  }
  // Taken before anything runs: a rebuild in progress stops this start, and
  // `mpr projections rebuild` refuses while this server runs.
  const lock = await (async () => {
    try {
      return holdDataLock(s.db, 'server', {
        dataDir: s.config.dataDir,
        onLost: () => s.logger.error(`another process took over the data folder ${s.config.dataDir}: this server was silent too long`),
      });
    } catch (e) {
      await s.close();
      throw e;
    }
  })();
  try {
    await stopOrphans(s);
    await sweepLeftovers(s);
    await s.start({ worker: role === 'start' });
  } catch (e) {
    lock.release();
    throw e;
  }
  const app = createApp(s);
  // SSE routes send heartbeats; a generous idle timeout keeps slow clients too.
  // Bodies up to an upload part (relayed parts of the biggest file allowed); the guard holds JSON bodies to much less.
  const maxRequestBodySize = planParts(s.config.maxUploadBytes).partSize + 1024 * 1024;
  const server = Bun.serve({ hostname: s.config.host, port: s.config.port, fetch: app.fetch, idleTimeout: 120, maxRequestBodySize });
  s.logger.info(`MPR ${role === 'serve' ? 'serving (no workers here)' : 'listening'} on http://${server.hostname}:${server.port}`, {
    log: s.log.backend,
    data: s.config.dataDir,
    position: await s.log.head(),
  });
  onStopSignals(s, async (r) => {
    server.stop();
    await r;
    lock.release();
  });
  return server;
};

/**
 * SIGTERM or SIGINT drains this node: no new work item is taken, the running
 * ones get MPR_DRAIN_SECONDS to finish, and what is still running then is
 * handed back (another worker takes it at once; with the in-process queue,
 * the next start runs it). A second signal stops at once, handing back
 * everything. `docker stop` must give the container that long (--stop-timeout).
 */
const onStopSignals = (s: System, after: (stopped: Promise<unknown>) => Promise<void> = async (r) => void (await r)) => {
  let first = true;
  const onSignal = (signal: string) => {
    if (!first) {
      s.logger.warn(`${signal} again: stopping now; running work is handed back`);
      void s.close().finally(() => process.exit(0));
      return;
    }
    first = false;
    const busy = s.work().busy;
    s.logger.info(
      busy > 0
        ? `${signal}: draining: no new work is taken; ${busy} running item(s) get ${s.config.drainSeconds} s to finish, then go back to the queue (send ${signal} again to stop now)`
        : `${signal}: stopping`,
    );
    const stopped = s.drain(s.config.drainSeconds * 1000).then((r) => {
      if (r.finished + r.handedBack > 0) s.logger.info(`drained: ${r.finished} item(s) finished, ${r.handedBack} handed back`);
    });
    void after(stopped).finally(() => process.exit(0));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
};

/** `mpr worker`: takes chunks from the shared Redis queue until stopped; no API, no read models. */
export const workerCommand = async (s: System) => {
  if (s.config.workQueue !== 'redis') {
    await s.close();
    throw new AppError('validation', 'mpr worker takes work from the shared queue: set MPR_WORK_QUEUE=redis and REDIS_URL (the same as the server)');
  }
  if (s.config.workers === 0) {
    await s.close();
    throw new AppError('validation', 'MPR_WORKERS=0: a worker needs at least one slot');
  }
  await stopOrphans(s);
  await sweepLeftovers(s);
  await s.start({ routers: false, projections: false, worker: true });
  s.logger.info(`MPR worker: ${s.config.workers} slots on the queue at ${s.config.redisUrl}`);
  onStopSignals(s);
};
