/** Jobs: the newest-first list, kept current by log events (re-fetch the job) and telemetry (progress). */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import { errorText } from '../format.ts';
import { jobOfStream } from '../live.ts';
import type { Job, JobStatus, StoredEvent, Telemetry } from '../types.ts';
import { createProgressStore } from './progress.ts';

export type JobsApi = Pick<Api, 'listJobs' | 'getJob' | 'createJob' | 'cancelJob' | 'retryJob'>;

export const isActive = (s: JobStatus) => s === 'PENDING' || s === 'PROCESSING';

export const createJobsStore = (api: JobsApi, opts: { refetchDelayMs?: number } = {}) => {
  const delay = opts.refetchDelayMs ?? 150;
  const [items, setItems] = createSignal<Job[]>([]);
  const [total, setTotal] = createSignal(0);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [status, setStatus] = createSignal<'' | JobStatus>('');
  const [rowErrors, setRowErrors] = createSignal<Record<string, string>>({});
  const progress = createProgressStore();
  let seq = 0;

  const load = async () => {
    const mine = ++seq;
    try {
      const page = await api.listJobs({ status: status(), limit: 100 });
      if (mine !== seq) return;
      setItems(page.items);
      setTotal(page.total);
      setError(null);
    } catch (e) {
      if (mine === seq) setError(errorText(e));
    } finally {
      if (mine === seq) setLoaded(true);
    }
  };

  const put = (job: Job) => {
    setItems((list) => {
      const i = list.findIndex((j) => j.id === job.id);
      if (i >= 0) return list.map((j) => (j.id === job.id ? job : j));
      const s = status();
      if (s && job.status !== s) return list;
      setTotal((t) => t + 1);
      return [job, ...list].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    });
    if (!isActive(job.status)) progress.clear(job.id);
  };

  // Several events for one job arrive together (planned, chunk created …): one fetch per burst.
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const refetch = (id: string) => {
    if (timers.has(id)) return;
    timers.set(id, setTimeout(async () => {
      timers.delete(id);
      try {
        put(await api.getJob(id));
      } catch {
        // The projection may lag the log for a moment; the next event fetches again.
      }
    }, delay));
  };

  /** A log event: `job:<id>` streams change a job's row (or add a new job). */
  const onLog = (e: StoredEvent) => {
    if (!e.stream.startsWith('job:')) return;
    const id = jobOfStream(e.stream);
    if (id) refetch(id);
  };

  const onTelemetry = (t: Telemetry) => progress.apply(t);

  const setRowError = (id: string, msg: string | null) =>
    setRowErrors((m) => {
      const next = { ...m };
      if (msg === null) delete next[id];
      else next[id] = msg;
      return next;
    });

  const act = async (id: string, f: (id: string) => Promise<Job>) => {
    setRowError(id, null);
    try {
      put(await f(id));
      return true;
    } catch (e) {
      setRowError(id, errorText(e));
      return false;
    }
  };

  const create = async (assetId: string, presetId: string): Promise<Job> => {
    const job = await api.createJob(assetId, presetId);
    put(job);
    return job;
  };

  return {
    items, total, loaded, error, status, rowErrors, progress,
    load, onLog, onTelemetry, create,
    setStatus: (s: '' | JobStatus) => {
      setStatus(s);
      return load();
    },
    cancel: (id: string) => act(id, api.cancelJob),
    retry: (id: string) => act(id, api.retryJob),
  };
};

export type JobsStore = ReturnType<typeof createJobsStore>;
