/**
 * Scaling out and surviving faults (issue 13), on a real deployment built by
 * the fault suite's harness (test/faults/cluster.ts): its own Redis (AOF),
 * the S3-protocol server, one `mpr serve` and `mpr worker` processes with one
 * slot each, jobs submitted over HTTP as a user would.
 * - Throughput: the same batch of short trimmed hls-abr jobs with 1 worker,
 *   then with 2; jobs per minute from the first submit to the last
 *   JobCompleted in the log, and the ratio (the baseline is the 1-worker run
 *   of this same run). Every ffmpeg uses every core, so on a machine with
 *   few cores two workers share them: expect little gain there.
 * - Takeover: a worker encoding a video chunk (the other worker idle) is
 *   killed with kill -9; seconds until the other worker's ChunkStarted on
 *   that chunk. About MPR_RECLAIM_SECONDS (printed beside it): the
 *   entry's idle time counts from the dead worker's last heartbeat (one per
 *   sixth of it), so it can come in a little under; a free taker's read
 *   wakes at least once a second.
 * - Stall recovery: the video chunk's ffmpeg of a second such job is
 *   stopped with SIGSTOP; seconds
 *   until ChunkStalled (about MPR_STALL_SECONDS, counted from the last
 *   progress line), and until the chunk's ChunkSucceeded (that, then the
 *   chunk encoded again).
 * Env: BENCH_ROUNDS (throughput rounds, interleaved, best of each; default 2),
 * BENCH_SCALE_JOBS (jobs per batch; default 10).
 */
import { availableParallelism, cpus } from 'node:os';
import { addAssets, apiClient, jobsOver, LONG_CLIP, SHORT_CLIPS, submitJobs, waitTerminal } from '../test/faults/client.ts';
import { jobsEndedAt, perMinute, soleBusyWorker } from '../test/faults/bench-helpers.ts';
import { type Cluster, startCluster } from '../test/faults/cluster.ts';
import { ffmpegNaming, isAlive, signalPid, waitFor } from '../test/faults/procs.ts';
import { eventIn, isNodeOf, secondsSince } from '../test/faults/verify.ts';
import { bench, flush } from './_stats.ts';

const RECLAIM_SECONDS = 5;
const STALL_SECONDS = 5;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const JOBS = Number(process.env.BENCH_SCALE_JOBS ?? 10);

let c: Cluster | undefined;
// Ctrl-C stops the cluster (processes and temp root); process.exit then runs the harness's exit hook, which kills whatever is left.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    const bail = setTimeout(() => process.exit(130), 10_000);
    void Promise.resolve(c?.stop())
      .catch(() => {})
      .finally(() => {
        clearTimeout(bail);
        process.exit(130);
      });
  });
}
const cluster = () => {
  if (!c) throw new Error('the cluster is not started');
  return c;
};
const api = apiClient(() => cluster().api().url!);

/** Fails with every node's log tail: a benchmark of jobs that did not complete measures nothing. */
const mustComplete = (jobs: any[], what: string) => {
  const bad = jobs.filter((j) => j?.status !== 'COMPLETED');
  if (bad.length)
    throw new Error(
      `${what}: ${bad.length} job(s) did not complete: ${bad.map((j) => `${j?.id} ${j?.status} ${j?.error ?? ''}`).join('; ')}\n${cluster().logs()}`,
    );
};

/** Runs `jobs` hls-abr jobs to the end; returns the ms from the first submit to the last JobCompleted. */
const batch = async (assets: Map<string, string>, n: number, what: string): Promise<number> => {
  const t0 = Date.now();
  const ids = await submitJobs(api, assets, jobsOver(SHORT_CLIPS, n));
  mustComplete(await waitTerminal(api, ids, 180_000, 250), what);
  const { log, close } = cluster().openLog();
  try {
    return (await jobsEndedAt(log, ids, 10_000)) - t0;
  } finally {
    await close();
  }
};

/** Stops (gracefully) or starts workers until `n` run. */
const setWorkers = async (n: number) => {
  const c = cluster();
  while (c.workers().length > n) await c.workers().at(-1)!.stop();
  while (c.workers().length < n) await c.worker();
};

const fmt = (x: number, d = 1) => x.toFixed(d);
const started = Date.now();

