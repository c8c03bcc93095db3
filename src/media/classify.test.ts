import { describe, expect, test } from 'bun:test';
import { classifyProbe, errorShare, isDamaged, isTruncated } from './classify.ts';
import type { Probe, ProbeStream } from '../types/media.ts';

const base: ProbeStream = {
  index: 0,
  type: 'video',
  codec: 'h264',
  profile: null,
  bitrate: null,
  duration: 5,
  language: null,
  width: 1280,
  height: 720,
  rotation: 0,
  displayWidth: 1280,
  displayHeight: 720,
  fps: 30,
  avgFps: 30,
  pixFmt: 'yuv420p',
  bitDepth: 8,
  colorTransfer: null,
  colorPrimaries: null,
  colorSpace: null,
  hdr: false,
  attachedPic: false,
  channels: null,
  channelLayout: null,
  sampleRate: null,
};
const video = (p: Partial<ProbeStream> = {}): ProbeStream => ({ ...base, ...p });
const audio = (p: Partial<ProbeStream> = {}): ProbeStream =>
  video({
    type: 'audio',
    codec: 'aac',
    width: null,
    height: null,
    displayWidth: null,
    displayHeight: null,
    fps: null,
    avgFps: null,
    channels: 2,
    sampleRate: 48000,
    ...p,
  });
const probe = (streams: ProbeStream[], p: Partial<Probe> = {}): Probe => ({
  container: 'mov,mp4,m4a,3gp,3g2,mj2',
  duration: 5,
  size: 1000,
  bitrate: null,
  streams,
  presentDuration: 5,
  ...p,
});

