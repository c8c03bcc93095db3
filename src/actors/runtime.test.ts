import { describe, expect, test } from 'bun:test';
import { AppError, VersionConflict } from '../errors.ts';
import type { EventLog } from '../events/log/index.ts';
import { createSqliteLog, openDatabase } from '../events/log/sqlite.ts';
import type { Decider } from './decider.ts';
import { createRuntime } from './runtime.ts';

type Cmd = { type: 'Add'; n: number; slowMs?: number } | { type: 'Fail' };
type Ev = { type: 'Added'; data: { n: number; total: number } };
const counter: Decider<{ total: number; seen: number }, Cmd, Ev> = {
  initial: () => ({ total: 0, seen: 0 }),
  evolve: (s, e) => (e.type === 'Added' ? { total: (e.data as Ev['data']).total, seen: s.seen + 1 } : s),
  decide: (c, s) => {
    if (c.type === 'Fail') throw new AppError('invalid_state', 'no');
    return c.n === 0 ? [] : [{ type: 'Added', data: { n: c.n, total: s.total + c.n } }];
  },
};

const memLog = () => createSqliteLog({ db: openDatabase(':memory:'), maxEventBytes: 1 << 20, now: () => '2026-01-01T00:00:00.000Z', onCorrupt: () => {} });

describe('actor runtime', () => {
  test('commands to one stream run one at a time; totals never interleave', async () => {
    const log = memLog();
    const rt = createRuntime({ log });
    await Promise.all(Array.from({ length: 50 }, (_, i) => rt.execute('job:m', counter, { type: 'Add', n: i + 1 })));
    const events = await log.readStream('job:m');
    expect(events).toHaveLength(50);
    // Each decision saw the state left by the one before it.
    expect(events.at(-1)!.data).toEqual({ n: 50, total: 1275 });
    expect((await rt.load('job:m', counter)).state).toEqual({ total: 1275, seen: 50 });
  });

  test('a version conflict from another writer reloads the stream and decides again', async () => {
    const inner = memLog();
    let interfered = false;
    // Another process appends between our load and our append, once.
    const log: EventLog = {
      ...inner,
      async append(stream, events, expected) {
        if (!interfered) {
          interfered = true;
          await inner.append(stream, [{ type: 'Added', data: { n: 100, total: 100 } }], expected);
        }
        return inner.append(stream, events, expected);
      },
    };
    const rt = createRuntime({ log });
    const r = await rt.execute('job:c', counter, { type: 'Add', n: 1 });
    expect(r.events.map((e) => e.data)).toEqual([{ n: 1, total: 101 }]);
    expect(r.state).toEqual({ total: 101, seen: 2 });
  });

  test('gives up after too many conflicts with the conflict error', async () => {
    const inner = memLog();
    const log: EventLog = { ...inner, append: async (s, _e, v) => Promise.reject(new VersionConflict(s, v, v + 1)) };
    const rt = createRuntime({ log, maxConflictRetries: 3 });
    await expect(rt.execute('job:x', counter, { type: 'Add', n: 1 })).rejects.toBeInstanceOf(VersionConflict);
  });

  test('a rejection appends nothing and does not block the mailbox', async () => {
    const log = memLog();
    const rt = createRuntime({ log });
    await expect(rt.execute('job:r', counter, { type: 'Fail' })).rejects.toThrow('no');
    await rt.execute('job:r', counter, { type: 'Add', n: 2 });
    expect(await log.version('job:r')).toBe(1);
  });

  test('state is cached by version and picks up events appended elsewhere', async () => {
    const log = memLog();
    const rt = createRuntime({ log });
    await rt.execute('job:k', counter, { type: 'Add', n: 1 });
    await log.append('job:k', [{ type: 'Added', data: { n: 5, total: 6 } }], 1);
    const loaded = await rt.load('job:k', counter);
    expect(loaded).toMatchObject({ state: { total: 6, seen: 2 }, version: 2 });
  });

  test('a command that decides nothing returns the current state', async () => {
    const rt = createRuntime({ log: memLog() });
    const r = await rt.execute('job:z', counter, { type: 'Add', n: 0 });
    expect(r.events).toEqual([]);
    expect(r.version).toBe(0);
  });
});
