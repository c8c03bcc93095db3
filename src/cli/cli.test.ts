import { describe, expect, test } from 'bun:test';
import { kindsOf } from '../actors/job-kind.ts';
import type { LoggedEvent } from '../events/index.ts';
import { createJobsProjection, type JobView } from '../projections/index.ts';
import { transcodeTags } from '../work/transcode/request.ts';
import type { TranscodeParams } from '../work/transcode/params.ts';

// The transcode kind's tags name a job's source and preset on its progress line.
const transcodeLike = {
  name: 'transcode',
  validate: (p: Record<string, unknown>) => p,
  plan: async () => [],
  run: async () => null,
  combine: () => null,
  tags: (p: unknown) => transcodeTags(p as TranscodeParams),
};
const jobs = createJobsProjection(kindsOf(transcodeLike));
const foldJob = (v: JobView | null, e: Omit<LoggedEvent, 'type' | 'data'> & { type: string; data: unknown }) =>
  jobs.fold(v, e as LoggedEvent) as JobView | null;
import { keyInFolder } from './commands.ts';
import { formatEvent, progressBar } from './format.ts';
import { parseOverrides } from './overrides.ts';
import { progressLine, terminalLine } from './run-job.ts';

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
    const created = foldJob(null, {
      stream: 'job:j1',
      version: 1,
      position: 1,
      type: 'JobCreated',
      data: { jobId: 'j1', kind: 'transcode', params, at },
      meta,
    })!;
    const queued = foldJob(created, { stream: 'job:j1', version: 2, position: 2, type: 'JobPlanned', data: { chunks: [{ n: 0, spec: {} }], at }, meta })!;
    expect(progressLine(queued, { percent: 12, fps: null, etaSeconds: null })).toBe(`j1 (clip.mp4 · HLS ladder) QUEUED     ${progressBar(12)} 0/1 chunks`);
    const plain = foldJob(null, {
      stream: 'job:j2',
      version: 1,
      position: 1,
      type: 'JobCreated',
      data: { jobId: 'j2', kind: 'checksum', params: { path: '/x' }, at },
      meta,
    })!;
    expect(progressLine(plain, null)).toStartWith('j2 PENDING');
  });
});

describe('the progress line', () => {
  const job = {
    id: '3ND7Z8Imwg2r',
    source_name: 'androidx_sample_with_increasing_timestamps_360p.mp4',
    preset_name: 'HLS adaptive ladder',
    status: 'PROCESSING',
    progress: 10,
    chunks_done: 1,
    chunks_total: 2,
  } as JobView;
  const live = { percent: 41.5, fps: 63.2, etaSeconds: 2 };

  test('shows percent, fps and ETA as the README says', () => {
    expect(progressLine(job, live)).toBe(
      '3ND7Z8Imwg2r (androidx_sample_with_increasing_timestamps_360p.mp4 · HLS adaptive ladder) PROCESSING [############..................]  41.5% 1/2 chunks 63 fps ETA 2s',
    );
  });

  test('fits the terminal: fps and ETA stay whole, the label is clipped, then the bar narrows', () => {
    // A line wider than the terminal wraps, and each redraw in place leaves
    // its first row behind: the fps and ETA at its end were never seen.
    for (const width of [150, 100, 79, 59]) {
      const line = progressLine(job, live, width);
      expect(line.length).toBeLessThanOrEqual(width);
      expect(line).toContain(' 41.5% 1/2 chunks 63 fps ETA 2s');
      expect(line).toStartWith('3ND7Z8Imwg2r ');
    }
    expect(progressLine(job, live, 100)).toBe('3ND7Z8Imwg2r (androidx_samp… PROCESSING [###########...............]  41.5% 1/2 chunks 63 fps ETA 2s');
    expect(progressLine(job, live, 79)).toBe('3ND7Z8Imwg2r (androidx… PROCESSING [####......]  41.5% 1/2 chunks 63 fps ETA 2s');
    expect(progressLine(job, live, 59)).toBe('3ND7Z8Imwg2r PROCESSING 41.5% 1/2 chunks 63 fps ETA 2s');
  });

  test('on a terminal each line is one column short of its width; piped, lines are whole', () => {
    const written: string[] = [];
    const tty = terminalLine({ isTTY: true, columns: 80, write: (s: string) => written.push(s) > 0 } as never);
    expect(tty.width()).toBe(79);
    tty.write(progressLine(job, live, tty.width()), false);
    expect(written[0]).toStartWith('\r\x1b[2K');
    expect(written[0]!.length - '\r\x1b[2K'.length).toBeLessThanOrEqual(79);
    expect(written[0]).toContain('63 fps ETA 2s');
    const piped = terminalLine({ isTTY: false, columns: 0, write: () => true } as never);
    expect(piped.width()).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('mpr checksum FILE', () => {
  test('a file inside the input folder is named by its key there; any other file is not', () => {
    expect(keyInFolder('/data/media/in/sub/a.mp4', '/data/media/in')).toBe('sub/a.mp4');
    expect(keyInFolder('/data/media/in/a.mp4', '/data/media/in/')).toBe('a.mp4');
    expect(keyInFolder('/data/media/inside.mp4', '/data/media/in')).toBeNull();
    expect(keyInFolder('/etc/passwd', '/data/media/in')).toBeNull();
    expect(keyInFolder('/data/media/in/a.mp4', null)).toBeNull(); // S3 input: no folder
  });
});
