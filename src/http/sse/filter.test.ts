import { expect, test } from 'bun:test';
import { parseEventFilter } from './filter.ts';

test('telemetry is 0/1 or false/true; any other word, even one every object has, is a 400', () => {
  expect(parseEventFilter({}).telemetry).toBe(true);
  expect(parseEventFilter({ telemetry: '0' }).telemetry).toBe(false);
  expect(parseEventFilter({ telemetry: 'true' }).telemetry).toBe(true);
  // The route's schema hands numbers over as numbers.
  expect(parseEventFilter({ telemetry: 1 as unknown as string }).telemetry).toBe(true);
  expect(parseEventFilter({ telemetry: 0 as unknown as string }).telemetry).toBe(false);
  for (const bad of ['constructor', 'toString', '__proto__', 'yes']) {
    expect(() => parseEventFilter({ telemetry: bad })).toThrow('telemetry: expected 0 or 1');
  }
});
