/**
 * A real MPR deployment on loopback, for the fault suite (test/faults) and
 * the scale benchmark (bench/scale.ts): its own redis-server (AOF on, or no
 * persistence; killable and restartable on the same port), the S3-protocol
 * server of test/s3-server.ts or plain folders, `mpr serve` API nodes and
 * `mpr worker` processes (each its own MPR_DATA), or one embedded
 * `mpr start` on SQLite. Every process is spawned as an operator would, from
 * src/cli/main.ts with its environment, and logs to a file under the
 * cluster's temp root. Nothing outlives the run: stop() (and a process exit
 * hook) kills every process spawned here and every ffmpeg that names the
 * root, the orphans of a kill -9 included. Free of bun:test.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import { Redis } from 'ioredis';
import { openDataFolder } from '../../src/data-folder.ts';
import type { EventLog } from '../../src/events/log/index.ts';
import { createRedisLog } from '../../src/events/log/redis.ts';
import { createSqliteLog } from '../../src/events/log/sqlite.ts';
import { createFsStorage, createS3Storage, type Storage } from '../../src/storage/index.ts';
import { freePort } from '../redis-server.ts';
import { S3RVER_CREDENTIALS, type S3Server, startS3Server } from '../s3-server.ts';
import { ffmpegNaming, isAlive, signalPid, waitFor } from './procs.ts';
import { startRedis, type RedisProc } from './redis-proc.ts';

export { startRedis, type RedisProc } from './redis-proc.ts';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

/** The first admin of every cluster (MPR_ADMIN_EMAIL / MPR_ADMIN_PASSWORD): the client logs in as it. */
export const FAULT_ADMIN = { email: 'fault-admin@mpr.test', password: 'fault-admin-password' } as const;

export type Role = 'serve' | 'worker' | 'start';

export interface MprNode {
  name: string;
  role: Role;
  dataDir: string;
  /** http://127.0.0.1:<port> for serve and start; null for a worker. */
  url: string | null;
  pid: number;
  proc: Subprocess;
  logPath: string;
  log(): string;
  alive(): boolean;
  /** SIGKILL, then waits for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM (a graceful stop), then waits; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface Stores {
  /** The cluster's own view of its stores (to put inputs, read outputs). */
  storage: { input: Storage; output: Storage };
  /** What every node gets to reach the same stores. */
  env: Record<string, string>;
}

// Every process spawned here, for stop() and the exit hook.
const live = new Set<{ pid: number; kill(): void }>();
const roots = new Set<string>();

/** Kills (SIGCONT first: a stopped one cannot die of SIGTERM) every ffmpeg naming `root`; returns their pids. */
export const killStrayFfmpeg = (root: string): number[] =>
  ffmpegNaming(root).map((p) => {
    signalPid(p.pid, 'SIGCONT');
    signalPid(p.pid, 'SIGKILL');
    return p.pid;
  });

const killEverything = () => {
  for (const p of live) p.kill();
  for (const r of roots) killStrayFfmpeg(r);
};
// A run that ends without afterAll (a crash, a timeout) still leaves nothing running.
process.on('exit', killEverything);

/** The test process's environment without anything that would point a node elsewhere. */
const inheritedEnv = (): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(MPR_|REDIS_|S3_|AWS_|MEDIA_)|^(PORT|HOST|LOG_LEVEL)$/.test(k)) env[k] = v;
  }
  return env;
};

