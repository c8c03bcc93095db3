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
import { guardRedis } from './live/redis-client.ts';
import { hostname } from 'node:os';
import { nanoid } from 'nanoid';
import { createJobRouters } from './actors/job-routers.ts';
import { createStageRouter } from './actors/stage-router.ts';
import { kindsOf, withMaxChunks, type JobKinds } from './actors/job-kind.ts';
import { actorsOf, type Actors } from './actors/registry.ts';
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
import { allProjections, assetsTable, createProjectionRunner, findPreset, type ProjectionRunner } from './projections/index.ts';
import { resolveBinaries, type Binaries } from './media/binaries.ts';
import { storageFromConfig } from './storage/factory.ts';
import type { Storage } from './storage/index.ts';
import { createChecksumKind } from './work/checksum/kind.ts';
import { createDispatchRouter } from './work/dispatch.ts';
import { createWorkerPool } from './work/pool/pool.ts';
import { builtinTasksEntry, type BuiltinTasks } from './work/pool/builtin-tasks.ts';
import type { WorkerPool } from './work/pool/index.ts';
import { createChunkRunner, type WorkStats } from './work/runner.ts';
import { createProgressTracker } from './work/progress.ts';
import type { WorkQueue } from './work/queue/index.ts';
import { createMemoryWorkQueue } from './work/queue/memory.ts';
import { createRedisWorkQueue, reclaimTimings } from './work/queue/redis.ts';
import { runWorker } from './work/worker.ts';
import type { WorkerRegistry } from './work/registry/index.ts';
import { createMemoryWorkerRegistry } from './work/registry/memory.ts';
import { createRedisWorkerRegistry } from './work/registry/redis.ts';
import { runHeartbeat } from './work/registry/heartbeat.ts';
import { workerInfo } from './work/registry/info.ts';
import { planCapacity } from './work/registry/capacity.ts';
import type { PoolCapacity } from './types/workers.ts';
import { createTranscodeKind } from './work/transcode/kind.ts';
import { createAssetOutputsRouter } from './work/transcode/asset-outputs.ts';
import { jobIdsOfAsset } from './projections/index.ts';
import type { TranscodeAsset } from './work/transcode/deps.ts';
import { workDirOf } from './work/scratch.ts';
import type { DetectMedia } from './work/detect/media.ts';
import type { DetectOverlays } from './work/detect/overlays.ts';
import type { DetectSources } from './work/detect/sources.ts';
import type { DetectRuns } from './work/detect/runs.ts';
import type { DetectSetup } from './work/detect/setup.ts';
import { createDetection } from './system-detect.ts';
import { type Auth, createAuth } from './auth/index.ts';
import { createRedisSessionStore } from './auth/store/redis.ts';
import { createSqliteSessionStore } from './auth/store/sqlite.ts';
import { createUploads, type Uploads } from './uploads/service.ts';
import { runUploadSweeper } from './uploads/sweeper.ts';
import { join } from 'node:path';

export interface System {
  config: Config;
  logger: Logger;
  db: Database;
  log: EventLog;
  bus: LiveBus;
  positions: PositionStore;
  runtime: Runtime;
  /** Typed handles on the runtime, by stream kind (the stream registry). */
  actors: Actors;
  projections: ProjectionRunner;
  kinds: JobKinds;
  storage: { input: Storage; output: Storage };
  /** ffmpeg and ffprobe, resolved on first use (AppError 'unavailable' when missing). */
  bins: () => Binaries;
  now: () => string;
  /** The work queue: in-process (chunks run in the routers' process), or the Redis consumer group when MPR_WORK_QUEUE=redis. */
  queue: WorkQueue;
  /** Bun Workers for CPU-bound JS work (MPR_WORKERS threads, started on first use). */
  pool: WorkerPool<BuiltinTasks>;
  /**
   * Starts the routers (actors' process managers), the live projections and
   * a worker loop: with the in-process queue beside the routers (it is their
   * only taker), with the Redis queue when MPR_WORKERS > 0.
   */
  start(parts?: { routers?: boolean; projections?: boolean; worker?: boolean }): Promise<void>;
  routers(): RunningRouter[];
  /** The worker pool of this process: its size and how many work items run now. */
  work(): WorkStats;
  /** Who runs work, by heartbeat: in Redis when REDIS_URL is set (every node), else this process alone. */
  workerRegistry: WorkerRegistry;
  /** Accounts, sessions, API keys, signed output URLs; the session store is Redis when REDIS_URL is set, else SQLite. */
  auth: Auth;
  /** Multipart uploads into the input store. */
  uploads: Uploads;
  /** Detection's setup: profiles, stages, timelines, brand lists. */
  detect: DetectSetup;
  /** Detection runs: start, control, status, replays, checkpoints. */
  detectRuns: DetectRuns;
  /** A run's stage drawn on a frame. */
  detectOverlays: DetectOverlays;
  /** What timelines are picked from: ready videos and their jobs' chunks. */
  detectSources: DetectSources;
  /** What detection's pages show: frame caches, filmstrips, source files, cached frames, reference images. */
  detectMedia: DetectMedia;
  /**
   * A graceful stop of this node's work: no item is taken any more, the
   * running ones get up to `deadlineMs` to finish, then close() stops and
   * hands back the rest (another worker takes them at once). Resolves
   * with how many finished and how many were handed back, once closed.
   */
  drain(deadlineMs: number): Promise<{ finished: number; handedBack: number }>;
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
  /** Smallest upload part (tests use small ones). */
  minUploadPartBytes?: number;
  /** How often open uploads past their time are expired (default 60 s). */
  uploadSweepMs?: number;
}

