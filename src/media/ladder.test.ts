import { describe, expect, test } from 'bun:test';
import { AppError } from '../errors.ts';
import { audioCodecs, fpsRational, h264Level, outputFps, planLadder } from './ladder.ts';
import type { VideoSpec } from '../types/media.ts';

const abr: VideoSpec = {
  codec: 'h264',
  encoderPreset: 'veryfast',
  rungs: [
    { name: '360p', height: 360, videoBitrate: 800_000 },
    { name: '720p', height: 720, videoBitrate: 2_500_000 },
    { name: '1080p', height: 1080, videoBitrate: 5_000_000 },
  ],
  maxFps: 60,
};

const src = (displayWidth: number, displayHeight: number, fps: number | null = 30) => ({ displayWidth, displayHeight, fps });
const sizes = (rungs: { name: string; width: number; height: number }[]) => rungs.map((r) => `${r.name} ${r.width}x${r.height}`);

describe('planLadder', () => {
  test('1080p30 landscape: the whole ladder with VBV and levels', () => {
    expect(planLadder(abr, src(1920, 1080))).toEqual([
      {
        name: '360p',
        width: 640,
        height: 360,
        videoBitrate: 800_000,
        maxrate: 856_000,
        bufsize: 1_600_000,
        profile: 'high',
        level: '3.0',
        codecs: 'avc1.64001e',
      },
      {
        name: '720p',
        width: 1280,
        height: 720,
        videoBitrate: 2_500_000,
        maxrate: 2_675_000,
        bufsize: 5_000_000,
        profile: 'high',
        level: '3.1',
        codecs: 'avc1.64001f',
      },
      {
        name: '1080p',
        width: 1920,
        height: 1080,
        videoBitrate: 5_000_000,
        maxrate: 5_350_000,
        bufsize: 10_000_000,
        profile: 'high',
        level: '4.0',
        codecs: 'avc1.640028',
      },
    ]);
  });

  test('60 fps needs higher levels', () => {
    expect(planLadder(abr, src(1920, 1080, 60)).map((r) => r.level)).toEqual(['3.1', '3.2', '4.2']);
    expect(planLadder(abr, src(1920, 1080, 60))[2]!.codecs).toBe('avc1.64002a');
  });

  test('frame rate for the level is capped at maxFps and defaults to 30', () => {
    expect(planLadder(abr, src(1920, 1080, 120)).map((r) => r.level)).toEqual(['3.1', '3.2', '4.2']);
    expect(planLadder({ ...abr, maxFps: 30 }, src(1920, 1080, 120)).map((r) => r.level)).toEqual(['3.0', '3.1', '4.0']);
    expect(planLadder(abr, src(1920, 1080, null)).map((r) => r.level)).toEqual(['3.0', '3.1', '4.0']);
  });

  test('portrait: the rung height is the short side', () => {
    expect(sizes(planLadder(abr, src(1080, 1920)))).toEqual(['360p 360x640', '720p 720x1280', '1080p 1080x1920']);
  });

  test('4:3 and scope sources keep their aspect', () => {
    expect(sizes(planLadder(abr, src(1440, 1080)))).toEqual(['360p 480x360', '720p 960x720', '1080p 1440x1080']);
    // 1080p would upscale an 800-line picture; 800p sits between 720p and 1080p.
    const scope = planLadder(abr, src(1920, 800));
    expect(sizes(scope)).toEqual(['360p 864x360', '720p 1728x720', '800p 1920x800']);
    // (1920*800 - 1728*720) / (2592*1080 - 1728*720) of the way from 2.5 to 5 Mb/s
    expect(scope[2]!.videoBitrate).toBe(2_969_000);
  });

  test('never upscales; a source between rungs gets a top rung at its own size', () => {
    const r = planLadder(abr, src(960, 540));
    expect(sizes(r)).toEqual(['360p 640x360', '540p 960x540']);
    // 5/12 of the way in pixels from 360p to 720p
    expect(r[1]!.videoBitrate).toBe(1_508_000);
    expect(r[1]!.videoBitrate).toBeLessThan(2_500_000);
    expect(r[1]!.maxrate).toBe(Math.round(1.07 * 1_508_000));
  });

  test('a rung equal to the source is kept as is; above the top rung nothing is added', () => {
    expect(sizes(planLadder(abr, src(1280, 720)))).toEqual(['360p 640x360', '720p 1280x720']);
    expect(sizes(planLadder(abr, src(3840, 2160)))).toEqual(['360p 640x360', '720p 1280x720', '1080p 1920x1080']);
  });

  test('a source barely above a rung gets no near-duplicate rung', () => {
    expect(sizes(planLadder(abr, src(1280, 721)))).toEqual(['360p 640x360', '720p 1278x720']);
    expect(sizes(planLadder(abr, src(676, 380)))).toEqual(['360p 640x360']);
  });

  test('a source below the whole ladder: one rung at its size, bits scaled by pixels', () => {
    const r = planLadder(abr, src(176, 144));
    // 176x144 is 0.16 of the 440x360 the bottom rung would be at this aspect
    expect(r).toEqual([
      {
        name: '144p',
        width: 176,
        height: 144,
        videoBitrate: 128_000,
        maxrate: 136_960,
        bufsize: 256_000,
        profile: 'high',
        level: '3.0',
        codecs: 'avc1.64001e',
      },
    ]);
    expect(planLadder(abr, src(64, 48))[0]!.videoBitrate).toBe(100_000);
  });

  test('sizes are even-rounded', () => {
    const r = planLadder(abr, src(1000, 562));
    expect(sizes(r)).toEqual(['360p 640x360', '562p 1000x562']);
    expect(sizes(planLadder(abr, src(175, 143)))).toEqual(['144p 176x144']);
    for (const x of planLadder(abr, src(1279, 719))) expect([x.width % 2, x.height % 2]).toEqual([0, 0]);
  });

  test('rungs given out of order come out ascending', () => {
    const shuffled = { ...abr, rungs: [abr.rungs[2]!, abr.rungs[0]!, abr.rungs[1]!] };
    expect(planLadder(shuffled, src(1920, 1080)).map((r) => r.name)).toEqual(['360p', '720p', '1080p']);
  });

  test('a source with no size is refused', () => {
    expect(() => planLadder(abr, src(0, 0))).toThrow(AppError);
  });
});

