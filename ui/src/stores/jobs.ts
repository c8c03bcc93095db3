/** Jobs: the newest-first list, kept current by log events (re-fetch the job) and telemetry (progress). */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import { errorText } from '../format.ts';
import { jobOfStream } from '../live.ts';
import type { JobStatus, TimeRange } from '../../../src/types/api.ts';
import type { Job, StoredEvent, Telemetry } from '../types.ts';
import { createPagedList } from './paged.ts';
import { createRowErrors } from './row-errors.ts';
import { createProgressStore } from './progress.ts';

export type JobsApi = Pick<Api, 'listJobs' | 'getJob' | 'createJob' | 'cancelJob' | 'retryJob'>;

/** Not finished: waiting to be planned, for a worker, or running. */
export const isActive = (s: JobStatus) => s === 'PENDING' || s === 'QUEUED' || s === 'PROCESSING';

/** Rows per page of the jobs list. */
export const JOBS_PAGE_SIZE = 50;

export const createJobsStore = (api: JobsApi, opts: { refetchDelayMs?: number; pageSize?: number } = {}) => {
  const delay = opts.refetchDelayMs ?? 150;
  const pageSize = opts.pageSize ?? JOBS_PAGE_SIZE;
  const [status, setStatus] = createSignal<'' | JobStatus>('');
  const list = createPagedList<Job>((limit, offset) => api.listJobs({ status: status(), limit, offset }), pageSize);
  const { items, setItems, setTotal, offset } = list;
  const { rowErrors, setRowError } = createRowErrors();
  const progress = createProgressStore();

  /** Updates a visible row; a job not on this page counts towards the total, and shows only on the first page. */
  const put = (job: Job) => {
    const list = items();
    if (list.some((j) => j.id === job.id)) {
      setItems(list.map((j) => (j.id === job.id ? job : j)));
    } else {
      const s = status();
      if (!s || job.status === s) {
        setTotal((t) => t + 1);
        if (offset() === 0) {
          const sorted = [job, ...list].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
          setItems(sorted.slice(0, pageSize));
        }
      }
    }
    if (!isActive(job.status)) progress.clear(job.id);
  };

  // Several events for one job arrive together (planned, chunk created …): one fetch per burst.
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const refetch = (id: string) => {
    if (timers.has(id)) return;
    timers.set(
      id,
      setTimeout(async () => {
        timers.delete(id);
        try {
          put(await api.getJob(id));
        } catch {
          // The projection may lag the log for a moment; the next event fetches again.
        }
      }, delay),
    );
  };

  /** A log event: `job:<id>` streams change a job's row (or add a new job). */
  const onLog = (e: StoredEvent) => {
    if (!e.stream.startsWith('job:')) return;
    const id = jobOfStream(e.stream);
    if (id) refetch(id);
  };

  const onTelemetry = (t: Telemetry) => progress.apply(t);

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

  const create = async (assetId: string, presetId: string, range?: TimeRange | null): Promise<Job> => {
    const job = await api.createJob(assetId, presetId, range);
    put(job);
    return job;
  };

  return {
    ...list,
    status,
    rowErrors,
    progress,
    onLog,
    onTelemetry,
    create,
    setStatus: (s: '' | JobStatus) => {
      setStatus(s);
      return list.firstPage(); // a new filter starts at the first page
    },
    cancel: (id: string) => act(id, api.cancelJob),
    retry: (id: string) => act(id, api.retryJob),
  };
};

export type JobsStore = ReturnType<typeof createJobsStore>;
