/**
 * Wires MPR's parts from a Config: the event log (SQLite or Redis), the
 * read-model database, the live bus, router positions, the actor runtime,
 * the routers and the projections. `mpr start`, the CLI commands and the
 * tests all build the same system; what differs is which parts they start.
 */
import type { Database } from 'bun:sqlite';
import { Redis } from 'ioredis';
import { createMemoryBus, type LiveBus } from './live/bus.ts';
import { createRedisBus } from './live/bus-redis.ts';
import { hostname } from 'node:os';
import { nanoid } from 'nanoid';
import { createJobRouters } from './actors/job-routers.ts';
import { createSqlitePositions, type PositionStore } from './actors/positions.ts';
import { createRedisPositions } from './actors/positions-redis.ts';
import { startRouter, type RunningRouter } from './actors/router.ts';
import { holdLease } from './actors/lease-redis.ts';
import { createRuntime, type Runtime } from './actors/runtime.ts';
import type { Config } from './config.ts';
import type { EventLog } from './events/log/index.ts';
import { createRedisLog } from './events/log/redis.ts';
import { createSqliteLog } from './events/log/sqlite.ts';
import { openDataFolder } from './data-folder.ts';
import { createLogger, type Logger } from './logger.ts';
import { allProjections, createProjectionRunner, findPreset, type ProjectionRunner } from './projections/index.ts';
import { resolveBinaries, type Binaries } from './media/binaries.ts';
import { storageFromConfig } from './storage/factory.ts';
import type { Storage } from './storage/index.ts';
import { createChecksumKind } from './work/checksum/kind.ts';
import { kindsOf, type JobKinds } from './work/kinds.ts';
import { createChunkRunner, type WorkStats } from './work/chunk-runner.ts';
import { createProgressTracker } from './work/progress.ts';
import { createRedisWorkQueue, type WorkQueue } from './work/queue/redis.ts';
import { runWorker } from './work/worker.ts';
import { createTranscodeKind } from './work/transcode/kind.ts';
import { workDirOf } from './work/scratch.ts';

export interface System {
  config: Config;
  logger: Logger;
  db: Database;
  log: EventLog;
  bus: LiveBus;
  positions: PositionStore;
  runtime: Runtime;
  projections: ProjectionRunner;
  kinds: JobKinds;
  storage: { input: Storage; output: Storage };
  /** ffmpeg and ffprobe, resolved on first use (AppError 'unavailable' when missing). */
  bins: () => Binaries;
  now: () => string;
  /** The shared work queue when MPR_WORK_QUEUE=redis, else null (chunks run in the routers' process). */
  queue: WorkQueue | null;
  /**
   * Starts the routers (actors' process managers), the live projections and,
   * with the Redis work queue and MPR_WORKERS > 0, a worker loop.
   */
  start(parts?: { routers?: boolean; projections?: boolean; worker?: boolean }): Promise<void>;
  routers(): RunningRouter[];
  /** The worker pool of this process: its size and how many work items run now. */
  work(): WorkStats;
  /** Stops what was started, waits for in-flight work to settle, closes connections. */
  close(): Promise<void>;
}

export interface SystemOptions {
  logger?: Logger;
  now?: () => string;
  kinds?: JobKinds;
  /** Overrides config.workers. */
  workConcurrency?: number;
  storage?: { input: Storage; output: Storage };
  /** Redis work queue timings (tests make a dead worker's items reclaimable quickly). */
  queueTimings?: { claimIdleMs?: number; heartbeatMs?: number; blockMs?: number };
  /** How long the routers' lease lives without renewal (Redis log only; default 10 s). */
  leaseTtlMs?: number;
}

