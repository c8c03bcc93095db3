import { describe, expect, test } from 'bun:test';
import { bitDepthOf, displayRotation, formatStartTime, parseProbe, parseRate } from './probe-parse.ts';

// Trimmed from `ffprobe -show_format -show_streams -of json` (5.1) on
// corpus/video/androidx_sample_rotate_and_reflect.mp4.
const ROTATED = {
  streams: [
    {
      index: 0,
      codec_name: 'h264',
      profile: 'High',
      codec_type: 'video',
      width: 1080,
      height: 720,
      pix_fmt: 'yuv420p',
      r_frame_rate: '30000/1001',
      avg_frame_rate: '30000/1001',
      duration: '1.001000',
      bit_rate: '718289',
      bits_per_raw_sample: '8',
      disposition: { default: 1, attached_pic: 0 },
      tags: { language: 'und', handler_name: 'VideoHandler' },
      side_data_list: [{ side_data_type: 'Display Matrix', displaymatrix: '\n00000000: 0 65536 0\n', rotation: -90 }],
    },
    {
      index: 1,
      codec_name: 'aac',
      profile: 'LC',
      codec_type: 'audio',
      sample_rate: '44100',
      channels: 1,
      channel_layout: 'mono',
      r_frame_rate: '0/0',
      avg_frame_rate: '0/0',
      duration: '1.023220',
      bit_rate: '74502',
      disposition: { default: 1, attached_pic: 0 },
      tags: { language: 'eng' },
    },
  ],
  format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', start_time: '0.000000', duration: '1.024000', size: '101674', bit_rate: '794328' },
};

describe('parseProbe', () => {
  test('a rotated H.264 + AAC MP4', () => {
    const p = parseProbe(ROTATED, 101674);
    expect(p).toMatchObject({ container: 'mov,mp4,m4a,3gp,3g2,mj2', duration: 1.024, size: 101674, bitrate: 794328, presentDuration: null });
    expect(p.streams[0]).toEqual({
      index: 0,
      type: 'video',
      codec: 'h264',
      profile: 'High',
      bitrate: 718289,
      duration: 1.001,
      language: null,
      title: null,
      width: 1080,
      height: 720,
      rotation: 90,
      displayWidth: 720,
      displayHeight: 1080,
      fps: 30000 / 1001,
      avgFps: 30000 / 1001,
      pixFmt: 'yuv420p',
      bitDepth: 8,
      colorTransfer: null,
      colorPrimaries: null,
      colorSpace: null,
      hdr: false,
      attachedPic: false,
      isDefault: true,
      channels: null,
      channelLayout: null,
      sampleRate: null,
    });
    expect(p.streams[1]).toMatchObject({
      type: 'audio',
      codec: 'aac',
      channels: 1,
      channelLayout: 'mono',
      sampleRate: 44100,
      language: 'eng',
      width: null,
      fps: null,
      bitDepth: null,
      rotation: 0,
      displayWidth: null,
    });
  });

  test('a track without sample description: codec none, 0 Hz (corpus edge/androidx_sample_missing_stsd.mp4)', () => {
    const p = parseProbe({ streams: [{ index: 1, codec_type: 'audio', sample_rate: '0', channels: 0, r_frame_rate: '0/0' }], format: {} }, 10);
    expect(p.streams[0]).toMatchObject({ codec: null, sampleRate: 0, channels: 0, channelLayout: null });
    expect(parseProbe({ streams: [{ codec_type: 'audio', codec_name: 'none' }] }, 1).streams[0]!.codec).toBeNull();
  });

  test("subtitle tracks keep their codec, language and title (ffprobe's MKV tags)", () => {
    const p = parseProbe(
      {
        streams: [
          { index: 2, codec_name: 'subrip', codec_type: 'subtitle', tags: { language: 'fre', title: 'Français (forcés)', DURATION: '00:00:04.023000000' } },
          { index: 3, codec_name: 'ass', codec_type: 'subtitle', tags: { language: 'und' } },
        ],
        format: {},
      },
      1,
    );
    expect(p.streams.map((s) => [s.type, s.codec, s.language, s.title])).toEqual([
      ['subtitle', 'subrip', 'fre', 'Français (forcés)'],
      ['subtitle', 'ass', null, null],
    ]);
  });

  test('cover art in an MP3 is an attached picture', () => {
    const p = parseProbe(
      {
        streams: [
          { index: 0, codec_name: 'mp3', codec_type: 'audio', sample_rate: '48000', channels: 2, disposition: { default: 0, attached_pic: 0 } },
          {
            index: 1,
            codec_name: 'mjpeg',
            codec_type: 'video',
            width: 1400,
            height: 1400,
            r_frame_rate: '90000/1',
            avg_frame_rate: '0/0',
            disposition: { default: 0, attached_pic: 1 },
          },
        ],
        format: { format_name: 'mp3', duration: '2.695914' },
      },
      77904,
    );
    expect(p.streams[1]).toMatchObject({ attachedPic: true, fps: 90000, avgFps: null, isDefault: false });
  });

  test('HDR: PQ and HLG transfers, 10-bit from the pixel format', () => {
    const s = (t: string) => parseProbe({ streams: [{ codec_type: 'video', codec_name: 'hevc', pix_fmt: 'yuv420p10le', color_transfer: t }] }, 1).streams[0]!;
    expect(s('smpte2084')).toMatchObject({ hdr: true, bitDepth: 10, colorTransfer: 'smpte2084' });
    expect(s('arib-std-b67').hdr).toBe(true);
    expect(s('bt709').hdr).toBe(false);
  });

  test('unknowns are null, never NaN or "N/A"', () => {
    const p = parseProbe(
      {
        streams: [{ codec_type: 'video', codec_name: 'vp9', width: 642, height: 642, bit_rate: 'N/A', duration: 'N/A', r_frame_rate: '0/0' }],
        format: { duration: 'N/A' },
      },
      5,
    );
    expect(p.duration).toBeNull();
    expect(p.bitrate).toBeNull();
    expect(p.streams[0]).toMatchObject({ bitrate: null, duration: null, fps: null, index: 0, profile: null });
  });

  test('Matroska keeps stream duration and bitrate in tags', () => {
    const p = parseProbe({ streams: [{ codec_type: 'video', codec_name: 'vp8', tags: { DURATION: '00:00:05.059000000', BPS: '876543' } }] }, 1);
    expect(p.streams[0]).toMatchObject({ duration: 5.059, bitrate: 876543 });
  });

  test('size falls back to format.size when not known (URLs)', () => {
    expect(parseProbe({ format: { size: '1234' } }, Number.NaN).size).toBe(1234);
    expect(parseProbe({ format: { size: '1234' } }, 99).size).toBe(99);
  });

  test('garbage in, an empty probe out', () => {
    expect(parseProbe(null, 0)).toEqual({ container: '', duration: null, size: 0, bitrate: null, streams: [], presentDuration: null });
    expect(parseProbe({ streams: [{ codec_type: 'weird' }] }, 1).streams[0]!.type).toBe('unknown');
    expect(parseProbe({ streams: [{ codec_type: 'attachment', codec_name: 'ttf' }] }, 1).streams[0]!.type).toBe('attachment');
  });
});

