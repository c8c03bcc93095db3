import { describe, expect, test } from 'bun:test';
import { formatEvent, progressBar } from './format.ts';
import { parseOverrides } from './overrides.ts';
import { foldJob } from '../projections/index.ts';
import { progressLine } from './run-job.ts';

describe('cli helpers', () => {
  test('--set and --overrides merge into one object', () => {
    expect(parseOverrides(['chunkBytes=8192', 'ocr.minScore=0.5', 'ocr.lang=en', 'label=a=b'], '{"path":"/x","ocr":{"keep":true}}')).toEqual({
      path: '/x',
      chunkBytes: 8192,
      ocr: { keep: true, minScore: 0.5, lang: 'en' },
      label: 'a=b',
    });
    expect(() => parseOverrides(['novalue'])).toThrow('key=value');
    expect(() => parseOverrides([], '{bad')).toThrow('not valid JSON');
    expect(() => parseOverrides([], '[1]')).toThrow('JSON object');
  });

  test('events print on one line with position, stream, type and actor', () => {
    const line = formatEvent({
      stream: 'job:abc',
      version: 3,
      position: 42,
      type: 'ChunkReported',
      data: { n: 1 },
      meta: { at: '2026-11-24T10:00:00.000Z', actor: 'router:chunks', causationId: '40', correlationId: 'abc' },
    });
    expect(line).toBe('     #42 2026-11-24 10:00:00.000 job:abc v3 ChunkReported {"n":1}  ← router:chunks');
  });

  test('progress bars clamp and round', () => {
    expect(progressBar(50, 10)).toBe('[#####.....]  50.0%');
    expect(progressBar(150, 4)).toBe('[####] 100.0%');
  });

  test("a job's progress line names its source file and preset; a queued job takes the live percent too", () => {
    const at = '2026-01-01T00:00:00.000Z';
    const params = { inputKey: 'shows/day one/clip.mp4', presetId: 'hls-abr', preset: { name: 'HLS ladder' } };
    const meta = { at, actor: 't', causationId: null, correlationId: null };
    const created = foldJob(null, { stream: 'job:j1', version: 1, position: 1, type: 'JobCreated', data: { jobId: 'j1', kind: 'transcode', params, at }, meta })!;
    const queued = foldJob(created, { stream: 'job:j1', version: 2, position: 2, type: 'JobPlanned', data: { chunks: [{ n: 0, spec: {} }], at }, meta })!;
    expect(progressLine(queued, { percent: 12, fps: null, etaSeconds: null })).toBe(`j1 (clip.mp4 · HLS ladder) QUEUED     ${progressBar(12)} 0/1 chunks`);
    const plain = foldJob(null, { stream: 'job:j2', version: 1, position: 1, type: 'JobCreated', data: { jobId: 'j2', kind: 'checksum', params: { path: '/x' }, at }, meta })!;
    expect(progressLine(plain, null)).toStartWith('j2 PENDING');
  });
});
