/** The fault suite's pure checks catch what they are for (a check that cannot fail proves nothing). */
import { describe, expect, test } from 'bun:test';
import type { StoredEvent } from '../../src/events/types.ts';
import { dumpDifferences, gapProblems, jobOutcomeProblems, logReplacement, renditionProblems } from './checks.ts';
import { parseStat } from './procs.ts';
import { openChunksOf } from './verify.ts';

let position = 0;
const ev = (stream: string, version: number, type: string, data: Record<string, unknown> = {}): StoredEvent =>
  ({ stream, version, position: ++position, type, data, meta: { at: '2026-01-01T00:00:00.000Z' } }) as unknown as StoredEvent;

const completedJob = () => {
  position = 0;
  return [
    ev('job:j1', 1, 'JobCreated'),
    ev('chunk:j1:0', 1, 'ChunkCreated'),
    ev('chunk:j1:0', 2, 'ChunkStarted', { worker: 'h-41-x' }),
    ev('chunk:j1:0', 3, 'ChunkSucceeded'),
    ev('job:j1', 2, 'JobCompleted'),
  ];
};

describe('fault checks', () => {
  test('a job completed once with each chunk done once passes; twice, never, or unexpectedly failed does not', () => {
    const api = [{ id: 'j1', status: 'COMPLETED', sourceKey: 'a.mp4' }];
    expect(jobOutcomeProblems(completedJob(), api)).toEqual([]);
    expect(jobOutcomeProblems([...completedJob(), ev('job:j1', 3, 'JobCompleted')], api).join()).toContain('2 JobCompleted');
    expect(jobOutcomeProblems([...completedJob(), ev('chunk:j1:0', 4, 'ChunkSucceeded')], api).join()).toContain('twice');
    expect(jobOutcomeProblems(completedJob().slice(0, 4), api).join()).toContain('0 JobCompleted');
    position = 0;
    const failed = [ev('job:j1', 1, 'JobCreated'), ev('job:j1', 2, 'JobFailed', { reason: 'disk full' })];
    const failedApi = [{ id: 'j1', status: 'FAILED' }];
    expect(jobOutcomeProblems(failed, failedApi).join()).toContain('FAILED: disk full');
    expect(jobOutcomeProblems(failed, failedApi, (_, reason) => reason === 'disk full')).toEqual([]);
    expect(jobOutcomeProblems(completedJob(), [{ id: 'j1', status: 'PROCESSING' }]).join()).toContain('the API says PROCESSING');
  });

  test('a hole in positions or in a stream’s versions is named', () => {
    expect(gapProblems(completedJob())).toEqual([]);
    const holed = completedJob().filter((e) => e.position !== 3);
    const problems = gapProblems(holed).join('\n');
    expect(problems).toContain('a hole in the global log');
    expect(problems).toContain('chunk:j1:0: versions 1,3');
  });

  test('renditions: doubled names, stray or missing playlists', () => {
    const job = {
      id: 'j1',
      renditions: [
        { name: '360p', key: 'jobs/j1/a1/hls/360p/index.m3u8' },
        { name: 'audio', key: 'jobs/j1/a1/hls/audio/index.m3u8' },
      ],
      outputs: { master: 'jobs/j1/a1/hls/master.m3u8', playlists: ['jobs/j1/a1/hls/360p/index.m3u8', 'jobs/j1/a1/hls/audio/index.m3u8'] },
    };
    const stored = [...job.outputs.playlists, job.outputs.master, 'jobs/j1/a1/hls/360p/seg_000.ts'];
    expect(renditionProblems(job, stored)).toEqual([]);
    expect(renditionProblems({ ...job, renditions: [...job.renditions, job.renditions[0]] }, stored).join()).toContain('duplicate renditions 360p');
    expect(renditionProblems(job, [...stored, 'jobs/j1/a2/hls/360p/index.m3u8']).join()).toContain('does not name: jobs/j1/a2/hls/360p/index.m3u8');
    expect(renditionProblems(job, stored.slice(1)).join()).toContain('the store lacks: jobs/j1/a1/hls/360p/index.m3u8');
  });

  test('read-model dumps: equal ones pass, a differing row is shown', () => {
    const live = { jobs: [{ id: 'j1', status: 'COMPLETED' }], chunks: [] };
    expect(dumpDifferences(live, structuredClone(live))).toEqual([]);
    const diff = dumpDifferences(live, { jobs: [{ id: 'j1', status: 'PROCESSING' }], chunks: [] });
    expect(diff).toHaveLength(1);
    expect(diff[0]).toContain('jobs: live 1 rows, rebuilt 1; first difference at row 0');
  });

  test('the chunk a killed process held is the one it started and never finished', () => {
    const events = [...completedJob(), ev('chunk:j1:1', 1, 'ChunkStarted', { worker: 'h-41-y' }), ev('chunk:j1:2', 1, 'ChunkStarted', { worker: 'h-7-z' })];
    expect(openChunksOf(events, 41)).toEqual(['chunk:j1:1']);
    expect(openChunksOf(events, 4)).toEqual([]);
  });

  test('a replaced log is read from the status answer, as an object or as true with a reason', () => {
    expect(logReplacement({ log: { replaced: null } })).toEqual({ replaced: false, reason: null });
    expect(logReplacement({ log: { replaced: { reason: 'went backwards', at: 'x' } } })).toEqual({ replaced: true, reason: 'went backwards' });
    expect(logReplacement({ log: { replaced: true, reason: 'new epoch' } })).toEqual({ replaced: true, reason: 'new epoch' });
  });

  test('a /proc stat line whose name holds spaces and parentheses', () => {
    expect(parseStat('1234 (ff mpeg) (x)) S 1 1234 1234 0 -1')).toEqual({ pid: 1234, comm: 'ff mpeg) (x)', state: 'S', ppid: 1 });
    expect(parseStat('garbage')).toBeNull();
  });
});
