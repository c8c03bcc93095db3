/** Live job progress from `job-progress` telemetry, keyed by job id. */
import { createSignal } from 'solid-js';
import type { Telemetry } from '../types.ts';

export interface LiveProgress {
  percent: number;
  fps: number | null;
  etaSeconds: number | null;
  attempt?: number;
}

export const createProgressStore = () => {
  const [byJob, setByJob] = createSignal<Record<string, LiveProgress>>({});
  return {
    byJob,
    get: (id: string): LiveProgress | undefined => byJob()[id],
    apply(t: Telemetry) {
      if (t.kind !== 'job-progress' || !t.data?.jobId) return;
      const { jobId, percent, fps, etaSeconds, attempt } = t.data;
      setByJob((m) => ({ ...m, [jobId]: { percent, fps, etaSeconds, attempt } }));
    },
    clear(id: string) {
      setByJob((m) => {
        if (!(id in m)) return m;
        const next = { ...m };
        delete next[id];
        return next;
      });
    },
  };
};

export type ProgressStore = ReturnType<typeof createProgressStore>;
