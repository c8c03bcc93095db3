import { describe, expect, test } from 'bun:test';
import { AppError } from '../errors.ts';
import { measureBandwidth, parseMediaPlaylist, targetDurationFor, writeMasterPlaylist, writeMediaPlaylist, type MasterVariant } from './hls.ts';

// What ffmpeg 6/7's hls muxer writes with -hls_playlist_type vod.
const FFMPEG_PLAYLIST = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:7
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:VOD
#EXTINF:6.006000,
seg_000.ts
#EXTINF:6.006000,
seg_001.ts
#EXTINF:2.335667,
seg_002.ts
#EXT-X-ENDLIST
`;

const corrupt = (text: string, fragment: string) => {
  let err: unknown;
  try {
    parseMediaPlaylist(text);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe('corrupt');
  expect((err as AppError).message).toContain(fragment);
};

describe('parseMediaPlaylist', () => {
  test("ffmpeg's VOD playlist", () => {
    expect(parseMediaPlaylist(FFMPEG_PLAYLIST)).toEqual({
      targetDuration: 7,
      segments: [
        { uri: 'seg_000.ts', duration: 6.006 },
        { uri: 'seg_001.ts', duration: 6.006 },
        { uri: 'seg_002.ts', duration: 2.335667 },
      ],
      ended: true,
    });
  });

  test('titles, CRLF, a BOM, unknown tags and an open (live) playlist', () => {
    const text = '\uFEFF#EXTM3U\r\n#EXT-X-TARGETDURATION:4\r\n#EXT-X-DISCONTINUITY\r\n#EXTINF:4.0,a title, with commas\r\n\r\nsub/a.ts\r\n';
    expect(parseMediaPlaylist(text)).toEqual({ targetDuration: 4, segments: [{ uri: 'sub/a.ts', duration: 4 }], ended: false });
  });

  test('malformed input is corrupt', () => {
    corrupt('', 'does not start with #EXTM3U');
    corrupt('<html>', 'does not start with #EXTM3U');
    corrupt('#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.0,\n', '#EXTINF without a URI (line 3)');
    corrupt('#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.0,\n#EXTINF:6.0,\na.ts\n', '#EXTINF without a URI (line 3)');
    corrupt('#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:nan,\na.ts\n', 'bad segment duration "nan"');
    corrupt('#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:,\na.ts\n', 'bad segment duration ""');
    corrupt('#EXTM3U\n#EXT-X-TARGETDURATION:6\na.ts\n', 'URI "a.ts" without #EXTINF');
    corrupt('#EXTM3U\n#EXT-X-TARGETDURATION:six\n', 'bad target duration');
    corrupt('#EXTM3U\n#EXTINF:6.0,\na.ts\n', 'no #EXT-X-TARGETDURATION');
  });
});

describe('writeMediaPlaylist', () => {
  const segs = [
    { uri: '720p/seg_00000.ts', duration: 6.006 },
    { uri: '720p/seg_00001.ts', duration: 6.4 },
    { uri: '720p/seg_00002.ts', duration: 1.25 },
  ];

  test('exact text', () => {
    expect(writeMediaPlaylist(segs)).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-TARGETDURATION:7',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXTINF:6.006000,',
        '720p/seg_00000.ts',
        '#EXTINF:6.400000,',
        '720p/seg_00001.ts',
        '#EXTINF:1.250000,',
        '720p/seg_00002.ts',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
  });

  test('round trip', () => {
    const back = parseMediaPlaylist(writeMediaPlaylist(segs));
    expect(back.segments).toEqual(segs);
    expect(back.ended).toBe(true);
    expect(parseMediaPlaylist(writeMediaPlaylist(back.segments))).toEqual(back);
  });

  test('conforms: every rounded EXTINF is within the target', () => {
    const cases = [[6], [6.0000001], [6.4999], [6.5], [5.999, 6.001], [0.2], [29.97, 1], [10.000999]];
    for (const durations of cases) {
      const written = parseMediaPlaylist(writeMediaPlaylist(durations.map((d, i) => ({ uri: `s${i}.ts`, duration: d }))));
      for (const s of written.segments) expect(Math.round(s.duration)).toBeLessThanOrEqual(written.targetDuration);
    }
    expect(targetDurationFor([6])).toBe(6);
    expect(targetDurationFor([6.0000001])).toBe(6);
    expect(targetDurationFor([6.006])).toBe(7);
    expect(targetDurationFor([0.2])).toBe(1);
  });

  test('version option', () => {
    expect(writeMediaPlaylist(segs, { version: 6 })).toContain('#EXT-X-VERSION:6\n');
    expect(() => writeMediaPlaylist(segs, { version: 2 })).toThrow('version');
  });

  test('refuses what it cannot write', () => {
    expect(() => writeMediaPlaylist([])).toThrow(AppError);
    expect(() => writeMediaPlaylist([{ uri: 'a.ts', duration: 0 }])).toThrow('duration must be positive');
    expect(() => writeMediaPlaylist([{ uri: 'a.ts', duration: Number.NaN }])).toThrow('duration must be positive');
    expect(() => writeMediaPlaylist([{ uri: 'a.ts\n#EXT-X-ENDLIST', duration: 6 }])).toThrow('unusable URI');
    expect(() => writeMediaPlaylist([{ uri: '', duration: 6 }])).toThrow('unusable URI');
  });
});

describe('writeMasterPlaylist', () => {
  const variants: MasterVariant[] = [
    { uri: '720p/index.m3u8', bandwidth: 2_900_000, averageBandwidth: 2_500_000, width: 1280, height: 720, codecs: 'avc1.64001f', frameRate: 29.97 },
    { uri: '360p/index.m3u8', bandwidth: 1_000_000, averageBandwidth: 900_000, width: 640, height: 360, codecs: 'avc1.64001e', frameRate: 29.97 },
  ];
  const audio = { uri: 'audio/index.m3u8', groupId: 'aud', name: 'Audio', channels: 2, codecs: 'mp4a.40.2' };

  test('with an audio group: exact text, variants ascending', () => {
    expect(writeMasterPlaylist({ variants, audio })).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="Audio",LANGUAGE="und",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/index.m3u8"',
        '#EXT-X-STREAM-INF:BANDWIDTH=1000000,AVERAGE-BANDWIDTH=900000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",FRAME-RATE=29.970,AUDIO="aud"',
        '360p/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=2900000,AVERAGE-BANDWIDTH=2500000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",FRAME-RATE=29.970,AUDIO="aud"',
        '720p/index.m3u8',
        '',
      ].join('\n'),
    );
  });

  test('silent ladder: no media line, no audio codec or group', () => {
    const text = writeMasterPlaylist({ variants, audio: null });
    expect(text).not.toContain('#EXT-X-MEDIA');
    expect(text).not.toContain('AUDIO=');
    expect(text).toContain('CODECS="avc1.64001e",FRAME-RATE=29.970\n360p/index.m3u8');
    expect(writeMasterPlaylist({ variants })).toBe(text);
  });

  test('language is passed through', () => {
    expect(writeMasterPlaylist({ variants, audio: { ...audio, language: 'en' } })).toContain('LANGUAGE="en"');
  });

  test('conforms: each STREAM-INF is followed by its URI and quoted values hold no quotes', () => {
    const lines = writeMasterPlaylist({ variants, audio }).split('\n');
    lines.forEach((l, i) => {
      if (l.startsWith('#EXT-X-STREAM-INF:')) expect(lines[i + 1]).toMatch(/^[^#].*\.m3u8$/);
    });
    for (const l of lines.filter((x) => x.startsWith('#EXT-X-'))) expect((l.match(/"/g) ?? []).length % 2).toBe(0);
  });

  const subtitles = [
    { uri: 'subs/en/index.m3u8', name: 'English', language: 'en' },
    { uri: 'subs/fr/index.m3u8', name: 'French', language: 'fr' },
  ];

  test('with subtitle renditions: a SUBTITLES group after the audio, named by every variant', () => {
    expect(writeMasterPlaylist({ variants, audio, subtitles })).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="Audio",LANGUAGE="und",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/index.m3u8"',
        '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=NO,AUTOSELECT=YES,URI="subs/en/index.m3u8"',
        '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="French",LANGUAGE="fr",DEFAULT=NO,AUTOSELECT=YES,URI="subs/fr/index.m3u8"',
        '#EXT-X-STREAM-INF:BANDWIDTH=1000000,AVERAGE-BANDWIDTH=900000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",FRAME-RATE=29.970,AUDIO="aud",SUBTITLES="subs"',
        '360p/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=2900000,AVERAGE-BANDWIDTH=2500000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",FRAME-RATE=29.970,AUDIO="aud",SUBTITLES="subs"',
        '720p/index.m3u8',
        '',
      ].join('\n'),
    );
  });

  test('subtitles without audio; none given means no group at all', () => {
    const text = writeMasterPlaylist({ variants, subtitles: [{ uri: 'subs/und/index.m3u8', name: 'Subtitles' }] });
    expect(text).toContain('#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Subtitles",LANGUAGE="und",DEFAULT=NO,AUTOSELECT=YES,URI="subs/und/index.m3u8"\n');
    expect(text).toContain('FRAME-RATE=29.970,SUBTITLES="subs"\n360p/index.m3u8');
    for (const none of [undefined, null, []]) {
      const plain = writeMasterPlaylist({ variants, audio, subtitles: none });
      expect(plain).not.toContain('SUBTITLES');
      expect(plain).toBe(writeMasterPlaylist({ variants, audio }));
    }
  });

  test('refuses subtitle renditions it cannot write', () => {
    expect(() => writeMasterPlaylist({ variants, subtitles: [subtitles[0]!, { ...subtitles[1]!, name: 'English' }] })).toThrow('both named "English"');
    expect(() => writeMasterPlaylist({ variants, subtitles: [{ ...subtitles[0]!, name: 'Say "hi"' }] })).toThrow('subtitles[0].name cannot contain quotes');
    expect(() => writeMasterPlaylist({ variants, subtitles: [{ ...subtitles[0]!, name: ' ' }] })).toThrow('subtitles[0].name must not be empty');
    expect(() => writeMasterPlaylist({ variants, subtitles: [{ ...subtitles[0]!, uri: '' }] })).toThrow('unusable URI');
  });

  test('refuses what it cannot write', () => {
    expect(() => writeMasterPlaylist({ variants: [], audio })).toThrow('no variants');
    expect(() => writeMasterPlaylist({ variants, audio: { ...audio, name: 'say "hi"' } })).toThrow('audio.name cannot contain quotes');
    expect(() => writeMasterPlaylist({ variants: [{ ...variants[0]!, bandwidth: 1.5 }] })).toThrow('variants[0].bandwidth must be a positive whole number');
    expect(() => writeMasterPlaylist({ variants: [{ ...variants[0]!, frameRate: 0 }] })).toThrow('frameRate');
  });
});

describe('measureBandwidth', () => {
  test('peak and average, rounded up', () => {
    // 6 s at 1.5 MB = 2 Mb/s; 6 s at 3 MB = 4 Mb/s; 3 s at 0.375 MB = 1 Mb/s
    expect(
      measureBandwidth([
        { duration: 6, bytes: 1_500_000 },
        { duration: 6, bytes: 3_000_000 },
        { duration: 3, bytes: 375_000 },
      ]),
    ).toEqual({ peak: 4_000_000, average: 2_600_000 });
    expect(measureBandwidth([{ duration: 3, bytes: 1000 }])).toEqual({ peak: 2667, average: 2667 });
  });

  test('a very short tail does not set the peak, but the peak never falls below the average', () => {
    expect(
      measureBandwidth([
        { duration: 6, bytes: 1_500_000 },
        { duration: 0.1, bytes: 100_000 },
      ]).peak,
    ).toBe(Math.ceil((1_600_000 * 8) / 6.1));
    expect(
      measureBandwidth([
        { duration: 6, bytes: 3_000_000 },
        { duration: 0.1, bytes: 10_000 },
      ]),
    ).toEqual({ peak: 4_000_000, average: Math.ceil((3_010_000 * 8) / 6.1) });
  });

  test('all short: they count', () => {
    expect(
      measureBandwidth([
        { duration: 0.2, bytes: 1000 },
        { duration: 0.4, bytes: 1000 },
      ]).peak,
    ).toBe(40_000);
  });

  test('nothing to measure', () => {
    expect(() => measureBandwidth([])).toThrow(AppError);
    expect(() => measureBandwidth([{ duration: 0, bytes: 10 }])).toThrow(AppError);
  });
});
