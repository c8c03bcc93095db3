import { describe, expect, test } from 'bun:test';
import pkg from '../../../package.json' with { type: 'json' };
import { workerInfo, type WorkSource } from './info.ts';

describe('workerInfo', () => {
  test("reads the runner's items and counters at each call, and the host's load rounded", () => {
    const running = [{ itemId: 'chunk:j1:0', jobId: 'j1', kind: 'transcode', n: 0, startedAt: '2026-01-01T00:00:00.000Z', percent: 42.5 }];
    let done = 1;
    const work: WorkSource = { current: () => running, stats: () => ({ busy: running.length, done, failed: 2 }) };
    let state: 'running' | 'draining' = 'running';
    const info = workerInfo({
      id: 'node-1',
      role: 'start',
      concurrency: 4,
      work,
      startedAt: '2026-01-01T00:00:00.000Z',
      state: () => state,
      host: 'box',
      pid: 77,
      load: () => 1.23456,
      cpus: 8,
    });
    expect(info()).toEqual({
      id: 'node-1',
      host: 'box',
      pid: 77,
      version: pkg.version,
      role: 'start',
      concurrency: 4,
      busy: 1,
      items: running,
      done: 1,
      failed: 2,
      load: 1.23,
      cpus: 8,
      startedAt: '2026-01-01T00:00:00.000Z',
      state: 'running',
    });
    done = 5;
    state = 'draining';
    expect(info()).toMatchObject({ done: 5, state: 'draining' });
  });

  test('defaults come from this process and host', () => {
    const info = workerInfo({
      id: 'n',
      role: 'worker',
      concurrency: 1,
      work: { current: () => [], stats: () => ({ busy: 0, done: 0, failed: 0 }) },
      startedAt: 'x',
    })();
    expect(info.pid).toBe(process.pid);
    expect(info.cpus).toBeGreaterThan(0);
    expect(info.load).toBeGreaterThanOrEqual(0);
    expect(info.host.length).toBeGreaterThan(0);
    expect(info.state).toBe('running');
  });
});
