import { describe, expect, test } from 'bun:test';
import type { WorkerDto } from '../types/workers.ts';
import { ago, itemText, workersLines } from './workers-command.ts';

const worker = (over: Partial<WorkerDto>): WorkerDto => ({
  id: 'box-1-abc',
  host: 'box',
  pid: 101,
  version: '0.1.0',
  role: 'worker',
  concurrency: 2,
  busy: 0,
  items: [],
  done: 0,
  failed: 0,
  load: 0.5,
  cpus: 4,
  startedAt: '2026-01-01T00:00:00.000Z',
  lastBeat: '2026-01-01T00:00:00.000Z',
  state: 'running',
  status: 'live',
  beatAgeSeconds: 3,
  ...over,
});

describe('mpr workers output', () => {
  test('ago', () => {
    expect([0, 3, 119, 120, 3599, 7199, 7200, 172_799, 172_800].map(ago)).toEqual([
      '0 s ago',
      '3 s ago',
      '119 s ago',
      '2 min ago',
      '59 min ago',
      '119 min ago',
      '2 h ago',
      '47 h ago',
      '2 d ago',
    ]);
  });

  test('an item: job:n and its percent, or ? before it says', () => {
    const base = { itemId: 'i', jobId: 'j1', kind: 'transcode', startedAt: 'x' };
    expect(itemText({ ...base, n: 3, percent: 37.9 })).toBe('j1:3 37%');
    expect(itemText({ ...base, n: 0, percent: null })).toBe('j1:0 ?');
    expect(itemText({ ...base, n: null, percent: 100 })).toBe('j1 100%');
  });

  test('a table with one line per worker, lost ones in capitals, and the capacity under it', () => {
    const items = [
      { itemId: 'a', jobId: 'j1', kind: 'transcode', n: 2, startedAt: 'x', percent: 50 },
      { itemId: 'b', jobId: 'j2', kind: 'checksum', n: 0, startedAt: 'x', percent: null },
    ];
    const lines = workersLines({
      workers: [
        worker({ id: 'box-1-abc', busy: 2, items, done: 14, failed: 1, load: 1.234 }),
        worker({ id: 'box-2-def', host: 'other-host', state: 'draining', concurrency: 4 }),
        worker({ id: 'old-9', status: 'lost', beatAgeSeconds: 75 }),
      ],
      capacity: 2,
      lostAfterSeconds: 60,
    });
    expect(lines[0]).toMatch(/^ID\s+HOST\s+PID\s+STATUS\s+BUSY\s+DONE\s+FAILED\s+LOAD\s+LAST BEAT\s+ITEMS$/);
    expect(lines[1]).toMatch(/^box-1-abc\s+box\s+101\s+live\s+2\/2\s+14\s+1\s+1\.23\/4\s+3 s ago\s+j1:2 50%, j2:0 \?$/);
    expect(lines[2]).toMatch(/^box-2-def\s+other-host\s+101\s+draining\s+0\/4\s+0\s+0\s+0\.50\/4\s+3 s ago\s+-$/);
    expect(lines[3]).toMatch(/^old-9\s+box\s+101\s+LOST\s+0\/2\s.*75 s ago\s+-$/);
    // Columns line up: every row has its STATUS where the header has it.
    const at = lines[0]!.indexOf('STATUS');
    expect(lines.slice(1, 4).map((l) => l.slice(at).split(/\s+/)[0])).toEqual(['live', 'draining', 'LOST']);
    expect(lines.at(-1)).toBe('2 live, capacity 2; 1 LOST (no heartbeat for over 60 s: their items are taken over by the others)');
  });

  test('no workers: how to start one', () => {
    expect(workersLines({ workers: [], capacity: 0, lostAfterSeconds: 60 })).toEqual([
      'no workers have registered: start one with mpr worker (MPR_WORK_QUEUE=redis and REDIS_URL, as the server), or run the server with mpr start',
    ]);
  });
});
