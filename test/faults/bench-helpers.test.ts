/** The scale benchmark's pure helpers: job end times, chunk types, and the moment one worker alone encodes. */
import { describe, expect, test } from 'bun:test';
import type { StoredEvent } from '../../src/events/types.ts';
import { chunkTypes, lastJobEndMs, perMinute, soleHolder } from './bench-helpers.ts';
import type { ProcInfo } from './procs.ts';

let position = 0;
const ev = (stream: string, type: string, at: string, data: Record<string, unknown> = {}): StoredEvent =>
  ({ stream, version: 1, position: ++position, type, data, meta: { at } }) as unknown as StoredEvent;
const ff = (pid: number): ProcInfo => ({ pid, ppid: 1, state: 'R', comm: 'ffmpeg', cmdline: 'ffmpeg -i x' });

describe('scale benchmark helpers', () => {
  test('the batch ends at the last job end, and not while a job is still open', () => {
    const events = [
      ev('job:a', 'JobCreated', '2026-01-01T00:00:00.000Z'),
      ev('job:a', 'JobCompleted', '2026-01-01T00:00:10.000Z'),
      ev('job:b', 'JobFailed', '2026-01-01T00:00:12.500Z'),
      ev('job:c', 'JobCompleted', '2026-01-01T00:00:11.000Z'),
      ev('job:c', 'JobCompleted', '2026-01-01T00:00:30.000Z'),
    ];
    expect(lastJobEndMs(events, ['a', 'b', 'c'])).toBe(Date.parse('2026-01-01T00:00:12.500Z'));
    expect(lastJobEndMs(events, ['a', 'd'])).toBeNull();
    expect(lastJobEndMs(events, [])).toBeNull();
    expect(perMinute(10, 30_000)).toBe(20);
  });

  test('chunk types come from ChunkCreated specs', () => {
    const types = chunkTypes([
      ev('chunk:j:0', 'ChunkCreated', '2026-01-01T00:00:00.000Z', { spec: { type: 'video' } }),
      ev('chunk:j:1', 'ChunkCreated', '2026-01-01T00:00:00.000Z', { spec: { type: 'audio' } }),
      ev('chunk:j:2', 'ChunkStarted', '2026-01-01T00:00:00.000Z', { spec: { type: 'video' } }),
    ]);
    expect([...types]).toEqual([
      ['chunk:j:0', 'video'],
      ['chunk:j:1', 'audio'],
    ]);
  });

  test('one worker holding a video chunk with ffmpeg running while the others idle is the sole holder; anything else is not', () => {
    const types = new Map([
      ['chunk:j:0', 'video'],
      ['chunk:j:1', 'audio'],
    ]);
    const idle = { node: 'w2', open: [], ffmpeg: [] };
    expect(soleHolder([{ node: 'w1', open: ['chunk:j:0'], ffmpeg: [ff(7)] }, idle], types, 'video')).toEqual({
      node: 'w1',
      ffmpeg: ff(7),
      stream: 'chunk:j:0',
    });
    // The other worker is busy too, the chunk is audio, or its ffmpeg has not started (or ended).
    expect(
      soleHolder(
        [
          { node: 'w1', open: ['chunk:j:0'], ffmpeg: [ff(7)] },
          { node: 'w2', open: ['chunk:j:1'], ffmpeg: [ff(8)] },
        ],
        types,
        'video',
      ),
    ).toBeNull();
    expect(soleHolder([{ node: 'w1', open: ['chunk:j:1'], ffmpeg: [ff(7)] }, idle], types, 'video')).toBeNull();
    expect(soleHolder([{ node: 'w1', open: ['chunk:j:0'], ffmpeg: [] }, idle], types, 'video')).toBeNull();
    expect(soleHolder([idle], types, 'video')).toBeNull();
  });
});
