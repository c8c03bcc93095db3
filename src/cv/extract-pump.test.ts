/**
 * The frame reader's loop without a thread or a pipe: a fake read hands out
 * the bytes of a scripted output in chunks of its choosing.
 */
import { describe, expect, test } from 'bun:test';
import { createFramePump, type FromReader, PROGRESS_BYTES, TICKS, WAITING } from './extract-pump.ts';
import { coefficientsOf, i420Bytes, i420ToRgbScalar } from './yuv.ts';

const FRAME = 6;

/** A pump over `output`, read at most `chunk` bytes a call; what it posts is kept. */
const harness = (output: Uint8Array, chunk = 4) => {
  let at = 0;
  const posted: FromReader[] = [];
  const moved: ArrayBuffer[] = [];
  const progress = new SharedArrayBuffer(PROGRESS_BYTES);
  const pump = createFramePump(
    {
      read: (fd, into, offset, length) => {
        expect(fd).toBe(7);
        const n = Math.min(length, chunk, output.length - at);
        into.set(output.subarray(at, at + n), offset);
        at += n;
        return n;
      },
      post: (msg, transfer) => {
        posted.push(msg);
        if (transfer) moved.push(...transfer);
      },
    },
    2,
  );
  const start = (credit: number) => pump.handle({ type: 'start', fd: 7, frameBytes: FRAME, credit, progress });
  const frames = () => posted.flatMap((m) => (m.type === 'frame' ? [[...new Uint8Array(m.buf)]] : []));
  return { pump, posted, moved, start, frames, read: () => at, shared: new Int32Array(progress) };
};

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);

describe('createFramePump', () => {
  test('reads whole frames across short reads, only as many as it has credits for', () => {
    const h = harness(bytes(4 * FRAME));
    h.start(2);
    expect(h.frames()).toEqual([
      [0, 1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10, 11],
    ]);
    expect(h.read()).toBe(2 * FRAME); // nothing read ahead without a credit: the pipe fills, ffmpeg blocks
    expect(h.moved.length).toBe(2); // each frame's buffer is transferred, not copied
    h.pump.handle({ type: 'credit', n: 1 });
    expect(h.frames().length).toBe(3);
    expect(h.read()).toBe(3 * FRAME);
  });

  test('at end of file: the frames there were, then end with the partial frame dropped', () => {
    const h = harness(bytes(2 * FRAME + 4));
    h.start(5);
    expect(h.frames().length).toBe(2);
    expect(h.posted.at(-1)).toEqual({ type: 'end', partial: 4 });
    h.pump.handle({ type: 'credit', n: 3 });
    expect(h.posted.length).toBe(3); // nothing after end
  });

  test('buffers given back are reused, up to `keep`, and only at the frame size', () => {
    const h = harness(bytes(10 * FRAME));
    h.start(1);
    const first = h.posted[0] as Extract<FromReader, { type: 'frame' }>;
    expect(first.reused).toBe(false);
    h.pump.handle({ type: 'buffer', buf: new ArrayBuffer(FRAME) });
    h.pump.handle({ type: 'buffer', buf: new ArrayBuffer(FRAME + 1) }); // another size: dropped
    h.pump.handle({ type: 'buffer', buf: new ArrayBuffer(FRAME) });
    h.pump.handle({ type: 'buffer', buf: new ArrayBuffer(FRAME) }); // over keep = 2: dropped
    expect(h.pump.kept()).toBe(2);
    h.pump.handle({ type: 'credit', n: 3 });
    expect(h.posted.slice(1).map((m) => m.type === 'frame' && m.reused)).toEqual([true, true, false]);
    // A run at another size starts with none kept.
    h.pump.handle({ type: 'buffer', buf: new ArrayBuffer(FRAME) });
    h.pump.handle({ type: 'start', fd: 7, frameBytes: 3, credit: 0, progress: new SharedArrayBuffer(PROGRESS_BYTES) });
    expect(h.pump.kept()).toBe(0);
  });

  test('progress: waiting only while it holds credits, ticks on every read and every change', () => {
    const h = harness(bytes(3 * FRAME), 2);
    h.start(1);
    expect(Atomics.load(h.shared, WAITING)).toBe(0); // out of credits: not waiting on ffmpeg
    expect(Atomics.load(h.shared, TICKS)).toBe(2 + FRAME / 2);
  });

  test('a failing read ends the run with an error; stop is answered and ends reading', () => {
    const posted: FromReader[] = [];
    const pump = createFramePump({
      read: () => {
        throw new Error('EIO: i/o error, read');
      },
      post: (m) => posted.push(m),
    });
    pump.handle({ type: 'start', fd: 3, frameBytes: FRAME, credit: 1, progress: new SharedArrayBuffer(PROGRESS_BYTES) });
    expect(posted).toEqual([{ type: 'error', message: 'EIO: i/o error, read' }]);
    pump.handle({ type: 'stop' });
    pump.handle({ type: 'credit', n: 1 });
    expect(posted.at(-1)).toEqual({ type: 'stopped' });
    expect(posted.length).toBe(2);
  });

  test('I420 input: reads frames of I420 size, hands on RGB24 frames converted from them', () => {
    const [w, h] = [4, 2];
    const inBytes = i420Bytes(w, h); // 12
    const output = Uint8Array.from({ length: 2 * inBytes + 5 }, (_, i) => (i * 37) & 255);
    let at = 0;
    const posted: FromReader[] = [];
    const pump = createFramePump({
      read: (_fd, into, offset, length) => {
        const n = Math.min(length, 5, output.length - at);
        into.set(output.subarray(at, at + n), offset);
        at += n;
        return n;
      },
      post: (m) => posted.push(m),
    });
    const rgbBytes = w * h * 3;
    pump.handle({
      type: 'start',
      fd: 3,
      frameBytes: rgbBytes,
      credit: 5,
      progress: new SharedArrayBuffer(PROGRESS_BYTES),
      i420: { width: w, height: h, matrix: 'bt709' },
    });
    const frames = posted.flatMap((m) => (m.type === 'frame' ? [new Uint8Array(m.buf)] : []));
    expect(frames.length).toBe(2);
    for (const [k, f] of frames.entries()) {
      const want = new Uint8Array(rgbBytes);
      i420ToRgbScalar(output.subarray(k * inBytes, (k + 1) * inBytes), want, w, h, coefficientsOf('bt709'));
      expect([...f]).toEqual([...want]);
    }
    expect(posted.at(-1)).toEqual({ type: 'end', partial: 5 });
  });
});
