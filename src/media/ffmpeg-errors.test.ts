import { describe, expect, test } from 'bun:test';
import { ffmpegReason, lastMeaningfulLine } from './ffmpeg-errors.ts';

// Real stderr from ffmpeg/ffprobe 5.1 (`-loglevel warning`) on the corpus in
// /work/shared/corpus, trimmed to what the tail would hold.
const STDERR = {
  textFile: `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55a38355c8c0] Format mov,mp4,m4a,3gp,3g2,mj2 detected only with low score of 1, misdetection possible!
[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55a38355c8c0] moov atom not found
/work/shared/corpus/derived/text_file_renamed.mp4: Invalid data found when processing input`,
  moovMissing: `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x557035cd48c0] moov atom not found
/work/shared/corpus/derived/truncated_50pct_moov_missing.mp4: Invalid data found when processing input`,
  truncatedMoovFront: `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5607221668c0] Packet corrupt (stream = 0, dts = 53053).
[NULL @ 0x560722167e00] Invalid NAL unit size (15610 > 14828).
[NULL @ 0x560722167e00] missing picture in access unit with size 14832
/work/shared/corpus/derived/truncated_40pct_moov_front.mp4: corrupt input packet in stream 0
[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5607221668c0] stream 0, offset 0x6e624: partial file
[h264 @ 0x5607221f9800] Invalid NAL unit size (15610 > 14828).
[h264 @ 0x5607221f9800] Error splitting the input into NAL units.
Error while decoding stream #0:0: Invalid data found when processing input
[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5607221668c0] stream 1, offset 0x73447: partial file`,
  webm: `[matroska,webm @ 0x560c3746a8c0] File ended prematurely`,
  missingStsd: `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x556543e1c8c0] Could not find codec parameters for stream 1 (Audio: none, 0 channels, 74 kb/s): unknown codec
Consider increasing the value for the 'analyzeduration' (0) and 'probesize' (5000000) options
Decoder (codec none) not found for input stream #0:1`,
  m4bNothingEncoded: `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55b40fd048c0] stream 0, offset 0x10e7ae: partial file
[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55b40fd048c0] stream 0, offset 0x10e8bd: partial file
Output file is empty, nothing was encoded (check -ss / -t / -frames parameters if used)`,
  diskFull: `Could not write header for output file #0 (incorrect codec parameters ?): No space left on device
Error initializing output stream 0:1 --
[aac @ 0x55d1837e0280] Qavg: nan
Conversion failed!`,
  noFile: `/nonexistent/x.mp4: No such file or directory`,
  refused: `[tcp @ 0x55a5d1820f80] Connection to tcp://127.0.0.1:9 failed: Connection refused
http://127.0.0.1:9/x.mp4: Connection refused`,
  mapNoStream: `Stream map '0:v' matches no streams.
To ignore this, add a trailing '?' to the map.`,
  noOutputStream: `Output #0, mp4, to '/tmp/errs/o.mp4':
Output file #0 does not contain any stream`,
  unknownEncoder: `Unknown encoder 'libfoo'`,
  badFilter: `[Parsed_scale_0 @ 0x5581] [Eval @ 0x7ffd] Undefined constant or missing '(' in 'foo'
[Parsed_scale_0 @ 0x5581] Cannot parse expression for width: 'foo'
Error reinitializing filters!
Failed to inject frame into filter network: Invalid argument
Error while processing the decoded data for stream #0:0
Conversion failed!`,
  unknownOption: `Unrecognized option 'bogus'.
Error splitting the argument list: Option not found`,
  // -xerror on a copy of mdn_flower.mp4 with bytes overwritten every 3000.
  corrupt: `[h264 @ 0x556414332d00] left block unavailable for requested intra4x4 mode -1
[h264 @ 0x556414332d00] error while decoding MB 0 33, bytestream 1800
corrupt.mp4: corrupt decoded frame in stream 0
[h264 @ 0x5564143a0ac0] Reference 4 >= 4
[h264 @ 0x5564143a0ac0] error while decoding MB 38 8, bytestream 16464`,
};

