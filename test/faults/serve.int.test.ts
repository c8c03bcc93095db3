/**
 * Fault suite, API node fault (issue 13): on a real cluster (its own Redis,
 * the S3-protocol server, `mpr serve`, two `mpr worker`s), the only API node
 * is killed with SIGKILL while jobs run, holding the routers' lease. Another
 * `mpr serve` on a fresh data folder catches up from the Redis log, takes the
 * lease once the dead one's expired, and every job completes once; its read
 * models equal a rebuild from the log.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { addAssets, apiClient, jobsOver, SHORT_CLIPS, submitJobs, waitTerminal } from './client.ts';
import { type Cluster, startCluster } from './cluster.ts';
import { waitFor } from './procs.ts';
import { readWholeLog } from './checks.ts';
import { verifyJobs } from './verify.ts';

let c: Cluster;
const api = apiClient(() => c.api().url!);

beforeAll(async () => {
  c = await startCluster({ label: 'serve', store: 's3', aof: true, reclaimSeconds: 2 });
  await c.serve();
  await Promise.all([c.worker(), c.worker()]);
}, 90_000);

afterAll(async () => {
  await c?.stop();
}, 30_000);

describe('fault suite: the API node', () => {
  test('mpr serve killed with SIGKILL mid-jobs; another one catches up and every job completes once', async () => {
    const assets = await addAssets(api, c.storage.input, SHORT_CLIPS);
    const ids = await submitJobs(api, assets, jobsOver(SHORT_CLIPS, 6));
    // Mid-jobs: some chunk finished, the jobs are not all done.
    const { log, close } = c.openLog();
    try {
      await waitFor(async () => (await readWholeLog(log)).some((e) => e.type === 'ChunkSucceeded'), 'a first chunk to finish', 60_000, 100);
    } finally {
      await close();
    }
    const dead = c.api();
    await dead.kill9();
    const t0 = Date.now();
    const next = await c.serve();
    const jobs = await waitTerminal(api, ids, 150_000).catch((e) => {
      throw new Error(`${(e as Error).message}\n${c.logs()}`);
    });
    console.log(`faults: kill -9 of ${dead.name}; ${next.name} up and the jobs done ${((Date.now() - t0) / 1000).toFixed(1)} s later`);
    expect(await verifyJobs({ ...c, api: next, output: c.storage.output }, jobs)).toEqual([]);
  }, 240_000);
});
