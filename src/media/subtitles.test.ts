import { describe, expect, test } from 'bun:test';
import {
  cleanCueText,
  isTextSubtitle,
  MPEGTS_ORIGIN_90KHZ,
  parseVtt,
  retimeCues,
  subtitleExtractArgs,
  subtitleFolders,
  subtitleLanguage,
  textSubtitleTracks,
  writeSubtitleVtt,
  type Cue,
} from './subtitles.ts';
import type { ProbeStream } from '../types/media.ts';

const stream = (over: Partial<ProbeStream>): ProbeStream => ({
  index: 0,
  type: 'subtitle',
  codec: 'subrip',
  profile: null,
  bitrate: null,
  duration: null,
  language: null,
  title: null,
  width: null,
  height: null,
  rotation: 0,
  displayWidth: null,
  displayHeight: null,
  fps: null,
  avgFps: null,
  pixFmt: null,
  bitDepth: null,
  colorTransfer: null,
  colorPrimaries: null,
  colorSpace: null,
  hdr: false,
  attachedPic: false,
  channels: null,
  channelLayout: null,
  sampleRate: null,
  ...over,
});

describe('which tracks', () => {
  test('text codecs are converted; bitmap ones, broken tracks and other stream types are not', () => {
    for (const codec of ['subrip', 'ass', 'ssa', 'mov_text', 'webvtt', 'text']) expect(isTextSubtitle(stream({ codec }))).toBe(true);
    for (const codec of ['dvd_subtitle', 'hdmv_pgs_subtitle', 'dvb_subtitle', 'dvb_teletext', 'xsub']) expect(isTextSubtitle(stream({ codec }))).toBe(false);
    expect(isTextSubtitle(stream({ codec: null }))).toBe(false);
    expect(isTextSubtitle(stream({ type: 'data', codec: 'subrip' }))).toBe(false);
  });

  test('names from titles, else the language; languages as RFC 5646; names unique', () => {
    const tracks = textSubtitleTracks([
      stream({ index: 0, type: 'video', codec: 'h264' }),
      stream({ index: 2, codec: 'subrip', language: 'eng', title: 'English' }),
      stream({ index: 3, codec: 'ass', language: 'fre' }),
      stream({ index: 4, codec: 'hdmv_pgs_subtitle', language: 'eng' }),
      stream({ index: 5, codec: 'mov_text', language: 'eng' }),
      stream({ index: 6, codec: 'webvtt' }),
      stream({ index: 7, codec: 'subrip', language: 'ger', title: 'Say "hi"\nnow' }),
    ]);
    expect(tracks).toEqual([
      { index: 2, codec: 'subrip', language: 'en', name: 'English' },
      { index: 3, codec: 'ass', language: 'fr', name: 'French' },
      { index: 5, codec: 'mov_text', language: 'en', name: 'English (2)' },
      { index: 6, codec: 'webvtt', language: 'und', name: 'Subtitles' },
      { index: 7, codec: 'subrip', language: 'de', name: "Say 'hi' now" },
    ]);
    expect(subtitleFolders(tracks)).toEqual(['en', 'fr', 'en-2', 'und', 'de']);
  });

  test('language tags', () => {
    expect(subtitleLanguage(null)).toBe('und');
    expect(subtitleLanguage('und')).toBe('und');
    expect(subtitleLanguage('eng')).toBe('en');
    expect(subtitleLanguage('fra')).toBe('fr');
    expect(subtitleLanguage('chi')).toBe('zh');
    expect(subtitleLanguage('pt_BR')).toBe('pt-BR');
    expect(subtitleLanguage('tlh')).toBe('tlh');
    expect(subtitleLanguage('English')).toBe('und');
    expect(subtitleLanguage('e!')).toBe('und');
  });
});

test('one ffmpeg process, one WebVTT output per track', () => {
  expect(
    subtitleExtractArgs({
      input: '/in/a.mkv',
      tracks: [
        { streamIndex: 2, output: '/w/en.vtt' },
        { streamIndex: 3, output: '/w/fr.vtt' },
      ],
    }),
  ).toEqual(['-i', '/in/a.mkv', '-map', '0:2', '-c:s', 'webvtt', '-f', 'webvtt', '/w/en.vtt', '-map', '0:3', '-c:s', 'webvtt', '-f', 'webvtt', '/w/fr.vtt']);
});

