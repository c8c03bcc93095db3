/**
 * A worker's heartbeat into the registry: one beat at once, then one every
 * `everyMs` (the system beats six times per lost-after time, like the work
 * queue's own heartbeat), until `signal` aborts; then one last beat that says
 * the worker stopped, so it shows as stopped rather than lost. A beat that
 * fails (Redis away) is not fatal — the work goes on and the next beat tries
 * again — and is told once per outage, not once per beat.
 */
import { errorMessage } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { WorkerBeat, WorkerRegistry } from './index.ts';

/** Resolves after `ms`, or at once when `signal` aborts. */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

export const runHeartbeat = async (d: {
  registry: Pick<WorkerRegistry, 'beat'>;
  /** What this worker is now; read at every beat. */
  info: () => WorkerBeat;
  everyMs: number;
  signal: AbortSignal;
  logger: Pick<Logger, 'info' | 'warn'>;
}): Promise<void> => {
  if (d.signal.aborted) return;
  let failing = false;
  let id = '?';
  const beat = async (last: boolean) => {
    try {
      const info = d.info();
      id = info.id;
      await d.registry.beat(last ? { ...info, state: 'stopped', busy: 0, items: [] } : info);
      if (failing && !last) d.logger.info(`worker registry: heartbeats of ${id} are recorded again`);
      failing = false;
    } catch (e) {
      if (last) {
        d.logger.warn(`worker registry: could not record that ${id} stopped (${errorMessage(e)}); it shows as lost until its entry is pruned`);
      } else if (!failing) {
        failing = true;
        d.logger.warn(
          `worker registry: could not record a heartbeat of ${id} (${errorMessage(e)}); its work goes on, and it shows as lost until a beat gets through (trying every ${Math.round(d.everyMs / 1000)} s)`,
        );
      }
    }
  };
  while (!d.signal.aborted) {
    await beat(false);
    await pause(d.everyMs, d.signal);
  }
  await beat(true);
};
