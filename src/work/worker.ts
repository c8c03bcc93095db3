/**
 * A worker loop: takes work items from the work queue (in-process, or the
 * Redis consumer group shared with other machines) and runs them with the
 * runner, and follows the log live so a cancelled or failed job's items stop
 * here too (their ffmpeg killed at once). `mpr worker` is this and nothing
 * else; `mpr start` runs it beside the API.
 */
import { LogReplaced } from '../errors.ts';
import type { EventLog } from '../events/log/index.ts';
import { streamId, streamKind } from '../events/index.ts';
import type { Logger } from '../logger.ts';
import type { WorkQueue } from './queue/index.ts';
import type { ChunkRunner } from './runner.ts';

export const runWorker = async (d: {
  log: EventLog;
  runner: ChunkRunner;
  queue: WorkQueue;
  logger: Logger;
  concurrency: number;
  signal: AbortSignal;
  /** A graceful stop: no item is taken any more; the loop ends once the running ones settled (see WorkQueue.consume). */
  drain?: AbortSignal;
  /** The log was found replaced (Redis came back empty): the process's cached actor states are dropped. */
  onLogReplaced?: () => void;
}) => {
  const stops = (async () => {
    for (;;) {
      try {
        for await (const e of d.log.subscribe(await d.log.head(), d.signal)) {
          if (streamKind(e.stream) === 'job' && (e.type === 'JobCancelled' || e.type === 'JobFailed')) d.runner.abortJob(streamId(e.stream));
        }
        return;
      } catch (err) {
        if (d.signal.aborted) return;
        if (err instanceof LogReplaced) {
          d.logger.error(`worker: ${err.message}; following the log as it is now`);
          d.onLogReplaced?.();
          continue;
        }
        d.logger.warn('worker: following the log failed; retrying', { error: String(err) });
        await Bun.sleep(1000);
      }
    }
  })();
  for (;;) {
    try {
      await d.queue.consume((item, signal) => d.runner.run(item, signal, { actor: 'worker', correlationId: item.jobId }), {
        concurrency: d.concurrency,
        signal: d.signal,
        drain: d.drain,
      });
      break;
    } catch (err) {
      if (d.signal.aborted || d.drain?.aborted) break;
      d.logger.warn('worker: the work queue failed; retrying', { error: String(err) });
      await Bun.sleep(1000);
    }
  }
  await stops;
};