export const createSystem = async (config: Config, opts: SystemOptions = {}): Promise<System> => {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const now = opts.now ?? (() => new Date().toISOString());
  const db = openDataFolder(config.dataDir, config.sqliteSynchronous);
  const onCorrupt = (r: { position: number; stream: string; reason: string }) =>
    logger.error(`corrupt event at position ${r.position} in ${r.stream}: ${r.reason}`);

  let redis: Redis | null = null;
  if (config.redisUrl) {
    redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
    try {
      await redis.connect();
    } catch (e) {
      redis.disconnect();
      throw new Error(`cannot reach Redis at REDIS_URL=${config.redisUrl}: ${(e as Error).message}`);
    }
  }

  const log: EventLog =
    config.logBackend === 'redis'
      ? createRedisLog({ redis: redis!, prefix: config.redisPrefix, maxEventBytes: config.maxEventBytes, now, onCorrupt })
      : createSqliteLog({ db, maxEventBytes: config.maxEventBytes, now, onCorrupt });
  const bus = redis ? createRedisBus({ redis, prefix: config.redisPrefix }) : createMemoryBus();
  const positions = config.logBackend === 'redis' ? createRedisPositions(redis!, config.redisPrefix) : createSqlitePositions(db);
  const runtime = createRuntime({ log });
  const storage = opts.storage ?? storageFromConfig(config);
  const binEnv = { FFMPEG_PATH: config.ffmpegPath ?? undefined, FFPROBE_PATH: config.ffprobePath ?? undefined, PATH: process.env.PATH };
  const bins = () => resolveBinaries(binEnv);
  const workers = opts.workConcurrency ?? config.workers;
  const kinds =
    opts.kinds ??
    kindsOf(
      createChecksumKind({ input: storage.input }),
      createTranscodeKind({ input: storage.input, output: storage.output, bins, workDir: workDirOf(config.dataDir), workers, findPreset: (id) => findPreset(db, id) }),
    );
  const progress = createProgressTracker({ bus, now });
  const nodeId = `${hostname()}-${process.pid}-${nanoid(6)}`;
  const runner = createChunkRunner({ runtime, kinds, now, progress, chunkAttempts: 3, size: workers, worker: nodeId });
  const queue = config.workQueue === 'redis' ? createRedisWorkQueue({ redis: redis!, prefix: config.redisPrefix, consumer: nodeId, ...opts.queueTimings }) : null;
  const projections = createProjectionRunner({ db, log, projections: allProjections(), logger });
  projections.init();

  const stop = new AbortController();
  const running: RunningRouter[] = [];
  const tasks: Promise<void>[] = [];

  return {
    config,
    logger,
    db,
    log,
    bus,
    positions,
    runtime,
    projections,
    kinds,
    storage,
    bins,
    queue,
    now,
    async start(parts = {}) {
      if (parts.projections ?? true) tasks.push(projections.run(stop.signal));
      if (parts.routers ?? true) {
        const startRouters = async (signal: AbortSignal) => {
          const routers = createJobRouters({ runtime, kinds, now, workConcurrency: workers, runner, enqueue: queue ? (ref) => queue.enqueue(ref) : undefined });
          const mine: RunningRouter[] = [];
          for (const r of routers) mine.push(await startRouter(r, { log, positions, logger, signal }));
          running.push(...mine);
          const done = Promise.allSettled(mine.map((r) => r.done)).then(() => {
            for (const r of mine) running.splice(running.indexOf(r), 1);
          });
          return { done };
        };
        if (config.logBackend === 'redis') {
          // Several nodes on one Redis log: one of them runs the routers at a time.
          const lease = holdLease({
            redis: redis!,
            key: `${config.redisPrefix}lease:routers`,
            owner: nodeId,
            ttlMs: opts.leaseTtlMs ?? 10_000,
            signal: stop.signal,
            whileHeld: async (lost) => {
              logger.info('this node leads: running the routers');
              return startRouters(lost);
            },
          });
          tasks.push(lease.done);
          await lease.first;
        } else {
          tasks.push((await startRouters(stop.signal)).done);
        }
      }
      if (queue && (parts.worker ?? true) && workers > 0) {
        tasks.push(runWorker({ log, runner, queue, logger, concurrency: workers, signal: stop.signal }));
      }
    },
    routers: () => [...running],
    work: (): WorkStats => runner.stats(),
    async close() {
      stop.abort();
      await Promise.allSettled(tasks);
      await log.close();
      await bus.close();
      redis?.disconnect();
      db.close();
    },
  };
};