// What ffmpeg 5.1's webvtt muxer writes (MM:SS.mmm below an hour), plus an id, settings and an empty text line.
const FFMPEG_VTT = `WEBVTT

00:01.000 --> 00:02.500
Hello <i>world</i>

c2
00:03.000 --> 00:04.000 align:start line:10%
Second line

after an empty line

1:02:03.250 --> 1:02:04.000
late
`;

describe('cues', () => {
  test('parse', () => {
    expect(parseVtt(FFMPEG_VTT)).toEqual([
      { id: null, start: 1, end: 2.5, settings: '', text: 'Hello <i>world</i>' },
      { id: 'c2', start: 3, end: 4, settings: 'align:start line:10%', text: 'Second line\nafter an empty line' },
      { id: null, start: 3723.25, end: 3724, settings: '', text: 'late' },
    ]);
    expect(parseVtt('WEBVTT\n')).toEqual([]);
    expect(parseVtt('\uFEFFWEBVTT\r\n\r\nNOTE hi\r\n\r\n00:00:01.000 --> 00:00:02.000\r\nx\r\n')).toEqual([
      { id: null, start: 1, end: 2, settings: '', text: 'x' },
    ]);
  });

  test('retime onto a trimmed output: shift, cut at the edges, drop outside, order by start', () => {
    const cue = (start: number, end: number, text: string): Cue => ({ id: null, start, end, settings: '', text });
    const cues = [cue(6, 7, 'd'), cue(1, 2.5, 'a'), cue(2.8, 3.5, 'b'), cue(4.5, 5.5, 'c'), cue(9, 10, 'e')];
    expect(retimeCues(cues, { origin: 3, duration: 2 }).map((c) => [c.start, c.end, c.text])).toEqual([
      [0, 0.5, 'b'],
      [1.5, 2, 'c'],
    ]);
    expect(retimeCues(cues, { origin: 0, duration: 9.5 }).map((c) => [c.start, c.end])).toEqual([
      [1, 2.5],
      [2.8, 3.5],
      [4.5, 5.5],
      [6, 7],
      [9, 9.5],
    ]);
  });

  test('text a WebVTT parser reads as written', () => {
    expect(cleanCueText('a < b & c <b>bold</b> <i>x</i> <c.yellow>y</c> <v Bob>z</v> <00:01.000>')).toBe(
      'a &lt; b &amp; c <b>bold</b> <i>x</i> <c.yellow>y</c> <v Bob>z</v> <00:01.000>',
    );
    expect(cleanCueText('R&amp;D &#39; <br> <font color="red">')).toBe('R&amp;D &#39; &lt;br> &lt;font color="red">');
    expect(cleanCueText('a --> b\n\n  \nc  ')).toBe('a --&gt; b\nc');
  });

  test('write: X-TIMESTAMP-MAP header, HH:MM:SS.mmm timings, empty cues left out; round trip', () => {
    const cues = parseVtt(FFMPEG_VTT);
    const vtt = writeSubtitleVtt([...cues, { id: null, start: 5, end: 6, settings: '', text: ' \n' }]);
    expect(vtt).toBe(
      [
        'WEBVTT',
        `X-TIMESTAMP-MAP=MPEGTS:${MPEGTS_ORIGIN_90KHZ},LOCAL:00:00:00.000`,
        '',
        '00:00:01.000 --> 00:00:02.500',
        'Hello <i>world</i>',
        '',
        'c2',
        '00:00:03.000 --> 00:00:04.000 align:start line:10%',
        'Second line\nafter an empty line',
        '',
        '01:02:03.250 --> 01:02:04.000',
        'late',
        '',
      ].join('\n'),
    );
    expect(parseVtt(vtt)).toEqual(cues);
    expect(writeSubtitleVtt([], { mpegtsOrigin: 0 })).toBe('WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n');
  });
});
