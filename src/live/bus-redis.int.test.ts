import { afterAll, expect, test } from 'bun:test';
import { Redis } from 'ioredis';
import { testRedisUrl, uniquePrefix } from '../../test/redis-server.ts';
import { until } from '../../test/wait.ts';
import type { BusMessage } from './bus.ts';
import { createRedisBus } from './bus-redis.ts';

const redis = new Redis(testRedisUrl());
afterAll(() => redis.disconnect());

const tick = (topic: string, percent: number): BusMessage => ({ topic, kind: 'progress', data: { percent }, at: new Date().toISOString() });
const percents = (msgs: BusMessage[]) => msgs.map((m) => (m.data as { percent: number }).percent);

test('buses on one prefix hear each other; a bus on another prefix hears nothing', async () => {
  const prefix = uniquePrefix('bus');
  const a = createRedisBus({ redis, prefix });
  const b = createRedisBus({ redis, prefix });
  const other = createRedisBus({ redis, prefix: uniquePrefix('bus') });
  try {
    await Promise.all([a.ready, b.ready, other.ready]);
    const heardA: BusMessage[] = [];
    const heardB: BusMessage[] = [];
    const heardOther: BusMessage[] = [];
    a.subscribe((m) => heardA.push(m));
    b.subscribe((m) => heardB.push(m));
    other.subscribe((m) => heardOther.push(m));
    a.publish(tick('job:x', 1));
    b.publish(tick('job:x', 2));
    await until(() => heardA.length === 2 && heardB.length === 2, 'both ticks on both buses', 2000);
    expect(percents(heardA)).toEqual([1, 2]);
    expect(percents(heardB)).toEqual([1, 2]);
    expect(heardB[0]).toMatchObject({ topic: 'job:x', kind: 'progress' });
    // A marker sent after the ticks: once it is heard on the other prefix,
    // anything leaking from this one would have been heard before it.
    other.publish(tick('job:marker', 99));
    await until(() => heardOther.length === 1, 'the marker on the other prefix', 2000);
    expect(percents(heardOther)).toEqual([99]);
  } finally {
    await Promise.all([a.close(), b.close(), other.close()]);
  }
});

test('malformed messages are ignored, throwing listeners do not stop the rest, unsubscribe works', async () => {
  const prefix = uniquePrefix('bus');
  const bus = createRedisBus({ redis, prefix });
  try {
    await bus.ready;
    const heard: BusMessage[] = [];
    bus.subscribe(() => {
      throw new Error('broken listener');
    });
    const off = bus.subscribe((m) => heard.push(m));
    for (const raw of ['not json', 'null', '42', '{"topic":"job:x"}', '{"topic":1,"kind":"progress","at":"x"}']) {
      await redis.publish(`${prefix}bus`, raw);
    }
    bus.publish(tick('job:x', 7));
    await until(() => heard.length === 1, 'the well-formed tick', 2000);
    expect(percents(heard)).toEqual([7]);
    off();
    // Handlers on one bus hear messages in publish order: once a later
    // handler hears the next tick, the removed one would have heard it too.
    const later: BusMessage[] = [];
    bus.subscribe((m) => later.push(m));
    bus.publish(tick('job:x', 8));
    await until(() => later.length === 1, 'the tick after unsubscribing', 2000);
    expect(percents(heard)).toEqual([7]);
  } finally {
    await bus.close();
  }
});

test('publish never throws, not for an unserializable payload nor after close', async () => {
  const bus = createRedisBus({ redis, prefix: uniquePrefix('bus') });
  await bus.ready;
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  expect(() => bus.publish({ topic: 'job:x', kind: 'progress', data: cyclic, at: 'now' })).not.toThrow();
  expect(() => bus.publish({ topic: 'job:x', kind: 'progress', data: 10n, at: 'now' })).not.toThrow();
  await bus.close();
  const gone = new Redis(testRedisUrl());
  const closedBus = createRedisBus({ redis: gone, prefix: uniquePrefix('bus') });
  await closedBus.ready;
  gone.disconnect();
  expect(() => closedBus.publish(tick('job:x', 1))).not.toThrow();
  await closedBus.close();
});
