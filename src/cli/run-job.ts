/**
 * Runs the system in this process until one job ends, drawing a progress
 * bar from the live telemetry (percent, fps, ETA) and the read model: how
 * `mpr transcode`, `mpr replay` and other one-shot commands work without a
 * server.
 */
import type { BusMessage } from '../actors/bus.ts';
import { jobsTable, type JobView } from '../projections/index.ts';
import type { System } from '../system.ts';
import { progressBar } from './format.ts';

const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

interface Live {
  percent: number;
  fps: number | null;
  etaSeconds: number | null;
}

/** Pure: what a person knows the job by, after its id: the source's file name and the preset's name, when it has them. */
export const jobLabel = (job: Pick<JobView, 'id' | 'source_name' | 'preset_name'>): string => {
  const names = [job.source_name, job.preset_name].filter(Boolean).join(' · ');
  return names ? `${job.id} (${names})` : job.id;
};

/** Pure: the progress line for a job and its latest telemetry. */
export const progressLine = (job: JobView, live: Live | null): string => {
  const running = job.status === 'PROCESSING' || job.status === 'QUEUED' || job.status === 'PENDING';
  const percent = job.status === 'COMPLETED' ? 100 : running && live ? Math.max(live.percent, job.progress) : job.progress;
  const extra = running && live ? [live.fps ? `${live.fps.toFixed(0)} fps` : '', live.etaSeconds !== null ? `ETA ${live.etaSeconds}s` : ''].filter(Boolean).join(' ') : '';
  return `${jobLabel(job)} ${job.status.padEnd(10)} ${progressBar(percent)} ${job.chunks_done}/${job.chunks_total} chunks${extra ? ` ${extra}` : ''}`;
};

export const followJob = async (s: System, jobId: string, out: (line: string, final: boolean) => void): Promise<JobView> => {
  let last = '';
  let live: Live | null = null;
  const off = s.bus.subscribe((m: BusMessage) => {
    if (m.topic === `job:${jobId}` && m.kind === 'job-progress') live = m.data as Live;
  });
  try {
    for (;;) {
      await s.projections.catchUp();
      const job = jobsTable.load(s.db, [jobId]);
      if (job) {
        const line = progressLine(job, live);
        const ended = ENDED.has(job.status);
        if (line !== last || ended) out(line, ended);
        last = line;
        if (ended) return job;
      }
      await Bun.sleep(100);
    }
  } finally {
    off();
  }
};

/** A progress line redrawn in place on a terminal, one line per change otherwise. */
export const terminalLine = (stream: NodeJS.WriteStream = process.stderr) => (line: string, final: boolean) => {
  if (stream.isTTY) stream.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
  else stream.write(line + '\n');
};
