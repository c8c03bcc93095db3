/**
 * The worker registry (like Tdarr's nodes): every process that runs work
 * items beats into it, and anyone can list who is there, what each runs, and
 * which went silent. It is operational state, not a fact: heartbeats never go
 * to the event log (they would flood it). Two implementations sit beside this
 * file — memory.ts (one process is the one node) and redis.ts (one hash
 * shared by every node on REDIS_URL) — and contract.ts holds what both do.
 *
 * A worker silent for longer than `lostAfterMs` (MPR_RECLAIM_SECONDS, the same
 * time after which the Redis work queue hands its items to another worker) is
 * `lost`; one that said it stopped is `stopped`. Entries lost for more than a
 * day, or stopped for more than an hour, are pruned when the registry is
 * listed. Times are the beating process's clock: hosts are expected to keep
 * their clocks within a few seconds (NTP), well under the lost-after time.
 */
import { AppError } from '../../errors.ts';
import type { WorkerBeat, WorkerDto, WorkerInfo, WorkerItem, WorkerRole, WorkersDto, WorkerState, WorkerStatus } from '../../types/workers.ts';
import { capacityOfWorkers } from './capacity.ts';

export type { WorkerBeat, WorkerDto, WorkerInfo, WorkerItem, WorkerRole, WorkerState, WorkerStatus };

export interface WorkerRegistry {
  /** Silent this long, a worker is lost. */
  readonly lostAfterMs: number;
  /** Records a heartbeat: the worker's info as of now (stamped with the registry's clock), replacing its previous one. */
  beat(info: WorkerBeat): Promise<void>;
  /** Records that a worker stopped (its items cleared); nothing when it is not listed. */
  markStopped(id: string): Promise<void>;
  /** Forgets a worker. */
  remove(id: string): Promise<void>;
  /** Every worker with its status, in display order (see `ordered`); prunes the long gone. */
  list(): Promise<WorkerDto[]>;
  /** The list with the capacity of its live workers that take work, from one read: what `GET /api/workers` answers. */
  snapshot(): Promise<WorkersDto>;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** How long the gone stay listed: lost ones (counted from when they became lost) and stopped ones. */
export interface Retention {
  keepLostMs: number;
  keepStoppedMs: number;
}

export const DEFAULT_RETENTION: Retention = { keepLostMs: DAY_MS, keepStoppedMs: HOUR_MS };

/** Pure: the registry's judgement of a worker at `nowMs`. */
export const statusOf = (w: Pick<WorkerInfo, 'state' | 'lastBeat'>, nowMs: number, lostAfterMs: number): WorkerStatus => {
  if (w.state === 'stopped') return 'stopped';
  const at = Date.parse(w.lastBeat);
  return Number.isFinite(at) && nowMs - at <= lostAfterMs ? 'live' : 'lost';
};

/** Pure: whether an entry has been gone long enough to drop. */
export const isPrunable = (w: Pick<WorkerInfo, 'state' | 'lastBeat'>, nowMs: number, lostAfterMs: number, keep: Retention = DEFAULT_RETENTION): boolean => {
  const at = Date.parse(w.lastBeat);
  if (!Number.isFinite(at)) return true;
  const silent = nowMs - at;
  return w.state === 'stopped' ? silent > keep.keepStoppedMs : silent > lostAfterMs + keep.keepLostMs;
};

const RANK: Record<WorkerStatus, number> = { live: 0, lost: 1, stopped: 2 };

/** Pure: entries as listed at `nowMs`, with their status and beat age; live first, then lost, then stopped, by host and id. */
export const ordered = (entries: readonly WorkerInfo[], nowMs: number, lostAfterMs: number): WorkerDto[] =>
  entries
    .map((w) => ({
      ...w,
      status: statusOf(w, nowMs, lostAfterMs),
      beatAgeSeconds: Math.max(0, Math.round((nowMs - Date.parse(w.lastBeat)) / 1000)),
    }))
    .sort((a, b) => RANK[a.status] - RANK[b.status] || a.host.localeCompare(b.host) || a.id.localeCompare(b.id));

/** Pure: the registry's answer for a list it read: the summed slots of its live workers that take work (a draining one takes none). */
export const snapshotOf = (workers: WorkerDto[], lostAfterMs: number): WorkersDto => ({
  workers,
  capacity: capacityOfWorkers(workers)?.slots ?? 0,
  lostAfterSeconds: Math.round(lostAfterMs / 1000),
});

/** Pure: a stopped worker's entry: its counters kept, nothing running. */
export const stoppedOf = (w: WorkerInfo, lastBeat: string): WorkerInfo => ({ ...w, state: 'stopped', busy: 0, items: [], lastBeat });

const MAX_ID = 200;
const STATES: readonly string[] = ['running', 'draining', 'stopped'];
const ROLES: readonly string[] = ['start', 'worker'];

const count = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Refuses a heartbeat the registry could not list back (a bug in the beating process, said in a sentence). */
export const checkBeat = (b: WorkerBeat): void => {
  const bad = (what: string) => new AppError('validation', `a worker heartbeat ${what}; it was not recorded`);
  if (typeof b.id !== 'string' || b.id.length === 0 || b.id.length > MAX_ID) throw bad(`needs an id of 1..${MAX_ID} characters`);
  if (!count(b.concurrency) || !count(b.busy) || !count(b.done) || !count(b.failed) || !count(b.pid))
    throw bad(`from ${b.id} has a concurrency, busy, done, failed or pid that is not a whole number >= 0`);
  if (!STATES.includes(b.state) || !ROLES.includes(b.role)) throw bad(`from ${b.id} has an unknown state "${b.state}" or role "${b.role}"`);
  if (!Array.isArray(b.items)) throw bad(`from ${b.id} has no list of items`);
};

const isItem = (x: unknown): x is WorkerItem => {
  const o = x as Record<string, unknown> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.itemId === 'string' &&
    typeof o.jobId === 'string' &&
    typeof o.kind === 'string' &&
    (o.n === null || typeof o.n === 'number') &&
    typeof o.startedAt === 'string' &&
    (o.percent === null || typeof o.percent === 'number')
  );
};

/**
 * Pure: a stored entry read back, or null when it is not one (written by a
 * broken or much older process). Fields a reader can do without get defaults,
 * so one odd entry never hides the others.
 */
export const workerOf = (raw: unknown): WorkerInfo | null => {
  if (raw === null || typeof raw !== 'object') return null;
  const o = raw as Record<string, unknown>;
  if (typeof o.id !== 'string' || typeof o.lastBeat !== 'string' || !count(o.concurrency)) return null;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    id: o.id,
    host: typeof o.host === 'string' ? o.host : '?',
    pid: num(o.pid),
    version: typeof o.version === 'string' ? o.version : '?',
    role: o.role === 'start' ? 'start' : 'worker',
    concurrency: o.concurrency,
    busy: num(o.busy),
    items: Array.isArray(o.items) ? o.items.filter(isItem) : [],
    done: num(o.done),
    failed: num(o.failed),
    load: num(o.load),
    cpus: num(o.cpus),
    startedAt: typeof o.startedAt === 'string' ? o.startedAt : o.lastBeat,
    lastBeat: o.lastBeat,
    state: STATES.includes(o.state as string) ? (o.state as WorkerState) : 'running',
  };
};