/** Spawns `mpr <args>` with `env`, its output to `<root>/<name>.log`. */
export const spawnMpr = (root: string, name: string, role: Role, args: string[], env: Record<string, string>, url: string | null): MprNode => {
  const logPath = join(root, `${name}.log`);
  // stdout and stderr into one file, through one descriptor (two opens of it would overwrite each other).
  const fd = openSync(logPath, 'a');
  const proc = Bun.spawn(['bun', MAIN, ...args], { env: { ...inheritedEnv(), ...env }, stdin: 'ignore', stdout: fd, stderr: fd });
  closeSync(fd);
  const entry = { pid: proc.pid, kill: () => void (proc.exitCode === null && proc.signalCode === null && proc.kill('SIGKILL')) };
  live.add(entry);
  void proc.exited.then(() => live.delete(entry));
  const node: MprNode = {
    name,
    role,
    dataDir: env.MPR_DATA ?? '',
    url,
    pid: proc.pid,
    proc,
    logPath,
    log: () => {
      try {
        return readFileSync(logPath, 'utf8');
      } catch {
        return '';
      }
    },
    alive: () => proc.exitCode === null && proc.signalCode === null,
    async kill9() {
      if (node.alive()) proc.kill('SIGKILL');
      await proc.exited;
    },
    async stop(graceMs = 15_000) {
      if (!node.alive()) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => node.alive() && proc.kill('SIGKILL'), graceMs);
      await proc.exited;
      clearTimeout(t);
    },
  };
  return node;
};

/** A node's log tail, for a failure message. */
export const logTail = (n: MprNode, chars = 2500): string =>
  `--- ${n.name} (${n.role}, pid ${n.pid}, ${n.alive() ? 'running' : `exit ${n.proc.exitCode ?? n.proc.signalCode}`}):\n${n.log().slice(-chars)}`;

/** Waits until the node answers GET /api/health (or its log says `readyLine`); fails with its log when it exits first. */
export const waitReady = async (n: MprNode, timeoutMs = 60_000, readyLine?: string): Promise<MprNode> => {
  await waitFor(
    async () => {
      if (!n.alive()) throw new Error(`${n.name} exited before it was ready\n${logTail(n)}`);
      if (readyLine) return n.log().includes(readyLine);
      const r = await fetch(`${n.url}/api/health`).catch(() => null);
      return r?.ok ?? false;
    },
    `${n.name} to be ready`,
    timeoutMs,
    100,
  ).catch((e) => {
    throw new Error(`${(e as Error).message}\n${logTail(n)}`);
  });
  return n;
};

/** Makes the stores: two s3rver buckets, or two folders under `root`. */
const makeStores = async (root: string, kind: 's3' | 'folders'): Promise<Stores & { s3: S3Server | null }> => {
  if (kind === 'folders') {
    const dirs = { MEDIA_IN: join(root, 'media/in'), MEDIA_OUT: join(root, 'media/out') };
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
    return { s3: null, env: dirs, storage: { input: createFsStorage(dirs.MEDIA_IN), output: createFsStorage(dirs.MEDIA_OUT) } };
  }
  const s3 = await startS3Server();
  const [bin, bout] = [await s3.createBucket(), await s3.createBucket()];
  const s3Storage = (bucket: string) => createS3Storage({ bucket, endpoint: s3.endpoint, credentials: S3RVER_CREDENTIALS });
  return {
    s3,
    env: {
      S3_ENDPOINT_URL: s3.endpoint,
      S3_BUCKET_IN: bin,
      S3_BUCKET_OUT: bout,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
    },
    storage: { input: s3Storage(bin), output: s3Storage(bout) },
  };
};

export interface ClusterOptions {
  label?: string;
  /** s3 (default): the S3-protocol server; folders: MEDIA_IN / MEDIA_OUT shared by every node. */
  store?: 's3' | 'folders';
  /** Redis with AOF (appendfsync everysec; default) or no persistence at all. */
  aof?: boolean;
  /** MPR_RECLAIM_SECONDS of every node (default 2). */
  reclaimSeconds?: number;
  /** MPR_STALL_SECONDS of every node (default 60, as shipped). */
  stallSeconds?: number;
  /** More environment for every node. */
  env?: Record<string, string>;
}

/** What serve, workers and start have in common: the admin, the limits, the fault timings, the stores. */
const commonEnv = (o: ClusterOptions, stores: Stores): Record<string, string> => ({
  LOG_LEVEL: 'info',
  HOST: '127.0.0.1',
  MPR_ADMIN_EMAIL: FAULT_ADMIN.email,
  MPR_ADMIN_PASSWORD: FAULT_ADMIN.password,
  MPR_RATE_LIMIT: '10000000',
  MPR_LOGIN_RATE: '10000000',
  MPR_RECLAIM_SECONDS: String(o.reclaimSeconds ?? 2),
  MPR_STALL_SECONDS: String(o.stallSeconds ?? 60),
  ...stores.env,
  ...o.env,
});

