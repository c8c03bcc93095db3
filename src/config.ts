/**
 * The only module that reads the environment. `loadConfig()` parses it once,
 * validates every variable and fails fast with a message naming the bad one;
 * everything else receives values from the frozen object it returns.
 */
import { resolve } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogBackend = 'sqlite' | 'redis';

export interface Config {
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly redisUrl: string | null;
  readonly redisPrefix: string;
  readonly logBackend: LogBackend;
  readonly mediaIn: string;
  readonly mediaOut: string;
  readonly s3EndpointUrl: string | null;
  readonly s3BucketIn: string | null;
  readonly s3BucketOut: string | null;
  readonly inferenceUrl: string | null;
  readonly logLevel: LogLevel;
  readonly maxEventBytes: number;
  readonly sqliteSynchronous: 'NORMAL' | 'FULL';
  /** Work items (ffmpeg processes) run at once by this process. */
  readonly workers: number;
  /** Where chunks wait for a worker: in this process, or a Redis consumer group shared by `mpr worker`s. */
  readonly workQueue: 'local' | 'redis';
  /** Seconds a work item may go without its taker's heartbeat before another worker takes it over (the Redis queue). */
  readonly reclaimSeconds: number;
  /** Seconds a running ffmpeg may go without printing progress before it is killed as hung and its chunk tried again. */
  readonly stallSeconds: number;
  readonly maxAttempts: number;
  /** The most work items (chunks) one job may have: a plan with more is refused. */
  readonly maxChunks: number;
  /** Times a work item may lose its taker (a worker died holding it) or stall before it is set aside as poison and its job fails. */
  readonly maxItemTries: number;
  /** Seconds a stopping node (SIGTERM) lets its running work items finish before it hands them back. */
  readonly drainSeconds: number;
  /** Work items a job is planned to spread over, when set; else the registered workers' slots (see work/registry/capacity.ts). */
  readonly planWorkers: number | null;
  readonly ffmpegPath: string | null;
  readonly ffprobePath: string | null;
  /** The first admin (made when there is no account at all). */
  readonly adminEmail: string | null;
  readonly adminPassword: string | null;
  /** Where users reach MPR; https makes the refresh cookie Secure. */
  readonly publicUrl: string | null;
  /** Host names (no port) this server answers to. */
  readonly allowedHosts: readonly string[];
  /** Origins whose pages may fetch outputs. */
  readonly corsOrigins: readonly string[];
  readonly rateLimitPerMinute: number;
  readonly loginsPerMinute: number;
  /** Read the client address from X-Forwarded-For (only behind a proxy that sets it). */
  readonly trustProxy: boolean;
  /** The largest file an upload may announce. */
  readonly maxUploadBytes: number;
  /** How long an upload stays open before its parts are dropped. */
  readonly uploadTtlSeconds: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Every variable MPR reads, with its default and meaning (the README table is made from this). */
export const CONFIG_VARIABLES = [
  ['MPR_DATA', './data', 'Data folder: the SQLite log and read models (mpr.db), media folders.'],
  ['PORT', '8080', 'HTTP port (0 picks a free one).'],
  ['HOST', '127.0.0.1', 'Address the HTTP server binds to (the Docker image sets 0.0.0.0).'],
  ['REDIS_URL', '(unset)', 'redis:// URL. When set, the event log and live bus use Redis.'],
  ['MPR_REDIS_PREFIX', 'mpr:', 'Prefix of every Redis key, so several installations share one Redis.'],
  ['MPR_LOG_BACKEND', 'redis if REDIS_URL is set, else sqlite', 'Event log implementation: sqlite | redis.'],
  ['MEDIA_IN', '$MPR_DATA/media/in', 'Input media folder (folder storage).'],
  ['MEDIA_OUT', '$MPR_DATA/media/out', 'Output media folder (folder storage).'],
  ['S3_ENDPOINT_URL', '(unset)', 'S3-compatible endpoint (MinIO, R2); unset means AWS.'],
  ['S3_BUCKET_IN', '(unset)', 'Input bucket; set both buckets to use S3 instead of folders.'],
  ['S3_BUCKET_OUT', '(unset)', 'Output bucket.'],
  ['INFERENCE_URL', '(unset)', 'URL of an `mpr inference` GPU host; unset runs models in-process.'],
  ['LOG_LEVEL', 'info', 'debug | info | warn | error.'],
  ['MPR_MAX_EVENT_BYTES', '1048576', 'Largest event payload (JSON bytes) an append accepts.'],
  ['MPR_SQLITE_SYNC', 'NORMAL', 'SQLite synchronous mode for the log: NORMAL (WAL-safe) | FULL (fsync every commit).'],
  [
    'MPR_WORKERS',
    'number of CPU cores',
    'Size of the worker pool: work items (ffmpeg processes) run at once (0 with the Redis queue: leave the work to `mpr worker`s).',
  ],
  ['MPR_WORK_QUEUE', 'local', 'local (chunks run in this process) | redis (a consumer group on REDIS_URL shared by every `mpr start` and `mpr worker`).'],
  [
    'MPR_RECLAIM_SECONDS',
    '60',
    'With the Redis queue: seconds a work item may go without its worker’s heartbeat (a worker beats 6 times in that time) before another worker takes it over.',
  ],
  [
    'MPR_STALL_SECONDS',
    '60',
    'Seconds a running ffmpeg may go without progress (stopped, hung on a read) before it is killed, a ChunkStalled is recorded and its chunk is tried again.',
  ],
  ['MPR_MAX_ATTEMPTS', '3', 'Attempts a job may have: a retry beyond it is refused.'],
  ['MPR_MAX_CHUNKS', '1000', 'Work items (chunks) one job may have, over all its stages: a job whose plan makes more is refused (400) or fails.'],
  [
    'MPR_PLAN_WORKERS',
    'the live workers’ slots (Redis queue), else MPR_WORKERS',
    'Work items a job is planned to run at once: a video is cut into whole rounds of this many chunks. Unset, the planner asks the worker registry (so an API node with MPR_WORKERS=0 still spreads a job over the pool).',
  ],
  [
    'MPR_DRAIN_SECONDS',
    '25',
    'On SIGTERM (docker stop), seconds the running work items get to finish before they are handed back to the queue; no new item is taken meanwhile. Give docker stop a little more (--stop-timeout 30).',
  ],
  [
    'MPR_MAX_ITEM_TRIES',
    '3',
    'Times a work item may lose its worker (killed holding it) or stall before it goes to the dead-letter list (GET /api/work/dead) and its job fails, instead of being handed out for ever.',
  ],
  ['FFMPEG_PATH', 'ffmpeg-static, else ffmpeg on PATH', 'The ffmpeg binary to run.'],
  ['FFPROBE_PATH', 'next to ffmpeg, else on PATH', 'The ffprobe binary to run.'],
  ['MPR_ADMIN_EMAIL', 'admin@localhost', 'The first admin, made at the first start when there is no account.'],
  [
    'MPR_ADMIN_PASSWORD',
    '(generated)',
    "The first admin's password; unset: a one-time password is printed once to the log and must be changed at the first login.",
  ],
  ['MPR_PUBLIC_URL', '(unset)', 'The URL users reach MPR at (https makes cookies Secure; its host is allowed).'],
  [
    'MPR_ALLOWED_HOSTS',
    "the bound address, localhost, 127.0.0.1, ::1 and the public URL's host",
    'More host names (comma-separated) MPR answers to: every other Host header is refused (DNS rebinding).',
  ],
  ['MPR_CORS_ORIGINS', '(none)', 'Origins (comma-separated) whose pages may fetch outputs (HLS players on other sites).'],
  ['MPR_LOGIN_RATE', '10', 'Login attempts per minute per client address (an account also locks after 5 failures, for 30 s doubling up to 15 min).'],
  ['MPR_TRUST_PROXY', '0', '1: the client address is the first of X-Forwarded-For (set only behind a proxy that writes it).'],
  ['MPR_MAX_UPLOAD_BYTES', '53687091200', 'The largest file an upload may announce (50 GiB); a bigger one is refused before any byte is stored.'],
  ['MPR_UPLOAD_TTL_HOURS', '24', 'Hours an unfinished upload stays resumable; then its parts are dropped.'],
  ['MPR_RATE_LIMIT', '1200', 'API requests per minute per user or key (a burst of a quarter of it is allowed); 429 with Retry-After beyond.'],
] as const;

type Env = Record<string, string | undefined>;

const text = (env: Env, name: string): string | null => {
  const v = env[name]?.trim();
  return v ? v : null;
};

const int = (env: Env, name: string, fallback: number, min: number, max: number): number => {
  const v = text(env, name);
  if (v === null) return fallback;
  if (!/^\d+$/.test(v)) throw new ConfigError(name, `expected a whole number, got "${v}"`);
  const n = Number(v);
  if (n < min || n > max) throw new ConfigError(name, `expected ${min}..${max}, got ${n}`);
  return n;
};

const url = (env: Env, name: string, protocols: string[]): string | null => {
  const v = text(env, name);
  if (v === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(v);
  } catch {
    throw new ConfigError(name, `not a URL: "${v}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `expected a ${protocols.join(' or ')} URL, got "${parsed.protocol}"`);
  }
  return v;
};

const oneOf = <T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T => {
  const v = text(env, name);
  if (v === null) return fallback;
  const match = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
  if (!match) throw new ConfigError(name, `expected one of ${allowed.join(', ')}, got "${v}"`);
  return match;
};

const bucket = (env: Env, name: string): string | null => {
  const v = text(env, name);
  if (v !== null && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v)) {
    throw new ConfigError(name, `not a valid bucket name (3-63 lower-case letters, digits, dots, dashes): "${v}"`);
  }
  return v;
};

const list = (env: Env, name: string): string[] =>
  (text(env, name) ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

const origin = (name: string, v: string): string => {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ConfigError(name, `not an origin (scheme://host[:port]): "${v}"`);
  }
  if (u.origin === 'null' || u.pathname !== '/' || v.endsWith('/')) throw new ConfigError(name, `not an origin (scheme://host[:port], no path): "${v}"`);
  return u.origin;
};

/** The host names MPR answers to: loopback names, the bound address (unless it is a wildcard), the public URL's host, and more given. */
const allowedHosts = (env: Env, host: string, publicUrl: string | null): string[] => {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  if (host !== '0.0.0.0' && host !== '::') names.add(host.includes(':') ? `[${host}]` : host.toLowerCase());
  if (publicUrl) names.add(new URL(publicUrl).hostname.toLowerCase());
  for (const h of list(env, 'MPR_ALLOWED_HOSTS')) {
    if (!/^[a-z0-9.-]+$|^\[[0-9a-f:]+\]$/i.test(h)) throw new ConfigError('MPR_ALLOWED_HOSTS', `not a host name (no scheme, no port): "${h}"`);
    names.add(h.toLowerCase());
  }
  return [...names];
};

/** Pure: parses an environment into a validated, frozen Config (throws ConfigError). */
export const parseConfig = (env: Env, opts: { cwd?: string } = {}): Config => {
  const cwd = opts.cwd ?? process.cwd();
  const dataDir = resolve(cwd, text(env, 'MPR_DATA') ?? './data');
  const redisUrl = url(env, 'REDIS_URL', ['redis:', 'rediss:']);
  const redisPrefix = text(env, 'MPR_REDIS_PREFIX') ?? 'mpr:';
  if (/\s/.test(redisPrefix)) throw new ConfigError('MPR_REDIS_PREFIX', 'must not contain spaces');
  const logBackend = oneOf<LogBackend>(env, 'MPR_LOG_BACKEND', ['sqlite', 'redis'], redisUrl ? 'redis' : 'sqlite');
  if (logBackend === 'redis' && !redisUrl) {
    throw new ConfigError('MPR_LOG_BACKEND', 'is "redis" but REDIS_URL is not set');
  }
  const s3BucketIn = bucket(env, 'S3_BUCKET_IN');
  const s3BucketOut = bucket(env, 'S3_BUCKET_OUT');
  if ((s3BucketIn === null) !== (s3BucketOut === null)) {
    throw new ConfigError(s3BucketIn ? 'S3_BUCKET_OUT' : 'S3_BUCKET_IN', 'set both S3_BUCKET_IN and S3_BUCKET_OUT, or neither');
  }
  const workQueue = oneOf(env, 'MPR_WORK_QUEUE', ['local', 'redis'] as const, 'local');
  if (workQueue === 'redis' && !redisUrl) throw new ConfigError('MPR_WORK_QUEUE', 'is "redis" but REDIS_URL is not set');
  const workers = int(env, 'MPR_WORKERS', Math.max(1, navigator.hardwareConcurrency), 0, 256);
  if (workers === 0 && workQueue === 'local')
    throw new ConfigError('MPR_WORKERS', '0 leaves nobody to do the work: use 1 or more, or MPR_WORK_QUEUE=redis with `mpr worker` processes');
  // Loopback unless asked: the Docker image sets HOST=0.0.0.0 itself.
  const host = text(env, 'HOST') ?? '127.0.0.1';
  const publicUrl = url(env, 'MPR_PUBLIC_URL', ['http:', 'https:']);
  return Object.freeze({
    dataDir,
    port: int(env, 'PORT', 8080, 0, 65535),
    host,
    redisUrl,
    redisPrefix,
    logBackend,
    mediaIn: resolve(cwd, text(env, 'MEDIA_IN') ?? resolve(dataDir, 'media/in')),
    mediaOut: resolve(cwd, text(env, 'MEDIA_OUT') ?? resolve(dataDir, 'media/out')),
    s3EndpointUrl: url(env, 'S3_ENDPOINT_URL', ['http:', 'https:']),
    s3BucketIn,
    s3BucketOut,
    inferenceUrl: url(env, 'INFERENCE_URL', ['http:', 'https:']),
    logLevel: oneOf<LogLevel>(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'], 'info'),
    maxEventBytes: int(env, 'MPR_MAX_EVENT_BYTES', 1024 * 1024, 1024, 512 * 1024 * 1024),
    sqliteSynchronous: oneOf(env, 'MPR_SQLITE_SYNC', ['NORMAL', 'FULL'] as const, 'NORMAL'),
    workers,
    workQueue,
    reclaimSeconds: int(env, 'MPR_RECLAIM_SECONDS', 60, 1, 3600),
    stallSeconds: int(env, 'MPR_STALL_SECONDS', 60, 1, 86_400),
    maxAttempts: int(env, 'MPR_MAX_ATTEMPTS', 3, 1, 100),
    maxChunks: int(env, 'MPR_MAX_CHUNKS', 1000, 1, 1_000_000),
    maxItemTries: int(env, 'MPR_MAX_ITEM_TRIES', 3, 1, 100),
    drainSeconds: int(env, 'MPR_DRAIN_SECONDS', 25, 0, 3600),
    planWorkers: env.MPR_PLAN_WORKERS?.trim() ? int(env, 'MPR_PLAN_WORKERS', 1, 1, 10_000) : null,
    ffmpegPath: text(env, 'FFMPEG_PATH'),
    ffprobePath: text(env, 'FFPROBE_PATH'),
    adminEmail: text(env, 'MPR_ADMIN_EMAIL'),
    adminPassword: text(env, 'MPR_ADMIN_PASSWORD'),
    publicUrl,
    allowedHosts: allowedHosts(env, host, publicUrl),
    corsOrigins: list(env, 'MPR_CORS_ORIGINS').map((o) => origin('MPR_CORS_ORIGINS', o)),
    rateLimitPerMinute: int(env, 'MPR_RATE_LIMIT', 1200, 1, 10_000_000),
    loginsPerMinute: int(env, 'MPR_LOGIN_RATE', 10, 1, 10_000_000),
    trustProxy: oneOf(env, 'MPR_TRUST_PROXY', ['0', '1'] as const, '0') === '1',
    maxUploadBytes: int(env, 'MPR_MAX_UPLOAD_BYTES', 50 * 1024 ** 3, 1, 4 * 1024 ** 4),
    uploadTtlSeconds: int(env, 'MPR_UPLOAD_TTL_HOURS', 24, 1, 24 * 7) * 3600,
  });
};

/** Reads the process environment once. */
export const loadConfig = (): Config => parseConfig(Bun.env);