try {
  const cores = availableParallelism();
  console.log(`cores: ${cores} (${cpus()[0]?.model ?? 'unknown cpu'})`);
  if (cores <= 2) {
    console.log(
      `note: with ${cores} cores the 2 workers share the same cores (each ffmpeg already uses them all): expect little gain from the second worker here; the figure shows the overlap of one job's idle moments (probe, upload, packaging) with another's encode, not scaling.`,
    );
  }
  c = await startCluster({ label: 'scale', store: 's3', aof: true, reclaimSeconds: RECLAIM_SECONDS, stallSeconds: STALL_SECONDS });
  await c.serve();
  await c.worker();
  const assets = await addAssets(api, c.storage.input, [...SHORT_CLIPS, LONG_CLIP]);
  console.log(`cluster up in ${fmt((Date.now() - started) / 1000)} s: redis, s3, mpr serve, 1 mpr worker; ${assets.size} assets`);

  // One job of each clip first: the first encode of a file pays for cold caches, and neither timed run should.
  await batch(assets, SHORT_CLIPS.length, 'warm-up');

  const best = { w1: Infinity, w2: Infinity };
  for (let round = 1; round <= ROUNDS; round++) {
    await setWorkers(1);
    best.w1 = Math.min(best.w1, await batch(assets, JOBS, `round ${round}, 1 worker`));
    await setWorkers(2);
    best.w2 = Math.min(best.w2, await batch(assets, JOBS, `round ${round}, 2 workers`));
    console.log(`round ${round}: 1 worker ${fmt(best.w1 / 1000)} s, 2 workers ${fmt(best.w2 / 1000)} s for ${JOBS} jobs (best so far)`);
  }
  const jpm1 = perMinute(JOBS, best.w1);
  const jpm2 = perMinute(JOBS, best.w2);
  console.log(`\nthroughput: ${JOBS} hls-abr jobs (${SHORT_CLIPS.length} short clips trimmed to 1.5 s, 3 rungs + audio), best of ${ROUNDS}`);
  console.log('workers   seconds   jobs/min   vs 1 worker');
  console.log(`1         ${fmt(best.w1 / 1000).padStart(7)}   ${fmt(jpm1).padStart(8)}   1.00x`);
  console.log(`2         ${fmt(best.w2 / 1000).padStart(7)}   ${fmt(jpm2).padStart(8)}   ${fmt(jpm2 / jpm1, 2)}x   (${cores} cores)`);

  // Takeover: one job of the 8 s 1080p clip; its video chunk runs for seconds, long enough to kill its worker mid-encode.
  const { log, close } = c.openLog();
  let takeover: number;
  let stall: { detected: number; recovered: number };
  try {
    const [takeoverJob] = await submitJobs(api, assets, [LONG_CLIP]);
    const victim = await soleBusyWorker(log, () => cluster().workers(), 'video', 120_000);
    const t0 = Date.now();
    await victim.node.kill9();
    const retaken = await eventIn(
      log,
      victim.stream,
      (e) => e.type === 'ChunkStarted' && !isNodeOf((e.data as { worker: string }).worker, victim.node.pid),
      `another worker to start ${victim.stream} again`,
      RECLAIM_SECONDS * 1000 + 60_000,
    );
    takeover = secondsSince(t0, retaken);
    console.log(
      `\ntakeover: kill -9 of ${victim.node.name} (its ffmpeg ${victim.ffmpeg.pid} encoding ${victim.stream}) → taken over after ${fmt(takeover, 2)} s (MPR_RECLAIM_SECONDS=${RECLAIM_SECONDS})`,
    );
    mustComplete(await waitTerminal(api, [takeoverJob!], 180_000, 250), 'takeover');

    // Stall: the same clip again, on the surviving worker; its video chunk's ffmpeg is stopped.
    const [stallJob] = await submitJobs(api, assets, [LONG_CLIP]);
    const stuck = await soleBusyWorker(log, () => cluster().workers(), 'video', 120_000);
    const s0 = Date.now();
    signalPid(stuck.ffmpeg.pid, 'SIGSTOP');
    try {
      const stalled = await eventIn(log, stuck.stream, (e) => e.type === 'ChunkStalled', `ChunkStalled on ${stuck.stream}`, STALL_SECONDS * 1000 + 60_000);
      const done = await eventIn(log, stuck.stream, (e) => e.type === 'ChunkSucceeded', `${stuck.stream} to succeed after its stall`, 120_000);
      stall = { detected: secondsSince(s0, stalled), recovered: secondsSince(s0, done) };
      await waitFor(() => !isAlive(stuck.ffmpeg.pid), `the stopped ffmpeg ${stuck.ffmpeg.pid} to be killed by the watchdog`, 10_000);
    } finally {
      // Nothing stays stopped, whatever happened above.
      if (isAlive(stuck.ffmpeg.pid)) {
        signalPid(stuck.ffmpeg.pid, 'SIGCONT');
        signalPid(stuck.ffmpeg.pid, 'SIGKILL');
      }
    }
    console.log(
      `stall: SIGSTOP of ffmpeg ${stuck.ffmpeg.pid} on ${stuck.node.name} (${stuck.stream}) → ChunkStalled after ${fmt(stall.detected, 2)} s, succeeded again after ${fmt(stall.recovered, 2)} s (MPR_STALL_SECONDS=${STALL_SECONDS}; the re-encode took ${fmt(stall.recovered - stall.detected, 2)} s)`,
    );
    mustComplete(await waitTerminal(api, [stallJob!], 180_000, 250), 'stall');
  } finally {
    await close();
  }

  console.log(`\nfault               seconds   setting`);
  console.log(`takeover (kill -9)  ${fmt(takeover, 2).padStart(7)}   MPR_RECLAIM_SECONDS=${RECLAIM_SECONDS}`);
  console.log(`stall detected      ${fmt(stall.detected, 2).padStart(7)}   MPR_STALL_SECONDS=${STALL_SECONDS}`);
  console.log(`stall recovered     ${fmt(stall.recovered, 2).padStart(7)}   (detected + the chunk encoded again)`);
  console.log(`\nwhole benchmark: ${fmt((Date.now() - started) / 1000)} s`);

  bench('scale.cores', cores, 'cores');
  bench('scale.jobs_per_min_1w', jpm1, 'jobs/min');
  bench('scale.jobs_per_min_2w', jpm2, 'jobs/min');
  bench('scale.speedup_2w', jpm2 / jpm1, 'x');
  bench('scale.takeover_s', takeover, 's');
  bench('scale.reclaim_seconds', RECLAIM_SECONDS, 's');
  bench('scale.stall_detected_s', stall.detected, 's');
  bench('scale.stall_recovery_s', stall.recovered, 's');
  bench('scale.stall_seconds', STALL_SECONDS, 's');
  flush();
} finally {
  const root = c?.root;
  await c?.stop();
  const left = root ? ffmpegNaming(root) : [];
  if (left.length) console.error(`left running after stop: ffmpeg ${left.map((p) => p.pid).join(', ')}`);
}
