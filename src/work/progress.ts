/**
 * Live progress: chunk ticks from running work become throttled telemetry
 * on the bus, per chunk and per job (percent, fps, ETA). Telemetry is not
 * a fact: it is never logged or replayed, and a tick lost is harmless.
 */
import type { BusMessage, LiveBus } from '../live/bus.ts';
import type { WorkProgress } from '../actors/job-kind.ts';

/** Pure: the job's percent from its chunks' weights, the chunks finished, and the running ones' percents. */
export const jobPercent = (weights: ReadonlyMap<number, number>, done: ReadonlySet<number>, running: ReadonlyMap<number, number>): number => {
  let total = 0;
  let got = 0;
  for (const [n, w] of weights) {
    total += w;
    if (done.has(n)) got += w;
    else got += (w * Math.min(100, Math.max(0, running.get(n) ?? 0))) / 100;
  }
  return total > 0 ? Math.min(100, (got / total) * 100) : 0;
};

/** Pure: seconds left, from the time spent so far and the percent reached (null until there is something to go on). */
export const etaSeconds = (elapsedMs: number, percent: number): number | null =>
  percent > 0.5 && percent < 100 ? Math.round(((elapsedMs / 1000) * (100 - percent)) / percent) : percent >= 100 ? 0 : null;

interface JobTrack {
  attempt: number;
  startedAt: number;
  weights: Map<number, number>;
  done: Set<number>;
  running: Map<number, number>;
  fps: Map<number, number>;
  lastSent: number;
}

export interface ProgressTracker {
  /** A chunk of `jobId` starts here; `weights` (each planned chunk's share, by its kind) and `done` come from the job's state. */
  start(jobId: string, attempt: number, weights: ReadonlyMap<number, number>, done: readonly number[], n: number): void;
  tick(jobId: string, n: number, p: WorkProgress): void;
  /** The chunk ended (either way); its job's track is dropped when nothing of it runs here. */
  end(jobId: string, n: number, succeeded: boolean): void;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export const createProgressTracker = (d: { bus: LiveBus; now: () => string; intervalMs?: number; clock?: () => number }): ProgressTracker => {
  const interval = d.intervalMs ?? 250;
  const clock = d.clock ?? (() => performance.now());
  const jobs = new Map<string, JobTrack>();
  const lastChunkSent = new Map<string, number>();

  const send = (topic: string, kind: string, data: unknown) => d.bus.publish({ topic, kind, data, at: d.now() } satisfies BusMessage);

  const publishJob = (jobId: string, t: JobTrack, force: boolean) => {
    const now = clock();
    if (!force && now - t.lastSent < interval) return;
    t.lastSent = now;
    const percent = jobPercent(t.weights, t.done, t.running);
    const fps = [...t.fps.values()].reduce((a, b) => a + b, 0);
    send(`job:${jobId}`, 'job-progress', {
      jobId,
      attempt: t.attempt,
      percent: round1(percent),
      fps: fps > 0 ? round1(fps) : null,
      etaSeconds: etaSeconds(now - t.startedAt, percent),
      running: t.running.size,
    });
  };

  return {
    start(jobId, attempt, weights, done, n) {
      let t = jobs.get(jobId);
      if (!t || t.attempt !== attempt) {
        t = { attempt, startedAt: clock(), weights: new Map(weights), done: new Set(done), running: new Map(), fps: new Map(), lastSent: 0 };
        jobs.set(jobId, t);
      }
      t.running.set(n, 0);
      publishJob(jobId, t, true);
    },
    tick(jobId, n, p) {
      const t = jobs.get(jobId);
      const key = `${jobId}:${n}`;
      const now = clock();
      if (t) {
        if (p.percent !== null) t.running.set(n, p.percent);
        if (p.fps) t.fps.set(n, p.fps);
      }
      if (now - (lastChunkSent.get(key) ?? -Infinity) >= interval || p.percent === 100) {
        lastChunkSent.set(key, now);
        send(`job:${jobId}`, 'chunk-progress', {
          jobId,
          n,
          attempt: t?.attempt ?? 1,
          percent: p.percent === null ? null : round1(p.percent),
          fps: p.fps ?? null,
          speed: p.speed ?? null,
          etaSeconds: p.etaSeconds ?? null,
        });
      }
      if (t) publishJob(jobId, t, false);
    },
    end(jobId, n, succeeded) {
      lastChunkSent.delete(`${jobId}:${n}`);
      const t = jobs.get(jobId);
      if (!t) return;
      t.running.delete(n);
      t.fps.delete(n);
      if (succeeded) t.done.add(n);
      publishJob(jobId, t, true);
      if (t.running.size === 0) jobs.delete(jobId);
    },
  };
};
