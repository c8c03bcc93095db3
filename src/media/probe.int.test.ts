/**
 * probeAndClassify over every file of the shared corpus (see
 * ../shared/corpus/MANIFEST.md), with real ffprobe. A file added to the
 * corpus without an expectation here fails the run.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isAppError } from '../errors.ts';
import { resolveBinaries } from './binaries.ts';
import { keyframeTimes, probeAndClassify, probeFile } from './probe.ts';
import type { Probe, ProbeVerdict } from '../types/media.ts';

const CORPUS = join(import.meta.dir, '../../../shared/corpus');
const bins = resolveBinaries();

type Result = { probe: Probe | null; verdict: ProbeVerdict };
type Expect = (r: Result) => void;

const readyVideo: Expect = ({ verdict }) => expect(verdict).toMatchObject({ kind: 'video', status: 'ready', reason: null });
const readyAudio: Expect = ({ verdict }) => expect(verdict).toMatchObject({ kind: 'audio', status: 'ready', reason: null, videoStream: null });
const invalid =
  (reason: RegExp): Expect =>
  ({ verdict }) => {
    expect(verdict).toMatchObject({ kind: null, status: 'invalid', videoStream: null, audioStream: null });
    expect(verdict.reason).toMatch(reason);
  };
const both =
  (...checks: Expect[]): Expect =>
  (r) => {
    for (const c of checks) c(r);
  };
const videoStreamOf = (r: Result) => r.probe!.streams.find((s) => s.index === r.verdict.videoStream)!;

/** Per directory: the expectation for files not named in `files`. */
const EXPECTED: Record<string, { rest?: Expect; files: Record<string, Expect> }> = {
  video: {
    rest: readyVideo,
    files: {
      'androidx_sample_rotate_and_reflect.mp4': both(readyVideo, (r) =>
        expect(videoStreamOf(r)).toMatchObject({ width: 1080, height: 720, rotation: 90, displayWidth: 720, displayHeight: 1080 }),
      ),
      'androidx_portrait_4k60.mp4': both(readyVideo, (r) => expect(videoStreamOf(r)).toMatchObject({ rotation: 90, displayWidth: 2160, displayHeight: 3840 })),
      'androidx_pixel7_videoOnly_cleaned.mp4': both(readyVideo, (r) => {
        expect(videoStreamOf(r)).toMatchObject({ rotation: 180, displayWidth: 1920, displayHeight: 1080 });
        expect(r.verdict.audioStream).toBeNull();
      }),
      'mdn_friday.mp4': both(readyVideo, (r) => expect(r.verdict).toMatchObject({ videoStream: 1, audioStream: 0 })),
      'androidx_bt601.mov': both(readyVideo, (r) => expect(r.verdict).toMatchObject({ videoStream: 1, audioStream: 0 })),
      'androidx_sample_portrait.mp4': both(readyVideo, (r) => expect(videoStreamOf(r)).toMatchObject({ rotation: 0, displayWidth: 720, displayHeight: 1080 })),
      'androidx_long_1080p_lowbitrate.mp4': both(readyVideo, (r) => expect(r.probe!.presentDuration).toBeCloseTo(362.767, 1)),
    },
  },
  audio: {
    rest: readyAudio,
    files: {
      'androidx_bear-id3.mp3': both(readyAudio, (r) => {
        expect(r.probe!.streams.find((s) => s.type === 'video')).toMatchObject({ codec: 'mjpeg', attachedPic: true });
        expect(r.verdict.audioStream).toBe(0);
      }),
    },
  },
  edge: {
    files: {
      'androidx_sample_audio_only.mp4': readyAudio,
      'androidx_sample_missing_stsd.mp4': both(readyVideo, (r) => {
        expect(r.verdict).toMatchObject({ videoStream: 0, audioStream: null });
        expect(r.probe!.streams[1]).toMatchObject({ type: 'audio', codec: null, sampleRate: 0 });
      }),
      'androidx_sample_video_only.mp4': both(readyVideo, (r) => expect(r.verdict.audioStream).toBeNull()),
      'androidx_large_stbl_truncated_after_moov.m4b': both(invalid(/^no media data: /), (r) => {
        expect(r.probe).toMatchObject({ duration: 6422, presentDuration: 0 });
      }),
    },
  },
  derived: {
    files: {
      'jpeg_renamed.mp4': invalid(/^this is a still image \(JPEG\), not a video$/),
      'text_file_renamed.mp4': invalid(/not a supported media file/),
      'zero_bytes.mp4': invalid(/^the file is empty \(0 bytes\)$/),
      'truncated_40pct_moov_front.mp4': invalid(/^the file is truncated: only 2\.0 s of 5\.1 s are present/),
      'truncated_50pct.webm': invalid(/^the file is truncated: only 2\.5 s of 5\.1 s are present/),
      'truncated_50pct_moov_missing.mp4': invalid(/moov atom not found/),
      'scene_cuts_concat.mp4': both(readyVideo, (r) => expect(r.verdict).toMatchObject({ videoStream: 0, audioStream: 1 })),
    },
  },
  image: {
    files: {
      'androidx_tokyo.jpg': invalid(/^this is a still image \(JPEG\), not a video$/),
      'androidx_testvid_1022ms_000.png': invalid(/^this is a still image \(PNG\), not a video$/),
      'tesseract_phototest.tif': invalid(/^this is a still image \(TIFF\), not a video$/),
    },
  },
};

