import { describe, expect, test } from 'bun:test';
import { audioArgs, chunkSeek, joinMp4Args, videoChunkArgs, videoChunkFilter } from './encode-args.ts';
import { fpsFraction } from './frame-grid.ts';
import type { PlannedRung } from '../types/media.ts';

const rung = (name: string, width: number, height: number): PlannedRung => ({
  name,
  width,
  height,
  videoBitrate: 800_000,
  maxrate: 856_000,
  bufsize: 1_600_000,
  profile: 'high',
  level: '3.0',
  codecs: 'avc1.64001e',
});
const source = { input: '/in/a.mp4', streamIndex: 1, displayWidth: 1280, displayHeight: 720, hdr: false };
const rungs = [rung('360p', 640, 360), rung('720p', 1280, 720)].map((r) => ({
  rung: r,
  playlist: `/w/${r.name}/c3.m3u8`,
  segmentPattern: `/w/${r.name}/c3_%03d.ts`,
}));

describe('ffmpeg arguments', () => {
  test('a chunk decodes once: one constant-rate 8-bit chain split to every rung and the thumbnails', () => {
    const f = videoChunkFilter({
      source,
      fps: fpsFraction(29.97),
      rungs,
      origin: 0,
      startFrame: 360,
      thumbs: { interval: 2, first: 6, count: 3, width: 160, height: 90, pattern: '/w/t_%05d.jpg' },
    });
    // The exact NTSC rational, and rounding down after a half-frame-early seek.
    expect(f).toStartWith('[0:1]format=yuv420p,fps=fps=30000/1001:round=down:start_time=0,split=3[s0][s1][s2];');
    expect(f).toContain('[s0]scale=640:360:flags=bicubic,setsar=1[v0]');
    expect(f).toContain('[s1]null,setsar=1[v1]'); // the source size is not scaled
    expect(f).toContain('[s2]select='); // thumbnails from the same decode
  });

  test('HDR sources are tone-mapped to BT.709 before the split', () => {
    const f = videoChunkFilter({ source: { ...source, hdr: true }, fps: fpsFraction(25), rungs, origin: 0, startFrame: 0, thumbs: null });
    expect(f).toContain('tonemap=tonemap=hable');
    expect(f).toContain('fps=fps=25/1:round=near:start_time=0'); // the first chunk reads from the start
  });

  test('a chunk starts reading half a frame before its first grid frame, also inside a trimmed range', () => {
    const fps = fpsFraction(30);
    expect(chunkSeek({ fps, origin: 0, startFrame: 0 })).toBeNull();
    expect(chunkSeek({ fps, origin: 0, startFrame: 360 })).toBeCloseTo(11.983333, 6);
    expect(chunkSeek({ fps, origin: 3.5, startFrame: 0 })).toBeCloseTo(3.483333, 6);
  });

  test('every rung gets the same forced keyframes and a timestamp offset; HLS per rung', () => {
    const args = videoChunkArgs({
      source,
      fps: fpsFraction(30),
      origin: 0,
      startFrame: 360,
      frames: 300,
      encoderPreset: 'veryfast',
      segmentFrames: 180,
      container: 'hls',
      rungs,
      thumbs: null,
      threads: 1,
    });
    expect(args.slice(0, 6)).toEqual(['-ss', '11.983333', '-t', '10.033333', '-i', '/in/a.mp4']);
    // Keyframes by frame number, an exact frame count and the chunk's grid time on every rung.
    expect(args.filter((a) => a === 'expr:eq(mod(n,180),0)')).toHaveLength(2);
    expect(args.join(' ').match(/-frames:v 300/g)).toHaveLength(2);
    expect(args.join(' ').match(/-output_ts_offset 12 -avoid_negative_ts disabled/g)).toHaveLength(2);
    expect(args.join(' ')).toContain('-hls_segment_filename /w/720p/c3_%03d.ts /w/720p/c3.m3u8');
    expect(args.join(' ')).toContain('-threads 1');
  });

  test('audio is mapped by stream index and always becomes AAC with the preset channels', () => {
    const a = audioArgs({
      input: 'x',
      streamIndex: 0,
      audio: { codec: 'aac', bitrate: 128000, channels: 2, sampleRate: 48000 },
      segmentSeconds: 6,
      container: 'm4a',
      output: '/w/a.m4a',
    });
    expect(a.join(' ')).toContain('-map 0:0 -vn -sn -dn');
    expect(a.join(' ')).toContain('-c:a aac -b:a 128000 -ac 2 -ar 48000');
    expect(joinMp4Args({ list: 'l.txt', audio: null, output: 'o.mp4' })).not.toContain('1:a:0');
  });
});
