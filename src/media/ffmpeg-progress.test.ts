import { describe, expect, test } from 'bun:test';
import { createProgressParser, type FfmpegProgress } from './ffmpeg-progress.ts';

// Captured from ffmpeg 5.1: `-progress pipe:1 -stats_period 0.25` on a 2 s testsrc2 encode.
const FIRST = `frame=1
fps=0.00
stream_0_0_q=0.0
bitrate=N/A
total_size=N/A
out_time_us=0
out_time_ms=0
out_time=00:00:00.000000
dup_frames=0
drop_frames=0
speed=N/A
progress=continue`;
const MIDDLE = `frame=31
fps=30.50
stream_0_0_q=28.0
bitrate=N/A
total_size=N/A
out_time_us=1000000
out_time_ms=1000000
out_time=00:00:01.000000
dup_frames=0
drop_frames=0
speed=0.5x
progress=continue`;
const LAST = `frame=60
fps=0.00
stream_0_0_q=-1.0
bitrate=N/A
total_size=N/A
out_time_us=2000000
out_time_ms=2000000
out_time=00:00:02.000000
dup_frames=0
drop_frames=0
speed=39.5x
progress=end`;

const feed = (text: string, duration?: number | null): FfmpegProgress[] => {
  const parse = createProgressParser(duration);
  return text.split('\n').flatMap((l) => parse(l) ?? []);
};

describe('progress parsing', () => {
  test('one report per block, with percent and eta against the duration', () => {
    const reports = feed([FIRST, MIDDLE, LAST].join('\n'), 4);
    expect(reports).toEqual([
      { outTimeSeconds: 0, percent: 0, fps: 0, speed: null, etaSeconds: null, frame: 1, done: false },
      { outTimeSeconds: 1, percent: 25, fps: 30.5, speed: 0.5, etaSeconds: 6, frame: 31, done: false },
      // The last block is complete whatever the caller guessed as duration.
      { outTimeSeconds: 2, percent: 100, fps: 0, speed: 39.5, etaSeconds: 0, frame: 60, done: true },
    ]);
  });

  test("in ffmpeg's first second (fps=0.00) the fps comes from frames, speed and time", () => {
    // 0.48 s of output at 0.8x realtime took 0.6 s of wall time: 12 frames in 0.6 s.
    const early = feed('frame=12\nfps=0.00\nout_time_us=480000\nspeed=0.8x\nprogress=continue')[0]!;
    expect(early.fps).toBe(20);
    // Nothing to go on before the first packet: ffmpeg's 0 stands.
    expect(feed(FIRST)[0]!.fps).toBe(0);
  });

  test('no duration: no percent and no eta', () => {
    const [r] = feed(MIDDLE, null);
    expect(r).toMatchObject({ outTimeSeconds: 1, percent: null, etaSeconds: null });
  });

  test('percent never passes 100 when the output runs longer than expected', () => {
    expect(feed(MIDDLE, 0.5)[0]!.percent).toBe(100);
  });

  test('falls back to out_time_ms (microseconds, despite its name) and out_time', () => {
    expect(feed('out_time_ms=1500000\nprogress=continue')[0]!.outTimeSeconds).toBe(1.5);
    expect(feed('out_time=01:02:03.500000\nprogress=continue')[0]!.outTimeSeconds).toBe(3723.5);
  });

  test('N/A and negative times before the first packet read as 0', () => {
    expect(feed('out_time_us=N/A\nout_time_ms=N/A\nout_time=N/A\nprogress=continue')[0]!.outTimeSeconds).toBe(0);
    expect(feed('out_time_us=-23220\nprogress=continue')[0]!.outTimeSeconds).toBe(0);
  });

  test('fields do not leak from one block into the next', () => {
    const [, second] = feed('frame=5\nspeed=2x\nprogress=continue\nout_time_us=100\nprogress=continue');
    expect(second).toMatchObject({ frame: null, speed: null });
  });

  test('ignores lines that are not key=value', () => {
    expect(feed('garbage\n=x\nprogress=continue')).toHaveLength(1);
  });
});