describe('ffmpegReason', () => {
  test.each([
    ['textFile', 1, 'ffmpeg cannot read this file: it is not a supported media file or it is damaged'],
    ['moovMissing', 1, 'the file is not a complete MP4/MOV (moov atom not found): a truncated or failed upload?'],
    ['truncatedMoovFront', 1, 'the file is truncated'],
    ['webm', 1, 'the file is truncated'],
    ['missingStsd', 1, 'stream #0:1 has no codec description (a broken track): leave it out'],
    ['m4bNothingEncoded', 0, 'nothing was encoded: the input ended before any frame could be read (truncated, or a seek past the end?)'],
    ['diskFull', 1, 'disk full while writing output'],
    ['noFile', 1, 'the file or folder does not exist: x.mp4'],
    ['refused', 1, 'cannot download http://127.0.0.1:9/x.mp4: connection refused'],
    ['mapNoStream', 1, 'the input has no stream matching 0:v (no such track)'],
    ['noOutputStream', 1, 'the output would be empty: the input has none of the streams asked for'],
    ['unknownEncoder', 1, 'this ffmpeg has no libfoo encoder'],
    ['unknownOption', 1, 'this ffmpeg does not know the option -bogus (too old a version?)'],
    ['corrupt', 1, 'the file is damaged: ffmpeg hit many errors while decoding it'],
  ] as const)('%s', (name, code, reason) => {
    expect(ffmpegReason(STDERR[name], code)).toBe(reason);
  });

  test('a decoder that is not built in', () => {
    expect(ffmpegReason('Decoder (codec av1) not found for input stream #0:0', 1)).toBe('this ffmpeg cannot decode the av1 codec (stream #0:0)');
  });

  test('permission denied names the file, not its folder', () => {
    expect(ffmpegReason('/srv/media/in/abc.mp4: Permission denied', 1)).toBe('permission denied: ffmpeg may not read or write abc.mp4');
  });

  test('an HTTP error status from the media server', () => {
    expect(ffmpegReason('[https @ 0x55] HTTP error 404 Not Found\nhttps://x/y.mp4: Server returned 404 Not Found', 1)).toBe(
      'the media server answered 404 Not Found',
    );
  });

  test('a 5XX from the media server (real ffprobe wording)', () => {
    expect(ffmpegReason('http://127.0.0.1:44241/nope.mp4: Server returned 5XX Server Error reply', 1)).toBe('the media server answered 5XX Server Error');
  });

  test('a folder instead of a file', () => {
    expect(ffmpegReason('/work/shared/corpus: Is a directory', 1)).toBe('this is a folder, not a file');
  });

  test('one decoding error is "an error", many are "many"', () => {
    expect(ffmpegReason('Error while decoding stream #0:0: Invalid data found when processing input', 1)).toBe(
      'the file is damaged: ffmpeg hit an error while decoding it',
    );
  });

  test('falls back to the last meaningful line, without the noise after it', () => {
    expect(ffmpegReason(STDERR.badFilter, 1)).toBe('ffmpeg failed (exit 1): Error while processing the decoded data for stream #0:0');
  });

  test('a death by signal with nothing on stderr', () => {
    expect(ffmpegReason('', 137)).toBe('ffmpeg was killed by SIGKILL (out of memory?)');
    expect(ffmpegReason('', 1)).toBe('ffmpeg failed (exit 1) without an error message');
  });

  test('names ffprobe when asked', () => {
    expect(ffmpegReason('', 1, 'ffprobe')).toBe('ffprobe failed (exit 1) without an error message');
    expect(ffmpegReason(STDERR.textFile, 1, 'ffprobe')).toBe('ffprobe cannot read this file: it is not a supported media file or it is damaged');
  });

  test('every reason is one readable sentence without raw stderr prefixes', () => {
    for (const text of Object.values(STDERR)) {
      const r = ffmpegReason(text, 1);
      expect(r).not.toMatch(/@ 0x|\n/);
      expect(r.length).toBeLessThan(400);
    }
  });
});

test('lastMeaningfulLine strips [demuxer @ 0x...] prefixes and skips noise', () => {
  expect(lastMeaningfulLine('[h264 @ 0x55] real problem\nConversion failed!\n')).toBe('real problem');
  expect(lastMeaningfulLine('Conversion failed!')).toBeNull();
});
