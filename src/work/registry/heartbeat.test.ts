import { describe, expect, test } from 'bun:test';
import { until } from '../../../test/wait.ts';
import { AppError } from '../../errors.ts';
import { beatOf } from './contract.ts';
import { runHeartbeat } from './heartbeat.ts';
import type { WorkerBeat } from './index.ts';
import { createMemoryWorkerRegistry } from './memory.ts';

const recordingLogger = () => {
  const lines: string[] = [];
  return { lines, logger: { info: (m: string) => void lines.push(`info ${m}`), warn: (m: string) => void lines.push(`warn ${m}`) } };
};

/** A registry that records beats and fails them while `down` is set. */
const flaky = () => {
  const beats: WorkerBeat[] = [];
  const tries = { n: 0 };
  const state = { down: false };
  return {
    beats,
    tries,
    state,
    registry: {
      beat: async (b: WorkerBeat) => {
        tries.n++;
        if (state.down) throw new AppError('unavailable', 'Redis at 127.0.0.1:1 cannot be reached: connect ECONNREFUSED');
        beats.push(structuredClone(b));
      },
    },
  };
};

describe('runHeartbeat', () => {
  test('beats at once, then every everyMs with what info() says now; on abort one last beat says stopped', async () => {
    const r = flaky();
    const { lines, logger } = recordingLogger();
    const stop = new AbortController();
    let done = 0;
    const info = () => beatOf('w1', { done: done++, busy: 1, items: [{ itemId: 'i', jobId: 'j', kind: 'k', n: 0, startedAt: 'x', percent: 5 }] });
    const running = runHeartbeat({ registry: r.registry, info, everyMs: 60_000, signal: stop.signal, logger });
    await until(() => r.beats.length === 1, 'the first beat, at once');
    const fast = new AbortController();
    const r2 = flaky();
    const ticking = runHeartbeat({ registry: r2.registry, info, everyMs: 20, signal: fast.signal, logger });
    await until(() => r2.beats.length >= 4, 'four beats 20 ms apart', 10_000);
    fast.abort();
    await ticking;
    // Each beat read info() anew.
    const counts = r2.beats.map((b) => b.done);
    expect(new Set(counts).size).toBe(counts.length);

    stop.abort();
    await running;
    expect(r.beats.map((b) => b.state)).toEqual(['running', 'stopped']);
    expect(r.beats[1]).toMatchObject({ id: 'w1', busy: 0, items: [], state: 'stopped' });
    expect(r2.beats.at(-1)!.state).toBe('stopped');
    expect(r2.beats.filter((b) => b.state === 'stopped')).toHaveLength(1);
    expect(lines).toEqual([]);
  });

  test('a failing beat is survived and told once per outage; the recovery is told too', async () => {
    const r = flaky();
    const { lines, logger } = recordingLogger();
    const stop = new AbortController();
    r.state.down = true;
    const running = runHeartbeat({ registry: r.registry, info: () => beatOf('w1'), everyMs: 5, signal: stop.signal, logger });
    await until(() => r.tries.n >= 6, 'six failed beats', 10_000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toStartWith('warn worker registry: could not record a heartbeat of w1 (Redis at 127.0.0.1:1 cannot be reached');
    expect(lines[0]).toContain('its work goes on');
    r.state.down = false;
    await until(() => r.beats.length >= 2, 'beats to get through again', 10_000);
    expect(lines[1]).toBe('info worker registry: heartbeats of w1 are recorded again');
    r.state.down = true;
    const seen = r.tries.n;
    await until(() => r.tries.n >= seen + 4, 'a second outage', 10_000);
    expect(lines.filter((l) => l.startsWith('warn'))).toHaveLength(2);
    r.state.down = false;
    stop.abort();
    await running;
    expect(r.beats.at(-1)!.state).toBe('stopped');
  });

  test('an info() that throws is a failed beat, not the end of the heartbeat', async () => {
    const r = flaky();
    const { lines, logger } = recordingLogger();
    const stop = new AbortController();
    let calls = 0;
    const info = () => {
      if (++calls <= 2) throw new Error('runner not ready');
      return beatOf('w1');
    };
    const running = runHeartbeat({ registry: r.registry, info, everyMs: 5, signal: stop.signal, logger });
    await until(() => r.beats.length >= 1, 'a beat once info() answers', 10_000);
    stop.abort();
    await running;
    expect(lines[0]).toContain('runner not ready');
    expect(r.beats.at(-1)!.state).toBe('stopped');
  });

  test('the stop beat failing is told; an already aborted signal beats nothing', async () => {
    const r = flaky();
    const { lines, logger } = recordingLogger();
    const stop = new AbortController();
    const running = runHeartbeat({ registry: r.registry, info: () => beatOf('w1'), everyMs: 60_000, signal: stop.signal, logger });
    await until(() => r.beats.length === 1, 'the first beat');
    r.state.down = true;
    stop.abort();
    await running;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('could not record that w1 stopped');

    const idle = flaky();
    await runHeartbeat({ registry: idle.registry, info: () => beatOf('w2'), everyMs: 5, signal: AbortSignal.abort(), logger });
    expect(idle.tries.n).toBe(0);
  });

  test('into a real registry: live while it beats, stopped after', async () => {
    const registry = createMemoryWorkerRegistry({ lostAfterMs: 60_000 });
    const { logger } = recordingLogger();
    const stop = new AbortController();
    const running = runHeartbeat({ registry, info: () => beatOf('w1', { done: 3 }), everyMs: 10, signal: stop.signal, logger });
    await until(async () => (await registry.list()).length === 1, 'the worker to be listed');
    expect((await registry.list())[0]).toMatchObject({ status: 'live', done: 3 });
    stop.abort();
    await running;
    expect((await registry.list())[0]).toMatchObject({ status: 'stopped', done: 3 });
  });
});
