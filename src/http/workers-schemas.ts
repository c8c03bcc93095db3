/** The worker registry's models for OpenAPI (`GET /api/workers`), registered in schemas.ts's MODELS. */
import { t, type TSchema } from 'elysia';
import { int, iso, nullable } from './schema-kinds.ts';

const WorkerItem = t.Object(
  {
    itemId: t.String({ description: "the work item (a chunk's stream name)" }),
    jobId: t.String(),
    kind: t.String({ description: 'the job kind: transcode, checksum, detect' }),
    n: nullable(int({ minimum: 0, description: "the chunk's number in its job; null for an item that is not a chunk" })),
    startedAt: iso(),
    percent: nullable(t.Number({ minimum: 0, maximum: 100, description: 'null until the item says' })),
  },
  { description: 'A work item running on a worker' },
);

export const Worker = t.Object(
  {
    id: t.String({ description: "the node id (host-pid-random): the worker's name in the work queue" }),
    host: t.String(),
    pid: int(),
    version: t.String({ description: 'the MPR version it runs' }),
    role: t.Union([t.Literal('start'), t.Literal('worker')], { description: 'start: an mpr start running work beside its API; worker: an mpr worker' }),
    concurrency: int({ minimum: 0, description: 'work items it runs at once (its MPR_WORKERS)' }),
    busy: int({ minimum: 0, description: 'work items running now' }),
    items: t.Array(WorkerItem),
    done: int({ minimum: 0, description: 'items finished there since it started' }),
    failed: int({ minimum: 0, description: 'items failed there since it started' }),
    load: t.Number({ description: "the host's 1-minute load average" }),
    cpus: int({ description: "the host's CPU count" }),
    startedAt: iso(),
    lastBeat: iso('its last heartbeat'),
    state: t.Union([t.Literal('running'), t.Literal('draining'), t.Literal('stopped')], { description: 'what the worker says it does' }),
    status: t.Union([t.Literal('live'), t.Literal('lost'), t.Literal('stopped')], {
      description: 'live: beating in time; lost: silent longer than lostAfterSeconds (its items are taken over); stopped: it said so',
    }),
    beatAgeSeconds: int({ minimum: 0, description: 'seconds since its last heartbeat, by the server’s clock' }),
  },
  { description: 'A worker as its last heartbeat told it' },
);

export const WorkerList = t.Object(
  {
    workers: t.Array(Worker, { description: 'live first, then lost, then stopped' }),
    capacity: int({ minimum: 0, description: 'the summed concurrency of the live workers that take work (not draining)' }),
    lostAfterSeconds: int({ minimum: 1, description: 'a worker silent this long is lost (MPR_RECLAIM_SECONDS)' }),
  },
  { description: 'The workers registered by heartbeat, and the capacity of the pool' },
);

const DeadItem = t.Object(
  {
    itemId: t.String({ description: 'its chunk stream, e.g. chunk:<job>:3' }),
    jobId: t.String(),
    attempt: int({ minimum: 1 }),
    n: int({ minimum: 0 }),
    kind: t.String(),
    reason: t.String({ description: 'why it was set aside; its job failed with it' }),
    tries: int({ minimum: 1, description: 'takes that lost their worker, and stalls' }),
    history: t.Array(
      t.Object({
        what: t.Union([t.Literal('taken'), t.Literal('stalled'), t.Literal('handed-back')]),
        worker: t.String(),
        at: iso(),
        stalledSeconds: t.Optional(t.Number()),
      }),
      { description: 'every take and stall, in order' },
    ),
    at: iso('when it was set aside'),
  },
  { description: 'A work item set aside as poison' },
);

export const DeadItemPage = t.Object(
  { items: t.Array(DeadItem), total: int({ minimum: 0, description: 'items in the list' }) },
  { description: 'A page of the dead-letter list, newest first' },
);

export const DeadItemResolved = t.Object(
  { item: DeadItem, action: t.Union([t.Literal('retried'), t.Literal('dropped')]), jobId: t.String() },
  { description: 'What was done with a dead-lettered item' },
);

export const WORKERS_MODELS = { Worker, WorkerList, DeadItem, DeadItemPage, DeadItemResolved } as const satisfies Record<string, TSchema>;
