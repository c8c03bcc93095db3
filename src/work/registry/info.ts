/**
 * What a worker says about itself in a heartbeat, read from its chunk runner
 * (the items it runs, with their progress, and its counters) and its host
 * (load, CPUs). The host readings are injectable, so it tests without them.
 */
import { availableParallelism, hostname, loadavg } from 'node:os';
import pkg from '../../../package.json' with { type: 'json' };
import type { WorkerBeat, WorkerItem, WorkerRole, WorkerState } from './index.ts';

/** What the registry reads from the chunk runner. */
export interface WorkSource {
  /** The items running here now, with their progress. */
  current(): WorkerItem[];
  /** Items running now; items finished and failed here since start. */
  stats(): { busy: number; done: number; failed: number };
}

export const workerInfo = (d: {
  /** The node id (the work queue's consumer name). */
  id: string;
  role: WorkerRole;
  concurrency: number;
  work: WorkSource;
  /** ISO time the worker started. */
  startedAt: string;
  /** running, or draining once it stops taking work; the heartbeat itself says stopped. */
  state?: () => Exclude<WorkerState, 'stopped'>;
  host?: string;
  pid?: number;
  version?: string;
  load?: () => number;
  cpus?: number;
}): (() => WorkerBeat) => {
  const host = d.host ?? hostname();
  const pid = d.pid ?? process.pid;
  const version = d.version ?? pkg.version;
  const load = d.load ?? (() => loadavg()[0] ?? 0);
  const cpus = d.cpus ?? availableParallelism();
  return () => {
    const s = d.work.stats();
    return {
      id: d.id,
      host,
      pid,
      version,
      role: d.role,
      concurrency: d.concurrency,
      busy: s.busy,
      items: d.work.current(),
      done: s.done,
      failed: s.failed,
      load: Math.round(load() * 100) / 100,
      cpus,
      startedAt: d.startedAt,
      state: d.state?.() ?? 'running',
    };
  };
};
