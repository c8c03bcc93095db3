/** The CLI's commands, each a function of parsed arguments and a system factory. */
import { forkJob, planFork, stateAt } from '../actors/replay.ts';
import { prepareFork, submitJob } from '../actors/submit.ts';
import type { System } from '../system.ts';
import { formatEvent } from './format.ts';
import { followJob, terminalLine } from './run-job.ts';

export type Boot = () => Promise<System>;
type Out = (s: string) => void;

export const eventsCommand = async (boot: Boot, out: Out, a: { stream?: string; follow: boolean; from: number; json: boolean }) => {
  const s = await boot();
  const color = process.stdout.isTTY && !a.json;
  const print = (e: Parameters<typeof formatEvent>[0]) => out(a.json ? JSON.stringify(e) : formatEvent(e, { color, width: process.stdout.columns ?? 160 }));
  const matches = (stream: string) => !a.stream || a.stream === 'all' || stream === a.stream || stream.startsWith(a.stream + ':');
  try {
    if (a.stream && a.stream !== 'all' && !a.follow) {
      for (const e of await s.log.readStream(a.stream)) if (e.position > a.from) print(e);
      return;
    }
    if (a.follow) {
      const ctl = new AbortController();
      process.once('SIGINT', () => ctl.abort());
      for await (const e of s.log.subscribe(a.from, ctl.signal)) if (matches(e.stream)) print(e);
      return;
    }
    for (let after = a.from; ; ) {
      const page = await s.log.readAll(after, 1000);
      if (page.length === 0) break;
      for (const e of page) if (matches(e.stream)) print(e);
      after = page.at(-1)!.position;
    }
  } finally {
    await s.close();
  }
};

export const replayCommand = async (boot: Boot, out: Out, a: { jobId: string; from: number; dryRun: boolean; overrides: Record<string, unknown> }) => {
  const s = await boot();
  try {
    if (a.dryRun) {
      const req = await prepareFork(s, { jobId: a.jobId, fromPosition: a.from, overrides: a.overrides });
      const plan = await planFork(s.log, req);
      out(`job ${a.jobId} as of position ${a.from} (stream version ${plan.at.version}, last event ${plan.at.last?.type ?? 'none'}):`);
      for (const c of plan.chunks) out(`  chunk ${c.n} (${c.type}): ${[c.reused.length ? `reuse ${c.reused.join(', ')}` : '', c.rerun.length ? `run ${c.rerun.join(', ')} again` : ''].filter(Boolean).join('; ')}${c.why ? ` (${c.why})` : ''}`);
      out(
        `a fork would reuse ${plan.reused} finished chunk(s) and ${plan.rerun === null ? 'plan the job again' : `run ${plan.rerun} chunk(s) again`}` +
          (Object.keys(a.overrides).length ? ` with overrides ${JSON.stringify(a.overrides)}` : ''),
      );
      return;
    }
    await s.start();
    const child = await forkJob(s.runtime, { ...(await prepareFork(s, { jobId: a.jobId, fromPosition: a.from, overrides: a.overrides })), at: s.now() });
    out(`forked ${a.jobId} at position ${a.from} into job ${child}`);
    const job = await followJob(s, child, terminalLine());
    out(JSON.stringify({ id: job.id, source: job.source_name, preset: job.preset_name, status: job.status, error: job.error, result: job.result }, null, 2));
    if (job.status !== 'COMPLETED') process.exitCode = 1;
  } finally {
    await s.close();
  }
};

export const stateCommand = async (boot: Boot, out: Out, a: { stream: string; at: number | null }) => {
  const s = await boot();
  try {
    const position = a.at ?? (await s.log.head());
    out(JSON.stringify(await stateAt(s.log, a.stream, position), null, 2));
  } finally {
    await s.close();
  }
};

export const rebuildCommand = async (boot: Boot, out: Out) => {
  const s = await boot();
  try {
    const t0 = performance.now();
    const n = await s.projections.rebuild();
    const secs = (performance.now() - t0) / 1000;
    out(`rebuilt ${s.projections.status().length} read models from ${n} events in ${secs.toFixed(2)} s (${Math.round(n / Math.max(secs, 1e-6))} events/s)`);
  } finally {
    await s.close();
  }
};

export const checksumCommand = async (boot: Boot, out: Out, a: { file: string; chunkBytes?: number }) => {
  const s = await boot();
  try {
    await s.start();
    const { jobId } = await submitJob(s, { kind: 'checksum', params: { path: a.file, ...(a.chunkBytes ? { chunkBytes: a.chunkBytes } : {}) }, actor: 'cli' });
    const job = await followJob(s, jobId, terminalLine());
    if (job.status !== 'COMPLETED') {
      process.exitCode = 1;
      out(`job ${jobId} ${job.status}: ${job.error}`);
      return;
    }
    out(JSON.stringify({ job: jobId, ...(job.result as object) }));
  } finally {
    await s.close();
  }
};
