/**
 * Wires MPR's parts from a Config: the event log (SQLite or Redis), the
 * read-model database, the live bus, router positions, the actor runtime,
 * the routers and the projections. `mpr start`, the CLI commands and the
 * tests all build the same system; what differs is which parts they start.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'bun:sqlite';
import { Redis } from 'ioredis';
import { createMemoryBus, type LiveBus } from './actors/bus.ts';
import { createRedisBus } from './actors/bus-redis.ts';
import { createJobRouters, type WorkStats } from './actors/job-routers.ts';
import { createSqlitePositions, type PositionStore } from './actors/positions.ts';
import { createRedisPositions } from './actors/positions-redis.ts';
import { startRouter, type RunningRouter } from './actors/router.ts';
import { createRuntime, type Runtime } from './actors/runtime.ts';
import type { Config } from './config.ts';
import type { EventLog } from './events/log/index.ts';
import { createRedisLog } from './events/log/redis.ts';
import { createSqliteLog, openDatabase } from './events/log/sqlite.ts';
import { createLogger, type Logger } from './logger.ts';
import { allProjections, createProjectionRunner, type ProjectionRunner } from './projections/index.ts';
import { resolveBinaries, type Binaries } from './media/binaries.ts';
import { storageFromConfig } from './storage/factory.ts';
import type { Storage } from './storage/index.ts';
import { checksumKind } from './work/checksum.ts';
import { kindsOf, type JobKinds } from './work/kinds.ts';
import { createProgressTracker } from './work/progress.ts';
import { createTranscodeKind } from './work/transcode.ts';

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
  /** Starts the routers (actors' process managers) and the live projections. */
  start(parts?: { routers?: boolean; projections?: boolean }): Promise<void>;
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
}

export const createSystem = async (config: Config, opts: SystemOptions = {}): Promise<System> => {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const now = opts.now ?? (() => new Date().toISOString());
  mkdirSync(config.dataDir, { recursive: true });
  const db = openDatabase(join(config.dataDir, 'mpr.db'), config.sqliteSynchronous);
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
    kindsOf(checksumKind, createTranscodeKind({ input: storage.input, output: storage.output, bins, workDir: join(config.dataDir, 'work'), workers }));
  const progress = createProgressTracker({ bus, now });
  const projections = createProjectionRunner({ db, log, projections: allProjections(), logger });
  projections.init();

  const stop = new AbortController();
  const running: RunningRouter[] = [];
  let workStats = (): WorkStats => ({ busy: 0, size: workers });
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
    now,
    async start(parts = {}) {
      if (parts.projections ?? true) tasks.push(projections.run(stop.signal));
      if (parts.routers ?? true) {
        const routers = createJobRouters({ runtime, kinds, now, workConcurrency: workers, chunkAttempts: 3, progress });
        workStats = routers.stats;
        for (const r of routers) {
          const rr = await startRouter(r, { log, positions, logger, signal: stop.signal });
          running.push(rr);
          tasks.push(rr.done);
        }
      }
    },
    routers: () => [...running],
    work: () => workStats(),
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
