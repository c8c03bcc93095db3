import { expect, test } from 'bun:test';
import { createChunkLanesStore } from './job-detail-chunks.ts';

test("a lane's percent: a stall starts it over at 0 (the chunk runs again), a success is 100", () => {
  const lanes = createChunkLanesStore({ jobChunks: async () => ({ items: [] }) } as never, 'j1', () => null);
  const c = { attempt: 1, n: 0 };
  lanes.notePercent(1, 0, 40);
  lanes.noteEvent(c, 'ChunkStarted');
  expect(lanes.percentOf(c)).toBe(40);
  lanes.noteEvent(c, 'ChunkStalled');
  expect(lanes.percentOf(c)).toBe(0);
  lanes.notePercent(1, 0, 70);
  lanes.noteEvent(c, 'ChunkSucceeded');
  expect(lanes.percentOf(c)).toBe(100);
});