describe('displayRotation', () => {
  test('display-matrix rotation is counter-clockwise; ours is clockwise', () => {
    const m = (rotation: number) => ({ side_data_list: [{ side_data_type: 'Display Matrix', rotation }] });
    expect(displayRotation(m(-90))).toBe(90);
    expect(displayRotation(m(90))).toBe(270);
    expect(displayRotation(m(-180))).toBe(180); // Pixel 7 clip
    expect(displayRotation(m(180))).toBe(180);
    expect(displayRotation(m(0))).toBe(0);
    expect(displayRotation(m(-89.9))).toBe(90);
  });

  test('honours the legacy rotate tag (clockwise already)', () => {
    expect(displayRotation({ tags: { rotate: '90' } })).toBe(90);
    expect(displayRotation({ tags: { rotate: '270' } })).toBe(270);
    expect(displayRotation({ tags: { rotate: '-90' } })).toBe(270);
    expect(displayRotation({})).toBe(0);
  });

  test('the display matrix wins over the tag', () => {
    expect(displayRotation({ tags: { rotate: '90' }, side_data_list: [{ side_data_type: 'Display Matrix', rotation: 180 }] })).toBe(180);
  });
});

test('parseRate', () => {
  expect(parseRate('30/1')).toBe(30);
  expect(parseRate('0/0')).toBeNull();
  expect(parseRate('24000/0')).toBeNull();
  expect(parseRate(undefined)).toBeNull();
  expect(parseRate('25')).toBe(25);
});

test('bitDepthOf', () => {
  expect(bitDepthOf('10', 'yuv420p')).toBe(10);
  expect(bitDepthOf(undefined, 'yuv420p')).toBe(8);
  expect(bitDepthOf(undefined, 'yuvj420p')).toBe(8);
  expect(bitDepthOf(undefined, 'yuv422p10le')).toBe(10);
  expect(bitDepthOf(undefined, 'yuv444p12be')).toBe(12);
  expect(bitDepthOf(undefined, 'p010le')).toBe(10);
  expect(bitDepthOf(undefined, 'gray16le')).toBe(16);
  expect(bitDepthOf(undefined, 'rgb48le')).toBe(16);
  expect(bitDepthOf(undefined, 'rgb24')).toBe(8);
  expect(bitDepthOf(undefined, 'monob')).toBe(1);
  expect(bitDepthOf(undefined, null)).toBeNull();
});

test('formatStartTime', () => {
  expect(formatStartTime({ format: { start_time: '1.514089' } })).toBe(1.514089);
  expect(formatStartTime({ format: { start_time: 'N/A' } })).toBeNull();
  expect(formatStartTime({})).toBeNull();
});
