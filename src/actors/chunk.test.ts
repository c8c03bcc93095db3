import { describe, expect, test } from 'bun:test';
import { AppError } from '../errors.ts';
import type { ChunkEvent } from '../events/chunk.ts';
import { chunkDecider } from './chunk.ts';
import { given } from './decider.ts';

const at = '2026-01-01T00:00:00.000Z';
const created: ChunkEvent = { type: 'ChunkCreated', data: { jobId: 'j', n: 2, kind: 'checksum', spec: { start: 0 }, params: {}, at } };

describe('chunk decider', () => {
  test('created once: a repeated CreateChunk decides nothing', () => {
    expect(given(chunkDecider, []).when({ type: 'CreateChunk', data: created.data as never }).events).toEqual([created]);
    expect(given(chunkDecider, [created]).when({ type: 'CreateChunk', data: created.data as never }).events).toEqual([]);
  });

  test('finished once: success then a late failure decides nothing', () => {
    const ok = given(chunkDecider, [created]).when({ type: 'CompleteChunk', data: { result: 'h', at } }).events!;
    expect(ok).toEqual([{ type: 'ChunkSucceeded', data: { jobId: 'j', n: 2, result: 'h', at } }]);
    expect(given(chunkDecider, [created, ok[0]!]).when({ type: 'FailChunk', data: { reason: 'late', at } }).events).toEqual([]);
    expect(given(chunkDecider, [created, ok[0]!]).when({ type: 'CompleteChunk', data: { result: 'again', at } }).events).toEqual([]);
  });

  test('finishing a chunk that does not exist is refused', () => {
    const { error } = given(chunkDecider, []).when({ type: 'CompleteChunk', data: { result: null, at } });
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('not_found');
  });
});

describe('chunk decider: attempts', () => {
  test("a retry's chunk reports its attempt, so its job counts it", () => {
    const retried: ChunkEvent = { type: 'ChunkCreated', data: { ...(created.data as object), attempt: 2 } as never };
    expect(given(chunkDecider, [retried]).when({ type: 'CompleteChunk', data: { result: 1, at } }).events).toEqual([
      { type: 'ChunkSucceeded', data: { jobId: 'j', n: 2, attempt: 2, result: 1, at } },
    ]);
  });
});