const cases = Object.entries(EXPECTED).flatMap(([dir, { rest, files }]) => {
  // image/ is sampled; every other folder is covered file by file.
  const names = dir === 'image' ? Object.keys(files) : readdirSync(join(CORPUS, dir)).sort();
  return names.map((name) => ({ file: `${dir}/${name}`, check: files[name] ?? rest }));
});

const results = new Map<string, Result>();
let corpusMs = 0;

beforeAll(async () => {
  const t0 = performance.now();
  // Four at a time: each probe is two short ffprobe runs.
  const queue = [...cases];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) results.set(c.file, await probeAndClassify(join(CORPUS, c.file), { bins }));
    }),
  );
  corpusMs = performance.now() - t0;
  console.log(`probed ${cases.length} corpus files in ${corpusMs.toFixed(0)} ms`);
}, 120_000);

describe('probeAndClassify over the corpus', () => {
  test.each(cases.map((c) => [c.file, c] as const))('%s', (_name, c) => {
    if (!c.check) throw new Error(`no expectation for corpus file ${c.file}: add one to EXPECTED`);
    const r = results.get(c.file)!;
    c.check(r);
    // Reasons are sentences for people: no raw ffmpeg prefixes, no line breaks.
    if (r.verdict.reason !== null) expect(r.verdict.reason).toMatch(/^[a-z][^\n@]{15,300}[a-z0-9?)]$/);
    if (r.verdict.status === 'ready') {
      // Sniffing reads every good corpus file right, and its decode check finds no error.
      expect(r.probe!.demux).toBeNull();
      expect(r.probe!.decode).toMatchObject({ errors: 0 });
      expect(r.probe!.decode!.frames).toBeGreaterThan(0);
    }
  });

  test('the whole corpus probes in seconds, not minutes', () => {
    // A few seconds on an idle 2-core box; the bound is loose because test
    // runs share the machine. It catches a probe that decodes or hangs.
    expect(corpusMs).toBeLessThan(60_000);
  });
});

describe('probeFile', () => {
  test('measures presentDuration of the 6-minute file quickly (tail scan)', async () => {
    const t0 = performance.now();
    const p = await probeFile(join(CORPUS, 'video/androidx_long_1080p_lowbitrate.mp4'), { bins });
    const ms = performance.now() - t0;
    console.log(`probeFile on the 6-minute file: ${ms.toFixed(0)} ms`);
    expect(p.duration).toBe(362.767);
    expect(p.presentDuration).toBeCloseTo(362.767, 1);
    expect(ms).toBeLessThan(10_000); // ~150 ms idle; loose for shared machines
  });

  test('a TS file is measured from its start time, not from 0', async () => {
    const p = await probeFile(join(CORPUS, 'video/androidx_bbb_2500ms.ts'), { bins });
    expect(p.presentDuration).toBeCloseTo(2.5127, 3);
  });

  test('a missing file is not_found; probeAndClassify makes it a verdict', async () => {
    const missing = join(CORPUS, 'video/does-not-exist.mp4');
    expect(await probeFile(missing, { bins }).catch((e: unknown) => isAppError(e, 'not_found'))).toBe(true);
    expect((await probeAndClassify(missing, { bins })).verdict).toMatchObject({ status: 'invalid', reason: 'the file does not exist' });
  });

  test('abort is thrown, not turned into a verdict', async () => {
    await expect(probeAndClassify(join(CORPUS, 'video/mdn_flower.mp4'), { bins, signal: AbortSignal.abort() })).rejects.toThrow('cancelled');
  });

  test('a missing ffprobe is thrown as unavailable', async () => {
    const err = await probeAndClassify(join(CORPUS, 'video/mdn_flower.mp4'), { bins: { ffprobe: '/nonexistent/ffprobe' } }).catch((e: unknown) => e);
    expect(isAppError(err, 'unavailable')).toBe(true);
  });
});

