/**
 * The worker registry's shapes (`GET /api/workers`): what every `mpr worker`
 * and every `mpr start` that runs work says about itself in its heartbeats,
 * and how the registry judges it. Shared with the UI (type-only) and the CLI;
 * no imports, like the rest of src/types.
 */

/** `start`: an `mpr start` running work beside its API; `worker`: an `mpr worker`. */
export type WorkerRole = 'start' | 'worker';

/** What the worker says it is doing: taking items, finishing the ones it holds before it exits, or gone (it said so). */
export type WorkerState = 'running' | 'draining' | 'stopped';

/** What the registry makes of it: beating in time, silent past the lost-after time, or stopped (by its own last beat). */
export type WorkerStatus = 'live' | 'lost' | 'stopped';

/** A work item a worker runs now. */
export interface WorkerItem {
  itemId: string;
  jobId: string;
  /** The job kind (transcode, checksum, detect). */
  kind: string;
  /** The chunk's number in its job; null for an item that is not a chunk. */
  n: number | null;
  /** ISO time the item started here. */
  startedAt: string;
  /** 0..100, or null while the item has not said. */
  percent: number | null;
}

/** One worker as its last heartbeat told it. */
export interface WorkerInfo {
  /** The node id (host-pid-random): unique per process run, the name it has in the work queue. */
  id: string;
  host: string;
  pid: number;
  /** The MPR version it runs. */
  version: string;
  role: WorkerRole;
  /** Work items it runs at once (its MPR_WORKERS). */
  concurrency: number;
  /** Work items running now. */
  busy: number;
  items: WorkerItem[];
  /** Items it finished, and items that failed there, since it started. */
  done: number;
  failed: number;
  /** The host's 1-minute load average. */
  load: number;
  /** The host's CPU count, to read the load against. */
  cpus: number;
  /** ISO time the process started working. */
  startedAt: string;
  /** ISO time of its last heartbeat, by the beating process's clock. */
  lastBeat: string;
  state: WorkerState;
}

/** What a heartbeat carries: everything but the time, which the registry stamps. */
export type WorkerBeat = Omit<WorkerInfo, 'lastBeat'>;

/** A worker as listed: its info and the registry's judgement of it. */
export interface WorkerDto extends WorkerInfo {
  status: WorkerStatus;
  /** Seconds since its last heartbeat, by the answering server's clock (so a client's own clock does not matter). */
  beatAgeSeconds: number;
}

/** `GET /api/workers`. */
export interface WorkersDto {
  /** Live ones first, then lost, then stopped; by host and id within each. */
  workers: WorkerDto[];
  /** The summed concurrency of the live workers that take work (not draining): what a job's plan can spread over. */
  capacity: number;
  /** A worker silent this long is lost (MPR_RECLAIM_SECONDS): its items are taken over by others. */
  lostAfterSeconds: number;
}

/** One take or stall in a dead-lettered item's history. */
export interface DeadItemTry {
  what: 'taken' | 'stalled' | 'handed-back';
  worker: string;
  at: string;
  stalledSeconds?: number;
}

/** `GET /api/work/dead`: a work item set aside as poison (it lost its worker or stalled MPR_MAX_ITEM_TRIES times). */
export interface DeadItem {
  /** Its chunk stream, e.g. `chunk:<job>:3` (attempt 1) or `chunk:<job>:3:r2`. */
  itemId: string;
  jobId: string;
  attempt: number;
  n: number;
  kind: string;
  reason: string;
  tries: number;
  history: DeadItemTry[];
  at: string;
}

/** What a job is planned for: the work items the pool that runs it takes at once, and the cores they share (null when unknown). */
export interface PoolCapacity {
  slots: number;
  cores: number | null;
}

/** `POST /api/work/dead/:itemId/retry` and `DELETE /api/work/dead/:itemId`. */
export interface DeadItemResolved {
  item: DeadItem;
  action: 'retried' | 'dropped';
  jobId: string;
}