/** Runs `mpr projections rebuild` on a data folder (no server may hold it); returns what it printed. */
const runRebuild = async (root: string, env: Record<string, string>): Promise<string> => {
  const n = spawnMpr(root, `rebuild-${Date.now().toString(36)}`, 'start', ['projections', 'rebuild'], env, null);
  const code = await n.proc.exited;
  if (code !== 0) throw new Error(`mpr projections rebuild exited ${code}:\n${n.log().slice(-3000)}`);
  return n.log();
};

export interface OpenLog {
  log: EventLog;
  close(): Promise<void>;
}

export interface Cluster {
  root: string;
  redis: RedisProc;
  s3: S3Server | null;
  storage: Stores['storage'];
  /** Every node started, in order (dead ones too). */
  nodes: MprNode[];
  /** The API node started last. */
  api(): MprNode;
  /** Starts an `mpr serve` (MPR_WORKERS=0) on a fresh data folder unless one is given; waits for /api/health. */
  serve(o?: { dataDir?: string; env?: Record<string, string> }): Promise<MprNode>;
  /** Starts an `mpr worker` with its own data folder and one slot; waits until it takes from the queue. */
  worker(o?: { env?: Record<string, string> }): Promise<MprNode>;
  /** The workers still running. */
  workers(): MprNode[];
  /** `mpr projections rebuild` on an API node's data folder (stop the node first). */
  rebuild(node: MprNode): Promise<string>;
  /** The Redis log, read from this process. */
  openLog(): OpenLog;
  /** Every node's log tail. */
  logs(): string;
  stop(): Promise<void>;
}

export const startCluster = async (o: ClusterOptions = {}): Promise<Cluster> => {
  const root = mkdtempSync(join(tmpdir(), `mpr-faults-${o.label ?? 'cluster'}-`));
  roots.add(root);
  const redis = await startRedis(join(root, 'redis'), { aof: o.aof ?? true });
  live.add(redis.handle);
  const stores = await makeStores(root, o.store ?? 's3');
  const base = () => ({ ...commonEnv(o, stores), REDIS_URL: redis.url, MPR_LOG_BACKEND: 'redis', MPR_WORK_QUEUE: 'redis' });
  const nodes: MprNode[] = [];
  let serial = 0;
  const envOf = new Map<MprNode, Record<string, string>>();

  const c: Cluster = {
    root,
    redis,
    s3: stores.s3,
    storage: stores.storage,
    nodes,
    api() {
      const n = nodes.findLast((x) => x.role === 'serve');
      if (!n) throw new Error('no mpr serve was started in this cluster');
      return n;
    },
    async serve(so = {}) {
      const name = `serve-${++serial}`;
      const dataDir = so.dataDir ?? join(root, name);
      const port = freePort();
      const env = { ...base(), MPR_DATA: dataDir, PORT: String(port), MPR_WORKERS: '0', ...so.env };
      const n = spawnMpr(root, name, 'serve', ['serve'], env, `http://127.0.0.1:${port}`);
      nodes.push(n);
      envOf.set(n, env);
      return waitReady(n);
    },
    async worker(wo = {}) {
      const name = `worker-${++serial}`;
      const env = { ...base(), MPR_DATA: join(root, name), MPR_WORKERS: '1', ...wo.env };
      const n = spawnMpr(root, name, 'worker', ['worker'], env, null);
      nodes.push(n);
      envOf.set(n, env);
      return waitReady(n, 60_000, 'MPR worker:');
    },
    workers: () => nodes.filter((n) => n.role === 'worker' && n.alive()),
    async rebuild(node) {
      if (node.alive()) throw new Error(`${node.name} still runs on ${node.dataDir}: stop it before the rebuild`);
      return runRebuild(root, envOf.get(node)!);
    },
    openLog() {
      const client = new Redis(redis.url, { maxRetriesPerRequest: 3, lazyConnect: false });
      const log = createRedisLog({ redis: client, prefix: 'mpr:', maxEventBytes: 16 * 1024 * 1024, now: () => new Date().toISOString(), onCorrupt: () => {} });
      return {
        log,
        async close() {
          await log.close();
          client.disconnect();
        },
      };
    },
    logs: () => nodes.map((n) => logTail(n)).join('\n'),
    async stop() {
      await Promise.all(nodes.map((n) => n.kill9()));
      killStrayFfmpeg(root);
      await redis.stop();
      live.delete(redis.handle);
      await stores.s3?.stop();
      roots.delete(root);
      rmSync(root, { recursive: true, force: true });
    },
  };
  return c;
};