export const createSystem = async (config: Config, opts: SystemOptions = {}): Promise<System> => {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const now = opts.now ?? (() => new Date().toISOString());
  const db = openDataFolder(config.dataDir, config.sqliteSynchronous);
  const onCorrupt = (r: { position: number; stream: string; reason: string }) =>
    logger.error(`corrupt event at position ${r.position} in ${r.stream}: ${r.reason}`);

  let redis: Redis | null = null;
  if (config.redisUrl) {
    // Reconnects at most every 500 ms (ioredis's default backs off to 2 s): a command waits for three
    // reconnects before it fails, so while Redis is down a request answers 503 within about 1.5 s.
    redis = guardRedis(new Redis(config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true, retryStrategy: (times) => Math.min(times * 50, 500) }), (m) =>
      logger.error(m),
    );
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
  const nodeId = `${hostname()}-${process.pid}-${nanoid(6)}`;
  // A worker silent as long as its items may go without a heartbeat is lost: its items are taken over then.
  // A worker is lost, and its items taken over, after the queue's reclaim time; both beat at a sixth of it.
  const timings = reclaimTimings(config.reclaimSeconds);
  const lostAfterMs = timings.claimIdleMs;
  const workerRegistry = redis ? createRedisWorkerRegistry({ redis, prefix: config.redisPrefix, lostAfterMs }) : createMemoryWorkerRegistry({ lostAfterMs });
  const capacity = (): Promise<PoolCapacity> =>
    planCapacity({ shared: config.workQueue === 'redis', target: config.planWorkers, localSlots: workers, registry: workerRegistry });
  const findAsset = (id: string): TranscodeAsset | null => {
    const a = assetsTable.load(db, [id]);
    return a && { id: a.id, key: a.key, status: a.status, reason: a.reason, size: a.size, modifiedAt: a.modified_at, probe: a.probe, verdict: a.verdict };
  };
  // auth (made below) is who knows when the read models caught up.
  const detection = createDetection({ db, runtime, storage, bins, workers, now, stallSeconds: config.stallSeconds, caughtUp: (p) => auth.caughtUpTo(p) });
  // The first kind is what a request that names none means.
  const kinds = withMaxChunks(
    opts.kinds ??
      kindsOf(
        createTranscodeKind({
          input: storage.input,
          output: storage.output,
          bins,
          workDir: workDirOf(config.dataDir),
          stallSeconds: config.stallSeconds,
          capacity,
          findPreset: (id) => findPreset(db, id),
          findAsset,
        }),
        createChecksumKind({ input: storage.input }),
        detection.kind,
      ),
    config.maxChunks,
  );
  const progress = createProgressTracker({ bus, now });
  const runner = createChunkRunner({ runtime, kinds, now, progress, chunkAttempts: 3, maxItemTries: config.maxItemTries, size: workers, worker: nodeId });
  const shared = config.workQueue === 'redis';
  const queue = shared
    ? createRedisWorkQueue({
        redis: redis!,
        prefix: config.redisPrefix,
        consumer: nodeId,
        logger,
        ...timings,
        ...opts.queueTimings,
      })
    : createMemoryWorkQueue();
  // The in-process queue's only taker is this process: it runs at least one item at a time.
  const takers = shared ? workers : Math.max(1, workers);
  const pool = createWorkerPool<BuiltinTasks>({ size: workers, entry: builtinTasksEntry, name: 'mpr' });
  const projections = createProjectionRunner({
    db,
    log,
    projections: allProjections(kinds),
    logger,
    now,
    // A log that came back empty has no accounts: the configured first admin is made again, so someone can sign in.
    onLogReplaced: async () => {
      runtime.forget();
      await firstAdmin();
    },
  });
  projections.init();
  let projecting = false;
  const auth = createAuth({
    runtime,
    db,
    store: redis ? createRedisSessionStore(redis, config.redisPrefix) : createSqliteSessionStore(db),
    // The real clock is read directly (Date.parse of an ISO string per call cost a list request ~10 %); a test's clock is honoured.
    clock: opts.now ? () => Date.parse(now()) : Date.now,
    // Read models follow the log where this process runs them; elsewhere (a CLI command, a test without start()) they catch up here.
    settings: { loginsPerMinutePerAddress: config.loginsPerMinute },
    caughtUp: async (position) => {
      if (projecting) return projections.waitFor(position);
      await projections.catchUp();
    },
  });

  const uploads = createUploads({
    runtime,
    db,
    input: storage.input,
    stagingDir: join(config.dataDir, 'uploads'),
    bins,
    now,
    signPart: auth.uploadParts.sign,
    publicUrl: config.publicUrl,
    maxUploadBytes: config.maxUploadBytes,
    ttlSeconds: config.uploadTtlSeconds,
    minPartBytes: opts.minUploadPartBytes,
    caughtUp: auth.caughtUpTo,
  });

  const detect = detection.setup;
  const detectRuns = detection.runs(kinds);

  /** With no account at all, the first admin; a generated password is said once, here. */
  const firstAdmin = async () => {
    await auth.caughtUpTo(await log.head());
    const made = await auth.accounts.ensureFirstAdmin({ email: config.adminEmail, password: config.adminPassword });
    if (made?.password) {
      logger.warn(`created the first admin ${made.email} with the one-time password ${made.password} (shown this once; it must be changed at the first login)`);
    } else if (made) logger.info(`created the first admin ${made.email} (password from MPR_ADMIN_PASSWORD)`);
    // A session store that lost its data (a new Redis) learns the accounts and keys again from the log.
    const synced = await auth.accounts.syncStore();
    if (synced.users + synced.keys > 0) logger.info(`session store: restored ${synced.users} account(s) and ${synced.keys} key(s) from the log`);
  };

  const stop = new AbortController();
  const draining = new AbortController();
  const running: RunningRouter[] = [];
  const tasks: Promise<void>[] = [];

  const system: System = {
    config,
    logger,
    db,
    log,
    bus,
    positions,
    runtime,
    actors: actorsOf(runtime),
    projections,
    kinds,
    storage,
    bins,
    queue,
    pool,
    now,
    auth,
    uploads,
    detect,
    detectRuns,
    detectOverlays: detection.overlays,
    detectSources: detection.sources(kinds),
    detectMedia: detection.media,
    async start(parts = {}) {
      if (parts.projections ?? true) {
        projecting = true;
        tasks.push(projections.run(stop.signal));
        await firstAdmin();
        // Uploads left open past their time expire while this process runs the read models.
        tasks.push(runUploadSweeper(uploads, { everyMs: opts.uploadSweepMs ?? 60_000, logger, signal: stop.signal }));
      }
      if (parts.routers ?? true) {
        const startRouters = async (signal: AbortSignal) => {
          const routers = [
            ...createJobRouters({ runtime, kinds, now }),
            createStageRouter({ runtime, kinds, now }),
            createDispatchRouter({ queue, concurrency: shared ? 8 : 2 * takers }),
            createAssetOutputsRouter({ runtime, output: storage.output, jobsOfAsset: (id) => jobIdsOfAsset(db, id), now }),
          ];
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
      const worker = shared ? (parts.worker ?? true) && workers > 0 : (parts.routers ?? true);
      if (worker) {
        tasks.push(
          runWorker({ log, runner, queue, logger, concurrency: takers, signal: stop.signal, drain: draining.signal, onLogReplaced: () => runtime.forget() }),
        );
        tasks.push(
          runHeartbeat({
            registry: workerRegistry,
            info: workerInfo({
              id: nodeId,
              role: (parts.projections ?? true) ? 'start' : 'worker',
              concurrency: takers,
              work: runner,
              startedAt: now(),
              state: () => (draining.signal.aborted ? 'draining' : 'running'),
            }),
            everyMs: Math.max(200, timings.heartbeatMs),
            signal: stop.signal,
            logger,
          }),
        );
      }
    },
    routers: () => [...running],
    workerRegistry,
    work: (): WorkStats => runner.stats(),
    async drain(deadlineMs) {
      const before = runner.stats();
      draining.abort();
      const deadline = Date.now() + deadlineMs;
      while (runner.stats().busy > 0 && Date.now() < deadline) await Bun.sleep(100);
      const handedBack = runner.stats().busy;
      await system.close();
      return { finished: runner.stats().done + runner.stats().failed - before.done - before.failed, handedBack };
    },
    async close() {
      stop.abort();
      await Promise.allSettled(tasks);
      await pool.close();
      await detection.close();
      await log.close();
      await bus.close();
      redis?.disconnect();
      db.close();
    },
  };
  return system;
};
