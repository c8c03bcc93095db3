import { expect, test } from 'bun:test';
import { createMemoryBus, type BusMessage } from './bus.ts';

const tick = (topic: string, percent: number): BusMessage => ({ topic, kind: 'progress', data: { percent }, at: new Date().toISOString() });

test('in-process bus: every subscriber hears, a throwing one does not stop the rest, unsubscribe works', () => {
  const bus = createMemoryBus();
  const got: number[] = [];
  bus.subscribe(() => {
    throw new Error('broken listener');
  });
  const off = bus.subscribe((m) => got.push((m.data as { percent: number }).percent));
  bus.publish(tick('job:a', 10));
  off();
  bus.publish(tick('job:a', 20));
  expect(got).toEqual([10]);
});