describe('classifyProbe', () => {
  test('video with audio is a ready video', () => {
    expect(classifyProbe(probe([video({ index: 0 }), audio({ index: 1 })]))).toEqual({
      kind: 'video',
      status: 'ready',
      reason: null,
      videoStream: 0,
      audioStream: 1,
    });
  });

  test('streams are chosen by content, not by index: audio first, video second', () => {
    expect(classifyProbe(probe([audio({ index: 0 }), video({ index: 1 })]))).toMatchObject({ videoStream: 1, audioStream: 0 });
  });

  test('the default-disposition stream wins over the first', () => {
    const v = classifyProbe(probe([video({ index: 0 }), audio({ index: 1, language: 'eng' }), audio({ index: 2, isDefault: true })]));
    expect(v.audioStream).toBe(2);
  });

  test('an MP3 with cover art is audio', () => {
    const v = classifyProbe(
      probe([audio({ index: 0, codec: 'mp3' }), video({ index: 1, codec: 'mjpeg', attachedPic: true, width: 1400, height: 1400 })], { container: 'mp3' }),
    );
    expect(v).toEqual({ kind: 'audio', status: 'ready', reason: null, videoStream: null, audioStream: 0 });
  });

  test('an audio track with no sample description is ignored: still a video, without audio', () => {
    const v = classifyProbe(probe([video({ index: 0 }), audio({ index: 1, codec: null, channels: 0, sampleRate: 0 })]));
    expect(v).toMatchObject({ kind: 'video', status: 'ready', audioStream: null });
  });

  test.each([
    ['jpeg_pipe', 'mjpeg', null, 'JPEG'],
    ['image2', 'mjpeg', 0.04, 'JPEG'],
    ['png_pipe', 'png', null, 'PNG'],
    ['tiff_pipe', 'tiff', null, 'TIFF'],
    ['webp_pipe', 'webp', null, 'WebP'],
  ])('a still image (%s, %s) is refused', (container, codec, duration, label) => {
    const v = classifyProbe(probe([video({ codec, duration })], { container, duration, presentDuration: 0.04 }));
    expect(v).toEqual({ kind: null, status: 'invalid', reason: `this is a still image (${label}), not a video`, videoStream: null, audioStream: null });
  });

  test('a one-frame MJPEG in a movie container is a still; a motion-JPEG movie is a video', () => {
    expect(classifyProbe(probe([video({ codec: 'mjpeg', duration: 0.04 })], { duration: 0.04, presentDuration: 0.04 })).reason).toMatch(/still image/);
    expect(classifyProbe(probe([video({ codec: 'mjpeg', duration: 5 })], { container: 'avi' })).kind).toBe('video');
  });

  test('nothing playable', () => {
    const v = classifyProbe(probe([video({ type: 'subtitle', codec: 'mov_text' }), video({ codec: null })]));
    expect(v.status).toBe('invalid');
    expect(v.reason).toMatch(/^no playable audio or video stream/);
  });

  test('a video stream without size is not usable', () => {
    expect(classifyProbe(probe([video({ width: 0, height: 0 })])).status).toBe('invalid');
  });

  test('empty file', () => {
    expect(classifyProbe(probe([], { size: 0 })).reason).toBe('the file is empty (0 bytes)');
  });

  test('ffprobe failure carries its sentence', () => {
    expect(classifyProbe(null, 'the file is not a complete MP4/MOV (moov atom not found): a truncated or failed upload?')).toMatchObject({
      status: 'invalid',
      kind: null,
      reason: 'the file is not a complete MP4/MOV (moov atom not found): a truncated or failed upload?',
    });
    expect(classifyProbe(null).reason).toMatch(/cannot read this file/);
  });

  test('no duration', () => {
    const v = classifyProbe(probe([video({ duration: null })], { duration: null }));
    expect(v.reason).toMatch(/^no duration: /);
  });

  test('a stream duration stands in for a missing container duration', () => {
    expect(classifyProbe(probe([audio({ duration: 3 })], { duration: null, presentDuration: 3 })).status).toBe('ready');
  });

  test('no packets at all', () => {
    const v = classifyProbe(probe([audio()], { duration: 6422, presentDuration: 0 }));
    expect(v.reason).toBe('no media data: the file ends right after its header (an interrupted upload?)');
  });

  test('truncated: under 90% present and more than half a second missing', () => {
    const v = classifyProbe(probe([video(), audio()], { duration: 5.055, presentDuration: 1.97 }));
    expect(v.reason).toBe('the file is truncated: only 2.0 s of 5.1 s are present (an interrupted upload?)');
  });

  test('short gaps and unknown presence are not truncation', () => {
    // 0.31 s clip, 0.25 s present: under 90% but only 0.06 s short.
    expect(classifyProbe(probe([video()], { duration: 0.31, presentDuration: 0.25 })).status).toBe('ready');
    expect(classifyProbe(probe([video()], { presentDuration: null })).status).toBe('ready');
    expect(classifyProbe(probe([video()], { duration: 100, presentDuration: 91 })).status).toBe('ready');
  });

  test('a timeline starting at 10 s: 4 s of media against an MP4/Matroska duration of 14 s (counted from 0) is complete', () => {
    expect(classifyProbe(probe([video(), audio()], { duration: 14, startTime: 9.976, presentDuration: 4.04 }))).toMatchObject({
      status: 'ready',
      reason: null,
    });
  });

  test('a late start does not hide a truncation: the media must reach the stated end counted from 0 or from the start', () => {
    const v = classifyProbe(probe([video(), audio()], { duration: 114, startTime: 10, presentDuration: 40 }));
    expect(v.reason).toBe('the file is truncated: only 40.0 s of 104.0 s are present (an interrupted upload?)');
  });

  const decode = (frames: number, errors: number, windowed = true) => ({ seconds: windowed ? 9 : 4, windowed, frames, errors });

  test('a decode that is mostly errors is damaged, with the count in the reason', () => {
    const v = classifyProbe(probe([audio()], { duration: 140, presentDuration: 168, decode: decode(285, 145) }));
    expect(v).toMatchObject({ status: 'invalid', kind: null, audioStream: null });
    expect(v.reason).toBe('the file is damaged: 145 decode errors against 285 good frames in the 9.0 s checked at its start, middle and end');
  });

  test('errors and not one frame: nothing decodes', () => {
    expect(classifyProbe(probe([audio()], { duration: 4, presentDuration: 4, decode: decode(0, 12, false) })).reason).toBe(
      'nothing decodes: 12 decode errors and not one audio or video frame in its 4.0 s',
    );
  });

  test('a clean decode, a glitch or two, or a check that saw nothing stay ready', () => {
    expect(classifyProbe(probe([audio()], { decode: decode(400, 0) })).status).toBe('ready');
    // The cover picture of an MP3 prints one error; a short clip may have a damaged frame or two.
    expect(classifyProbe(probe([audio()], { decode: decode(40, 4) })).status).toBe('ready');
    expect(classifyProbe(probe([video()], { decode: decode(300, 20) })).status).toBe('ready');
    // No frame and no error: no keyframe within reach of a window; that says nothing.
    expect(classifyProbe(probe([video()], { decode: decode(0, 0) })).status).toBe('ready');
  });
});

test('isDamaged and errorShare', () => {
  expect(isDamaged({ seconds: 9, windowed: true, frames: 285, errors: 145 })).toBe(true);
  expect(isDamaged({ seconds: 9, windowed: true, frames: 4, errors: 4 })).toBe(false);
  expect(isDamaged({ seconds: 9, windowed: true, frames: 400, errors: 99 })).toBe(false);
  expect(isDamaged({ seconds: 9, windowed: true, frames: 400, errors: 100 })).toBe(true);
  expect(errorShare({ seconds: 9, windowed: true, frames: 0, errors: 0 })).toBe(1);
  expect(errorShare({ seconds: 9, windowed: true, frames: 3, errors: 1 })).toBe(0.25);
  expect(errorShare(null)).toBe(0);
});

test('isTruncated', () => {
  expect(isTruncated(1.97, 5.055)).toBe(true);
  expect(isTruncated(4.6, 5)).toBe(false);
  expect(isTruncated(0.2, 0.6)).toBe(false);
  expect(isTruncated(0, 6422)).toBe(true);
});
