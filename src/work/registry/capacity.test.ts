import { describe, expect, test } from 'bun:test';
import type { WorkerDto } from '../../types/workers.ts';
import { capacityOfWorkers, planCapacity } from './capacity.ts';

type W = Pick<WorkerDto, 'status' | 'state' | 'concurrency' | 'cpus'>;
const w = (concurrency: number, cpus: number, status: W['status'] = 'live', state: W['state'] = 'running'): W => ({ status, state, concurrency, cpus });
const registry = (list: W[]) => ({ list: async () => list });

describe('what a job is planned for', () => {
  test('the live workers that take work: their slots, and the cores of the most crowded per slot', () => {
    expect(capacityOfWorkers([w(2, 4), w(4, 16), w(8, 8, 'lost'), w(3, 3, 'live', 'draining')])).toEqual({ slots: 6, cores: 12 });
    expect(capacityOfWorkers([w(1, 2, 'stopped')])).toBeNull();
  });

  test('an API node with MPR_WORKERS=0 plans for the pool, not for itself', async () => {
    expect(await planCapacity({ shared: true, target: null, localSlots: 0, registry: registry([w(2, 2), w(2, 2)]), cores: 2 })).toEqual({ slots: 4, cores: 4 });
    // Nobody registered yet: a guess the size of this host, threads left to the encoder.
    expect(await planCapacity({ shared: true, target: null, localSlots: 0, registry: registry([]), cores: 8 })).toEqual({ slots: 8, cores: null });
    // The registry unreachable is the same as nobody registered.
    const down = { list: () => Promise.reject(new Error('ECONNREFUSED')) };
    expect(await planCapacity({ shared: true, target: null, localSlots: 3, registry: down, cores: 8 })).toEqual({ slots: 3, cores: null });
  });

  test('MPR_PLAN_WORKERS wins; the in-process queue plans for this process', async () => {
    expect(await planCapacity({ shared: true, target: 12, localSlots: 0, registry: registry([w(2, 2)]), cores: 2 })).toEqual({ slots: 12, cores: null });
    expect(await planCapacity({ shared: false, target: null, localSlots: 0, registry: registry([w(9, 9)]), cores: 2 })).toEqual({ slots: 1, cores: 2 });
    expect(await planCapacity({ shared: false, target: null, localSlots: 4, registry: registry([]), cores: 2 })).toEqual({ slots: 4, cores: 2 });
  });
});
