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

describe('chunk decider: started and cancelled', () => {
  const started: ChunkEvent = { type: 'ChunkStarted', data: { jobId: 'j', n: 2, worker: 'node-a', at } };

  test('started once per worker: a re-delivery decides nothing, a takeover by another worker is a new start', () => {
    expect(given(chunkDecider, [created]).when({ type: 'StartChunk', data: { worker: 'node-a', at } }).events).toEqual([started]);
    expect(given(chunkDecider, [created, started]).when({ type: 'StartChunk', data: { worker: 'node-a', at } }).events).toEqual([]);
    expect(given(chunkDecider, [created, started]).when({ type: 'StartChunk', data: { worker: 'node-b', at } }).events).toEqual([
      { type: 'ChunkStarted', data: { jobId: 'j', n: 2, worker: 'node-b', at } },
    ]);
    const { state } = given(chunkDecider, [created, started]);
    expect(state).toMatchObject({ status: 'started', worker: 'node-a' });
  });

  test('a started chunk finishes once; a finished one does not start again', () => {
    const ok = given(chunkDecider, [created, started]).when({ type: 'CompleteChunk', data: { result: 'h', at } }).events!;
    expect(ok).toEqual([{ type: 'ChunkSucceeded', data: { jobId: 'j', n: 2, result: 'h', at } }]);
    expect(given(chunkDecider, [created, started, ok[0]!]).when({ type: 'StartChunk', data: { worker: 'node-b', at } }).events).toEqual([]);
  });

  test('cancelled while queued or running, once; after it nothing starts or finishes', () => {
    const cancelled: ChunkEvent = { type: 'ChunkCancelled', data: { jobId: 'j', n: 2, attempt: 2, reason: 'the job cancelled', at } };
    const retried: ChunkEvent = { type: 'ChunkCreated', data: { ...(created.data as object), attempt: 2 } as never };
    expect(given(chunkDecider, [retried]).when({ type: 'CancelChunk', data: { reason: 'the job cancelled', at } }).events).toEqual([cancelled]);
    expect(given(chunkDecider, [created, started]).when({ type: 'CancelChunk', data: { reason: 'r', at } }).events).toEqual([
      { type: 'ChunkCancelled', data: { jobId: 'j', n: 2, reason: 'r', at } },
    ]);
    for (const cmd of [
      { type: 'CancelChunk', data: { reason: 'again', at } },
      { type: 'StartChunk', data: { worker: 'node-a', at } },
      { type: 'CompleteChunk', data: { result: 1, at } },
      { type: 'FailChunk', data: { reason: 'late', at } },
    ] as const) {
      expect(given(chunkDecider, [retried, cancelled]).when(cmd).events).toEqual([]);
    }
    expect(given(chunkDecider, [retried, cancelled]).state.status).toBe('cancelled');
  });

  test('starting or cancelling a chunk that does not exist is refused', () => {
    expect((given(chunkDecider, []).when({ type: 'StartChunk', data: { worker: 'w', at } }).error as AppError).code).toBe('not_found');
    expect((given(chunkDecider, []).when({ type: 'CancelChunk', data: { reason: 'r', at } }).error as AppError).code).toBe('not_found');
  });
});

describe('chunk decider: stalls', () => {
  const started: ChunkEvent = { type: 'ChunkStarted', data: { jobId: 'j', n: 2, worker: 'node-a', at } };
  const stall = {
    type: 'RecordStall',
    data: { worker: 'node-a', stalledSeconds: 60, reason: 'ffmpeg made no progress for 60 s (hung or stopped): killed', at },
  } as const;

  test('a running chunk records each stall and keeps running: it is tried again, then finishes once', () => {
    const stalled = given(chunkDecider, [created, started]).when(stall).events!;
    expect(stalled).toEqual([{ type: 'ChunkStalled', data: { jobId: 'j', n: 2, ...stall.data } }]);
    const { state } = given(chunkDecider, [created, started, stalled[0]!]);
    expect(state).toMatchObject({ status: 'started', worker: 'node-a' });
    expect(given(chunkDecider, [created, started, stalled[0]!]).when(stall).events).toHaveLength(1);
    expect(given(chunkDecider, [created, started, stalled[0]!]).when({ type: 'CompleteChunk', data: { result: 'h', at } }).events).toHaveLength(1);
  });

  test('a stall of a chunk not running (queued, finished, cancelled) records nothing', () => {
    const ok: ChunkEvent = { type: 'ChunkSucceeded', data: { jobId: 'j', n: 2, result: 'h', at } };
    expect(given(chunkDecider, [created]).when(stall).events).toEqual([]);
    expect(given(chunkDecider, [created, started, ok]).when(stall).events).toEqual([]);
  });
});
