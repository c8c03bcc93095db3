/** The pure choices inside probeAndClassify; the runs themselves are in probe.int.test.ts and probe-shapes.int.test.ts. */
import { describe, expect, test } from 'bun:test';
import { pickAttempt, recoveryOf } from './probe.ts';
import type { Probe, ProbeVerdict } from '../types/media.ts';

const ready: ProbeVerdict = { kind: 'audio', status: 'ready', reason: null, videoStream: null, audioStream: 0 };
const invalid: ProbeVerdict = { kind: null, status: 'invalid', reason: 'the file is damaged: …', videoStream: null, audioStream: null };
const probe = (p: Partial<Probe>): Probe => ({ container: 'mp3', duration: 7.4, size: 140_000, bitrate: null, streams: [], presentDuration: 2.6, ...p });
const decode = (frames: number, errors: number) => ({ seconds: 9, windowed: true, frames, errors });

describe('recoveryOf', () => {
  test('an invalid reading with errors before its first good frame: the same demuxer from that frame', () => {
    expect(recoveryOf({ probe: probe({ decode: decode(81, 42) }), verdict: invalid, firstFramePos: 100_417 })).toEqual({
      format: 'mp3',
      skipInitialBytes: 100_417,
    });
    const forced = probe({ container: 'mp3', demux: { format: 'mp3', skipInitialBytes: 0 }, decode: decode(81, 42) });
    expect(recoveryOf({ probe: forced, verdict: invalid, firstFramePos: 100_417 })).toEqual({ format: 'mp3', skipInitialBytes: 100_417 });
  });

  test('nothing to recover: ready, no errors, good from byte 0, already skipping, or no probe', () => {
    expect(recoveryOf({ probe: probe({ decode: decode(81, 42) }), verdict: ready, firstFramePos: 100_417 })).toBeNull();
    expect(recoveryOf({ probe: probe({ decode: decode(81, 0) }), verdict: invalid, firstFramePos: 100_417 })).toBeNull();
    expect(recoveryOf({ probe: probe({ decode: decode(81, 42) }), verdict: invalid, firstFramePos: 0 })).toBeNull();
    expect(
      recoveryOf({ probe: probe({ decode: decode(81, 42), demux: { format: 'mp3', skipInitialBytes: 10 } }), verdict: invalid, firstFramePos: 500 }),
    ).toBeNull();
    expect(recoveryOf({ probe: null, verdict: invalid, firstFramePos: 500 })).toBeNull();
  });
});

describe('pickAttempt', () => {
  const sniffed = { probe: probe({ container: 'amrnb', decode: decode(300, 40) }), verdict: ready };
  const recovered = { probe: probe({ demux: { format: 'mp3', skipInitialBytes: 100_417 }, decode: decode(81, 0) }), verdict: ready };

  test('the ready reading that decodes cleanest wins', () => {
    expect(pickAttempt([sniffed, recovered])).toBe(recovered);
  });

  test('on a tie the earlier one (ffprobe sniffing) wins', () => {
    const clean = { ...sniffed, probe: probe({ container: 'mp3', decode: decode(300, 0) }) };
    expect(pickAttempt([clean, recovered])).toBe(clean);
  });

  test('nothing ready: the sniffed reading, whose reason describes the file as ffmpeg sees it', () => {
    const bad = { probe: null, verdict: invalid };
    expect(pickAttempt([bad, { ...recovered, verdict: invalid }])).toBe(bad);
  });
});
