import { describe, expect, test } from 'bun:test';
import { createMemoryBus, type BusMessage } from '../live/bus.ts';
import { createProgressTracker, etaSeconds, jobPercent } from './progress.ts';

describe('progress telemetry', () => {
  test('job percent weighs chunks by their share of the work', () => {
    const weights = new Map([
      [0, 3],
      [1, 1],
    ]);
    expect(jobPercent(weights, new Set(), new Map())).toBe(0);
    expect(jobPercent(weights, new Set([1]), new Map([[0, 50]]))).toBe(62.5);
    expect(jobPercent(weights, new Set([0, 1]), new Map())).toBe(100);
  });

  test('ETA from the time spent and the share done', () => {
    expect(etaSeconds(10_000, 25)).toBe(30);
    expect(etaSeconds(10_000, 0)).toBeNull();
    expect(etaSeconds(10_000, 100)).toBe(0);
  });

  test('ticks are throttled per chunk; starts, ends and 100% always go out', () => {
    const bus = createMemoryBus();
    const got: BusMessage[] = [];
    bus.subscribe((m) => got.push(m));
    let clock = 0;
    const t = createProgressTracker({ bus, now: () => 'T', intervalMs: 250, clock: () => clock });
    const weights = new Map([
      [0, 1],
      [1, 1],
    ]);
    t.start('j', 1, weights, [], 0);
    for (let i = 1; i <= 10; i++) {
      clock += 50;
      t.tick('j', 0, { percent: i * 10, fps: 100 });
    }
    t.end('j', 0, true);
    const chunkTicks = got.filter((m) => m.kind === 'chunk-progress').map((m) => (m.data as { percent: number }).percent);
    expect(chunkTicks).toEqual([10, 60, 100]);
    const jobTicks = got.filter((m) => m.kind === 'job-progress').map((m) => (m.data as { percent: number }).percent);
    expect(jobTicks[0]).toBe(0);
    expect(jobTicks.at(-1)).toBe(50);
    expect(got.every((m) => m.topic === 'job:j')).toBe(true);
  });
});
