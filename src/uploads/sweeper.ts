/** Expires uploads left open past their time, every so often, until stopped. */
import { setTimeout as wait } from 'node:timers/promises';
import type { Logger } from '../logger.ts';
import type { Uploads } from './service.ts';

export const runUploadSweeper = async (uploads: Pick<Uploads, 'sweep'>, o: { everyMs: number; logger: Logger; signal: AbortSignal }): Promise<void> => {
  while (!o.signal.aborted) {
    try {
      const n = await uploads.sweep();
      if (n > 0) o.logger.info(`expired ${n} upload(s) left unfinished; their parts are gone`);
    } catch (e) {
      o.logger.warn(`expiring stale uploads failed (tried again in ${o.everyMs / 1000} s): ${(e as Error).message}`);
    }
    await wait(o.everyMs, undefined, { signal: o.signal }).catch(() => {});
  }
};