export interface EmbeddedOptions {
  label?: string;
  /** MPR_WORKERS of `mpr start` (default 2). */
  workers?: number;
  stallSeconds?: number;
  env?: Record<string, string>;
}

export interface Embedded {
  root: string;
  dataDir: string;
  /** The folder stores (MEDIA_IN / MEDIA_OUT inside the data folder, as embedded defaults put them). */
  storage: Stores['storage'];
  nodes: MprNode[];
  /** The `mpr start` started last. */
  api(): MprNode;
  /** Starts `mpr start` on the data folder and the cluster's port; waits for /api/health. */
  start(): Promise<MprNode>;
  rebuild(): Promise<string>;
  /** The SQLite log of the data folder (readable beside a running server: WAL). */
  openLog(): OpenLog;
  logs(): string;
  stop(): Promise<void>;
}

export const startEmbedded = async (o: EmbeddedOptions = {}): Promise<Embedded> => {
  const root = mkdtempSync(join(tmpdir(), `mpr-faults-${o.label ?? 'embedded'}-`));
  roots.add(root);
  const dataDir = join(root, 'data');
  const media = { MEDIA_IN: join(dataDir, 'media/in'), MEDIA_OUT: join(dataDir, 'media/out') };
  for (const d of Object.values(media)) mkdirSync(d, { recursive: true });
  const stores: Stores = { env: media, storage: { input: createFsStorage(media.MEDIA_IN), output: createFsStorage(media.MEDIA_OUT) } };
  // One port for every life of the server: a client keeps its URL across restarts.
  const port = freePort();
  const env = {
    ...commonEnv({ stallSeconds: o.stallSeconds, env: o.env }, stores),
    MPR_DATA: dataDir,
    PORT: String(port),
    MPR_WORKERS: String(o.workers ?? 2),
  };
  const nodes: MprNode[] = [];
  return {
    root,
    dataDir,
    storage: stores.storage,
    nodes,
    api() {
      const n = nodes.at(-1);
      if (!n) throw new Error('mpr start was not started');
      return n;
    },
    async start() {
      const n = spawnMpr(root, `start-${nodes.length + 1}`, 'start', ['start'], env, `http://127.0.0.1:${port}`);
      nodes.push(n);
      return waitReady(n);
    },
    async rebuild() {
      if (nodes.some((n) => n.alive())) throw new Error(`mpr start still runs on ${dataDir}: stop it before the rebuild`);
      return runRebuild(root, env);
    },
    openLog() {
      const db = openDataFolder(dataDir);
      const log = createSqliteLog({ db, maxEventBytes: 16 * 1024 * 1024, now: () => new Date().toISOString(), onCorrupt: () => {} });
      return {
        log,
        async close() {
          await log.close();
          db.close();
        },
      };
    },
    logs: () => nodes.map((n) => logTail(n)).join('\n'),
    async stop() {
      await Promise.all(nodes.map((n) => n.kill9()));
      killStrayFfmpeg(root);
      roots.delete(root);
      rmSync(root, { recursive: true, force: true });
    },
  };
};

/** Whether a pid still runs (re-exported for scenarios that watch one). */
export { isAlive };
