/**
 * What a job is planned for (defect 4 of issue 13: a leader with
 * MPR_WORKERS=0 planned every job as one chunk). In order:
 * - MPR_PLAN_WORKERS, when set: the operator's target (an autoscaled pool);
 *   its cores are unknown, so encoders pick their own threads;
 * - with the shared queue, the live workers that take work, by heartbeat:
 *   their summed slots, and the cores of the most crowded one per slot;
 * - no worker registered yet (a cluster starting): this host's cores, a
 *   guess that a worker is as big as this node;
 * - the in-process queue: this process's own slots and cores.
 */
import { availableParallelism } from 'node:os';
import type { PoolCapacity, WorkerDto } from '../../types/workers.ts';

/** Pure: the capacity of the live, taking workers, or null when there is none. */
export const capacityOfWorkers = (listed: readonly Pick<WorkerDto, 'status' | 'state' | 'concurrency' | 'cpus'>[]): PoolCapacity | null => {
  const taking = listed.filter((w) => w.status === 'live' && w.state === 'running' && w.concurrency > 0);
  if (taking.length === 0) return null;
  const slots = taking.reduce((a, w) => a + w.concurrency, 0);
  const coresPerSlot = Math.min(...taking.map((w) => w.cpus / w.concurrency));
  return { slots, cores: Math.max(1, Math.floor(coresPerSlot * slots)) };
};

export const planCapacity = async (d: {
  shared: boolean;
  /** MPR_PLAN_WORKERS, or null. */
  target: number | null;
  /** This process's slots (MPR_WORKERS). */
  localSlots: number;
  registry: { list(): Promise<Pick<WorkerDto, 'status' | 'state' | 'concurrency' | 'cpus'>[]> };
  cores?: number;
}): Promise<PoolCapacity> => {
  const cores = d.cores ?? availableParallelism();
  if (d.target !== null) return { slots: d.target, cores: null };
  if (!d.shared) return { slots: Math.max(1, d.localSlots), cores };
  const pool = capacityOfWorkers(await d.registry.list().catch(() => []));
  return pool ?? { slots: Math.max(1, d.localSlots || cores), cores: null };
};
