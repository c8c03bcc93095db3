import { jobsTable, type JobView } from '../src/projections/index.ts';
import type { System } from '../src/system.ts';

/** Polls the Job read model until the job reaches one of `statuses`. */
export const waitForJob = async (s: System, jobId: string, statuses: string[], timeoutMs = 15_000): Promise<JobView> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = jobsTable.load(s.db, [jobId]);
    if (job && statuses.includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not reach ${statuses.join('/')} (now ${job?.status ?? 'absent'})`);
    await Bun.sleep(10);
  }
};

/** Polls until `cond` holds. */
export const until = async (cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
};