describe('http(s) URLs', () => {
  // The corpus over loopback HTTP; anything missing answers 404.
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: async (req) => {
      const file = Bun.file(join(CORPUS, decodeURIComponent(new URL(req.url).pathname)));
      return (await file.exists()) ? new Response(file) : new Response('not found', { status: 404 });
    },
  });
  afterAll(() => server.stop(true));
  const url = (path: string) => `http://127.0.0.1:${server.port}/${path}`;

  test('a complete file: size from format.size, fully present', async () => {
    const r = await probeAndClassify(url('video/mdn_flower.mp4'), { bins });
    expect(r.verdict).toMatchObject({ kind: 'video', status: 'ready' });
    expect(r.probe).toMatchObject({ size: 1128375, presentDuration: 5.055 });
  });

  test('a truncated upload is caught over HTTP too', async () => {
    const r = await probeAndClassify(url('derived/truncated_40pct_moov_front.mp4'), { bins });
    expect(r.verdict.reason).toMatch(/^the file is truncated/);
  });

  test('a 404 becomes a verdict naming the server answer', async () => {
    const r = await probeAndClassify(url('video/nope.mp4'), { bins });
    expect(r.verdict).toMatchObject({ status: 'invalid', reason: 'the media server answered 404 Not Found' });
  });

  test('keyframes over HTTP', async () => {
    expect(await keyframeTimes(url('video/mdn_flower.mp4'), { bins })).toEqual([0, 3.003]);
  });
});

describe('keyframeTimes', () => {
  test('mdn_flower.mp4: two GOPs', async () => {
    expect(await keyframeTimes(join(CORPUS, 'video/mdn_flower.mp4'), { bins })).toEqual([0, 3.003]);
  });

  test('the 6-minute file: one keyframe every 8.33 s, sorted', async () => {
    const t0 = performance.now();
    const k = await keyframeTimes(join(CORPUS, 'video/androidx_long_1080p_lowbitrate.mp4'), { bins });
    console.log(`keyframeTimes on the 6-minute file: ${(performance.now() - t0).toFixed(0)} ms`);
    expect(k).toHaveLength(44);
    expect(k[0]).toBe(0);
    expect(k[1]).toBeCloseTo(8.333333, 5);
    expect(k.every((t, i) => i === 0 || t > k[i - 1]!)).toBe(true);
  });

  test('by ffprobe stream index: friday.mp4 has its video at index 1', async () => {
    const k = await keyframeTimes(join(CORPUS, 'video/mdn_friday.mp4'), { bins, streamIndex: 1 });
    expect(k.slice(0, 2)).toEqual([0, 1.166667]);
  });

  test('times count from the container start, like -ss: MPEG-TS starting at 1.514 s', async () => {
    const k = await keyframeTimes(join(CORPUS, 'video/androidx_bbb_2500ms.ts'), { bins });
    // First video keyframe pts 1.525000, format start_time 1.514089.
    expect(k[0]).toBeCloseTo(0.010911, 6);
    expect(k.at(-1)!).toBeLessThan(2.6);
  });

  test('an audio file has no keyframes to report', async () => {
    expect(await keyframeTimes(join(CORPUS, 'audio/mdn_t-rex-roar.mp3'), { bins })).toEqual([]);
  });

  test('an unreadable file is corrupt', async () => {
    const err = await keyframeTimes(join(CORPUS, 'derived/text_file_renamed.mp4'), { bins }).catch((e: unknown) => e);
    expect(isAppError(err, 'corrupt')).toBe(true);
  });
});
