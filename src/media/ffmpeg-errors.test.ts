import { describe, expect, test } from 'bun:test';
import { ffmpegFailure, ffmpegReason, isStderrNoise, lastMeaningfulLine, stderrDetail } from './ffmpeg-errors.ts';

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
    ['diskFull', 1, 'disk full: the folder ffmpeg writes to'],
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

// Real stderr of ffmpeg 5.1 writing to a full 64 KiB tmpfs, a read-only
// tmpfs, and scaling a JPEG (yuvj420p) into a thumbnail grid on a full disk.
const REAL = {
  fullTs: `av_interleaved_write_frame(): No space left on device
    Last message repeated 47 times
Error writing trailer of /tmp/small/big.ts: No space left on device
Error closing file /tmp/small/big.ts: No space left on device`,
  fullHeader: `Could not write header for output file #0 (incorrect codec parameters ?): No space left on device
Error initializing output stream 0:0 -- 
[aac @ 0x5581bdc0e480] 2 frames left in the queue on closing`,
  readOnly: `/tmp/romnt/x.ts: Read-only file system`,
  swscalerThenFull: `[swscaler @ 0x55840ef49300] [swscaler @ 0x55840efc0ec0] deprecated pixel format used, make sure you did set range correctly
[swscaler @ 0x55840ef49300] [swscaler @ 0x55840efaec00] deprecated pixel format used, make sure you did set range correctly
[swscaler @ 0x55840ef49300] [swscaler @ 0x55840ef8b080] deprecated pixel format used, make sure you did set range correctly
Error writing trailer of /tmp/small/img.ts: No space left on device
[swscaler @ 0x55840ef49300] [swscaler @ 0x55840ef73c80] deprecated pixel format used, make sure you did set range correctly
Error closing file /tmp/small/img.ts: No space left on device`,
};

describe('ffmpegFailure: retry or fail', () => {
  test('a full disk fails at once and names the file ffmpeg was writing', () => {
    expect(ffmpegFailure(REAL.fullTs, 1)).toEqual({ code: 'insufficient_storage', reason: 'disk full: /tmp/small/big.ts' });
    expect(ffmpegFailure(REAL.swscalerThenFull, 1)).toEqual({ code: 'insufficient_storage', reason: 'disk full: /tmp/small/img.ts' });
  });

  test('a full disk with no file named: the output folder when known', () => {
    expect(ffmpegFailure(REAL.fullHeader, 1, { writesTo: '/data/work/j1/a1/c0' })).toEqual({
      code: 'insufficient_storage',
      reason: 'disk full: /data/work/j1/a1/c0',
    });
    expect(ffmpegFailure(REAL.fullHeader, 1).reason).toBe('disk full: the folder ffmpeg writes to');
  });

  test('a read-only file system is not "permission denied"', () => {
    const f = ffmpegFailure(REAL.readOnly, 1);
    expect(f).toEqual({ code: 'unrecoverable', reason: 'read-only file system: ffmpeg cannot write /tmp/romnt/x.ts' });
    expect(f.reason).not.toContain('permission');
  });

  test.each([
    [139, 'SIGSEGV'],
    [135, 'SIGBUS'],
    [132, 'SIGILL'],
    [134, 'SIGABRT'],
  ])('exit %d: a crash (%s) is transient', (exit, signal) => {
    expect(ffmpegFailure('', exit)).toEqual({ code: 'unavailable', reason: `ffmpeg crashed (${signal})` });
  });

  test('a crash stays a crash whatever stderr said before it, and says its last line', () => {
    const f = ffmpegFailure('Error while decoding stream #0:0: Invalid data found when processing input', 139);
    expect(f).toEqual({ code: 'unavailable', reason: 'ffmpeg crashed (SIGSEGV): Error while decoding stream #0:0: Invalid data found when processing input' });
  });

  test('killed from outside (SIGKILL, SIGTERM) and ordinary errors are not retried', () => {
    expect(ffmpegFailure('', 137)).toEqual({ code: 'unrecoverable', reason: 'ffmpeg was killed by SIGKILL (out of memory?)' });
    expect(ffmpegFailure('', 143).code).toBe('unrecoverable');
    expect(ffmpegFailure(STDERR.textFile, 1).code).toBe('unrecoverable');
  });

  test('ffmpegReason is the same sentence', () => {
    expect(ffmpegReason(REAL.readOnly, 1)).toBe(ffmpegFailure(REAL.readOnly, 1).reason);
    expect(ffmpegReason('', 139, 'ffprobe')).toBe('ffprobe crashed (SIGSEGV)');
  });
});

describe('stderrDetail: the lines that explain a failure', () => {
  test('drops the scaler noise and the repeat counter, keeps the error lines as printed', () => {
    expect(stderrDetail(REAL.swscalerThenFull)).toBe(
      'Error writing trailer of /tmp/small/img.ts: No space left on device\nError closing file /tmp/small/img.ts: No space left on device',
    );
    expect(stderrDetail(REAL.fullTs)).toBe(
      'av_interleaved_write_frame(): No space left on device\nError writing trailer of /tmp/small/big.ts: No space left on device\nError closing file /tmp/small/big.ts: No space left on device',
    );
  });

  test('keeps every line of a tail without noise, and is null for noise alone', () => {
    expect(stderrDetail(STDERR.truncatedMoovFront)).toBe(STDERR.truncatedMoovFront);
    expect(
      stderrDetail('[swscaler @ 0x1] deprecated pixel format used, make sure you did set range correctly\n    Last message repeated 3 times\n'),
    ).toBeNull();
    expect(stderrDetail('')).toBeNull();
  });

  test('isStderrNoise', () => {
    expect(isStderrNoise('[swscaler @ 0x56] [swscaler @ 0x57] deprecated pixel format used, make sure you did set range correctly')).toBe(true);
    expect(isStderrNoise('    Last message repeated 1 times')).toBe(true);
    expect(isStderrNoise('[h264 @ 0x55] error while decoding MB 0 33, bytestream 1800')).toBe(false);
  });
});
