/**
 * Runs the system in this process until one job ends, drawing a progress
 * bar from the live telemetry (percent, fps, ETA) and the read model: how
 * `mpr transcode`, `mpr replay` and other one-shot commands work without a
 * server.
 */
import type { BusMessage } from '../live/bus.ts';
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

const BAR = 30;
const MIN_BAR = 10;
const LABEL_KEEP = 16;

/**
 * Pure: the progress line for a job and its latest telemetry, at most
 * `width` characters. A line longer than the terminal wraps, and redrawing
 * it in place then only rewrites its last row: the rows above pile up and
 * the figures at the end (fps, ETA) are never seen. So the figures always
 * stay whole: the label is clipped, then the bar narrows, then the bar goes.
 */
export const progressLine = (job: JobView, live: Live | null, width = Number.POSITIVE_INFINITY): string => {
  const running = job.status === 'PROCESSING' || job.status === 'QUEUED' || job.status === 'PENDING';
  const percent = job.status === 'COMPLETED' ? 100 : running && live ? Math.max(live.percent, job.progress) : job.progress;
  const extra =
    running && live ? [live.fps ? `${live.fps.toFixed(0)} fps` : '', live.etaSeconds !== null ? `ETA ${live.etaSeconds}s` : ''].filter(Boolean).join(' ') : '';
  const figures = `${job.chunks_done}/${job.chunks_total} chunks${extra ? ` ${extra}` : ''}`;
  const tail = (bar: number) => `${job.status.padEnd(10)} ${progressBar(percent, bar)} ${figures}`;
  const label = jobLabel(job);
  const full = `${label} ${tail(BAR)}`;
  if (full.length <= width) return full;
  // The label keeps its id and the start of the file name before the bar gives up width.
  const bar = Math.max(MIN_BAR, Math.min(BAR, width - 1 - Math.min(label.length, job.id.length + LABEL_KEEP) - tail(0).length));
  const room = width - tail(bar).length - 1;
  if (room >= job.id.length) return `${clip(label, room)} ${tail(bar)}`;
  // Too narrow for a bar: the percent and the figures alone.
  return clip(`${job.id} ${job.status} ${Math.max(0, Math.min(100, percent)).toFixed(1)}% ${figures}`, width);
};

const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`);

/** Where a job's progress goes: a line at a time, each at most `width()` characters. */
export interface ProgressSink {
  width(): number;
  write(line: string, final: boolean): void;
}

export const followJob = async (s: System, jobId: string, out: ProgressSink): Promise<JobView> => {
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
        const line = progressLine(job, live, out.width());
        const ended = ENDED.has(job.status);
        if (line !== last || ended) out.write(line, ended);
        last = line;
        if (ended) return job;
      }
      await Bun.sleep(100);
    }
  } finally {
    off();
  }
};

/**
 * A progress line redrawn in place on a terminal (one column short of its
 * width, so it never wraps, read again on every line: the window may be
 * resized), one line per change otherwise.
 */
export const terminalLine = (stream: Pick<NodeJS.WriteStream, 'isTTY' | 'columns' | 'write'> = process.stderr): ProgressSink => ({
  width: () => (stream.isTTY && stream.columns > 1 ? stream.columns - 1 : Number.POSITIVE_INFINITY),
  write(line, final) {
    if (stream.isTTY) stream.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
    else stream.write(`${line}\n`);
  },
});
