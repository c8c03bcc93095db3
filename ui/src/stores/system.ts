/** The status strip: log backend and position, worker pool, queue depth. */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import { errorText } from '../format.ts';
import type { SystemStatus } from '../../../src/types/api.ts';

export const createSystemStore = (api: Pick<Api, 'systemStatus'>) => {
  const [status, setStatus] = createSignal<SystemStatus | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  let inFlight = false;
  let again = false;
  const refresh = async (): Promise<boolean> => {
    if (inFlight) {
      again = true;
      return error() === null;
    }
    inFlight = true;
    try {
      setStatus(await api.systemStatus());
      setError(null);
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  };
  /** Raises the shown log position as events stream in, between polls. */
  const sawPosition = (p: number) => setStatus((s) => (s && p > s.log.position ? { ...s, log: { ...s.log, position: p } } : s));
  return { status, error, refresh, sawPosition };
};

export type SystemStore = ReturnType<typeof createSystemStore>;
