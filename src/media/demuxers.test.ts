import { describe, expect, test } from 'bun:test';
import { demuxerForExtension, demuxerName, isDemuxer } from './demuxers.ts';
import { demuxArgs, extensionOf, inputArgs } from './probe-input.ts';

describe('demuxers', () => {
  test('an extension names a demuxer; one we do not know names none', () => {
    expect(demuxerForExtension('mp3')).toBe('mp3');
    expect(demuxerForExtension('M4A')).toBe('mov');
    expect(demuxerForExtension('webm')).toBe('matroska');
    expect(demuxerForExtension('opus')).toBe('ogg');
    expect(demuxerForExtension('txt')).toBeNull();
  });

  test('a sniffed format_name matches any of its names', () => {
    expect(isDemuxer('mov,mp4,m4a,3gp,3g2,mj2', 'mov')).toBe(true);
    expect(isDemuxer('matroska,webm', 'matroska')).toBe(true);
    expect(isDemuxer('amrnb', 'mp3')).toBe(false);
    expect(demuxerName('matroska,webm')).toBe('matroska');
    expect(demuxerName('')).toBeNull();
  });
});

describe('probe input', () => {
  test('extensionOf: files and URLs (the query is not part of the name)', () => {
    expect(extensionOf('/in/Song.MP3')).toBe('mp3');
    expect(extensionOf('https://bucket.example/in/a.b/clip.mkv?X-Amz-Signature=abc.mp4')).toBe('mkv');
    expect(extensionOf('/in/.hidden')).toBe('');
    expect(extensionOf('/in/noext')).toBe('');
  });

  test('demuxArgs go before -i; a skip of 0 is left out', () => {
    expect(demuxArgs(null)).toEqual([]);
    expect(demuxArgs({ format: 'mp3', skipInitialBytes: 100_417 })).toEqual(['-f', 'mp3', '-skip_initial_bytes', '100417']);
    expect(demuxArgs({ format: 'mov', skipInitialBytes: 0 })).toEqual(['-f', 'mov']);
    expect(inputArgs('/in/a.mp3', { format: 'mp3', skipInitialBytes: 5 })).toEqual(['-f', 'mp3', '-skip_initial_bytes', '5', '/in/a.mp3']);
  });
});