describe('h264Level', () => {
  const vbv = { maxrate: 1_000_000, bufsize: 2_000_000 };
  test('levels by frame size and macroblock rate', () => {
    expect(h264Level(3840, 2160, 30, vbv)).toEqual({ level: '5.1', codecs: 'avc1.640033' });
    expect(h264Level(3840, 2160, 60, vbv)).toEqual({ level: '5.2', codecs: 'avc1.640034' });
    expect(h264Level(7680, 4320, 30, vbv)).toEqual({ level: '6.0', codecs: 'avc1.64003c' });
    expect(h264Level(2560, 1440, 30, vbv).level).toBe('5.0');
  });

  test('bitrate can push the level up', () => {
    expect(h264Level(1280, 720, 30, { maxrate: 20_000_000, bufsize: 20_000_000 }).level).toBe('3.2');
    expect(h264Level(1920, 1080, 30, { maxrate: 26_750_000, bufsize: 50_000_000 }).level).toBe('4.1');
  });

  test('a very wide strip needs the level whose side limit admits it', () => {
    // 240x10 macroblocks fit 3.1 by area, but a side may be at most sqrt(8*MaxFS) MBs.
    expect(h264Level(3840, 160, 30, vbv).level).toBe('4.0');
  });

  test('beyond 6.2 is refused', () => {
    expect(() => h264Level(7680, 4320, 240, vbv)).toThrow('beyond every H.264 level');
  });
});

describe('outputFps', () => {
  test.each([
    ['NTSC 30000/1001', 30000 / 1001, null, 60, 29.97],
    ['Matroska avg quirk', 60, 1000, 60, 60],
    ['odd r, real avg', 179 / 6, 90000 / 3013, 60, 29.871],
    ['avg jitter', 60, 810000 / 13487, 60, 60],
    ['r near 30', 23040000 / 767849, null, 60, 30],
    ['15 fps', 15, null, 60, 15],
    ['film NTSC', 24000 / 1001, null, 60, 23.976],
    ['phone with dropped frames', 30000 / 1001, 300000 / 10201, 60, 29.97],
    ['a real uncommon rate', 300000 / 10201, 300000 / 10201, 60, 29.409],
    ['unknown', null, null, 60, 30],
    ['120 with max 60', 120, null, 60, 60],
    ['119.88 with max 60', 120000 / 1001, 120000 / 1001, 60, 59.94],
    ['59.94 with max 30', 60000 / 1001, null, 30, 29.97],
    ['90 with max 60 halves', 90, null, 60, 45],
    ['240 slow motion', 240, 240, 60, 60],
    ['MPEG-TS 90k timebase', 90000, 25, 60, 25],
    ['Matroska r quirk', 1000, 30000 / 1001, 60, 29.97],
    ['nearest common rate wins', 23.99, null, 60, 24],
    ['zero is unknown', 0, 0, 60, 30],
  ] as const)('%s', (_, r, avg, max, want) => {
    expect(outputFps(r, avg, max)).toBe(want);
  });
});

test('fpsRational gives ffmpeg the exact NTSC rationals', () => {
  expect(fpsRational(29.97)).toBe('30000/1001');
  expect(fpsRational(23.976)).toBe('24000/1001');
  expect(fpsRational(59.94)).toBe('60000/1001');
  expect(fpsRational(25)).toBe('25');
  expect(fpsRational(29.871)).toBe('29.871');
});

test('audioCodecs is AAC-LC', () => {
  expect(audioCodecs()).toBe('mp4a.40.2');
});
