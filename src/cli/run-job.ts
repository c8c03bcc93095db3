/**
 * Runs the system in this process until one job ends, drawing a progress
 * bar: how `mpr replay` and one-shot commands work without a server.
 */
import { jobsTable, type JobView } from '../projections/index.ts';
import type { System } from '../system.ts';
import { progressBar } from './format.ts';

const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export const followJob = async (s: System, jobId: string, out: (line: string, final: boolean) => void): Promise<JobView> => {
  let last = '';
  for (;;) {
    await s.projections.catchUp();
    const job = jobsTable.load(s.db, [jobId]);
    if (job) {
      const line = `${jobId} ${job.status.padEnd(10)} ${progressBar(job.progress)} ${job.chunks_done}/${job.chunks_total} chunks`;
      const ended = ENDED.has(job.status);
      if (line !== last || ended) out(line, ended);
      last = line;
      if (ended) return job;
    }
    await Bun.sleep(100);
  }
};

/** A progress line redrawn in place on a terminal, one line per change otherwise. */
export const terminalLine = (stream: NodeJS.WriteStream = process.stderr) => (line: string, final: boolean) => {
  if (stream.isTTY) stream.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
  else stream.write(line + '\n');
};
