/**
 * The workers page's data: `GET /api/workers`, polled every 2 s while the
 * page is mounted (heartbeats are not on the live feed: they are not log
 * events). A failed poll keeps the last list and says why; the next one
 * tries again. One request at a time: a slow answer is not stacked on.
 */
import { createSignal } from 'solid-js';
import { errorText } from '../format.ts';
import type { WorkersDto } from '../../../src/types/workers.ts';
import { pollEvery } from './poll.ts';

export interface WorkersApi {
  workers(): Promise<WorkersDto>;
}

export const WORKERS_POLL_MS = 2_000;

export const createWorkersStore = (api: WorkersApi, opts: { everyMs?: number } = {}) => {
  const everyMs = opts.everyMs ?? WORKERS_POLL_MS;
  const [data, setData] = createSignal<WorkersDto | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [loaded, setLoaded] = createSignal(false);
  let inFlight: Promise<boolean> | null = null;

  /** One fetch (joined if one is under way); true when it got an answer. */
  const refresh = (): Promise<boolean> =>
    (inFlight ??= (async () => {
      try {
        setData(await api.workers());
        setError(null);
        return true;
      } catch (e) {
        setError(`Could not list the workers: ${errorText(e)}`);
        return false;
      } finally {
        setLoaded(true);
        inFlight = null;
      }
    })());

  /** Fetches now and every `everyMs` until the returned stop is called (the page calls it on cleanup). */
  const poll = (): (() => void) => pollEvery(refresh, everyMs);

  const workers = () => data()?.workers ?? [];
  return { data, workers, error, loaded, refresh, poll };
};

export type WorkersStore = ReturnType<typeof createWorkersStore>;
