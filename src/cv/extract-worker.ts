/**
 * The frame reader's Worker module: reads ffmpeg's raw frames from a pipe
 * with blocking `readSync` (off the event loop, so blocking costs the server
 * nothing) and hands each whole frame to the main thread (extract-reader.ts;
 * the loop itself is extract-pump.ts). A blocking read into a buffer that is
 * then transferred is the cheapest way Bun offers to move ~100 MB/s out of a
 * pipe: the stream reader copies each chunk once more and wakes the event
 * loop per chunk.
 *
 * Only ever loaded as a Worker's entry: extract-reader.ts names it with
 * `new URL(..., import.meta.url)` rather than importing it, so no other
 * thread (a task pool's Worker running a detect step) serves its messages.
 * `bun build --compile` embeds a worker module only when it is listed as an
 * extra entrypoint: scripts/build.ts must name this file.
 */
import { readSync } from 'node:fs';
import { createFramePump, type FromReader, type ToReader } from './extract-pump.ts';

interface Scope {
  addEventListener(type: 'message', listener: (ev: MessageEvent<ToReader>) => void): void;
  postMessage(message: FromReader, transfer?: ArrayBuffer[]): void;
}

const serve = (scope: Scope): void => {
  const pump = createFramePump({
    read: (fd, into, offset, length) => readSync(fd, into, offset, length, null),
    post: (msg, transfer) => (transfer ? scope.postMessage(msg, transfer) : scope.postMessage(msg)),
  });
  scope.addEventListener('message', (ev) => pump.handle(ev.data));
};

if (!Bun.isMainThread) serve(globalThis as unknown as Scope);
