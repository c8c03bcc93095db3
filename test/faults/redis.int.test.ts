/**
 * Fault suite, Redis faults (issue 13), on one real cluster: its own
 * redis-server, the S3-protocol server, one `mpr serve`, two `mpr worker`s.
 * (3) Redis killed with SIGKILL mid-jobs and restarted with its AOF: nothing
 * is lost and every job completes once. (6) Redis killed and restarted
 * empty (persistence off: what a flush or a failover to an empty replica
 * looks like): the cluster must not wedge: the replaced log is detected and
 * reported by GET /api/system/status, and a job submitted afterwards
 * completes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { addAssets, apiClient, jobsOver, SHORT_CLIPS, submitJobs, waitTerminal } from './client.ts';
import { type Cluster, startCluster } from './cluster.ts';
import { logReplacement, readWholeLog } from './checks.ts';
import { waitFor } from './procs.ts';
import { busyNode, verifyJobs } from './verify.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** How long Redis stays down in each kill: long enough that every node notices. */
const DOWN_MS = 1500;

let c: Cluster;
const api = apiClient(() => c.api().url!);

beforeAll(async () => {
  c = await startCluster({ label: 'redis', store: 's3', aof: true, reclaimSeconds: 2 });
  await c.serve();
  await Promise.all([c.worker(), c.worker()]);
}, 90_000);

afterAll(async () => {
  await c?.stop();
}, 30_000);

describe('fault suite: Redis', () => {
  test('Redis killed with SIGKILL mid-jobs and restarted with its AOF: nothing lost, every job completes once', async () => {
    const assets = await addAssets(api, c.storage.input, SHORT_CLIPS);
    const ids = await submitJobs(api, assets, jobsOver(SHORT_CLIPS, 6));
    await busyNode(() => c.workers(), 60_000);
    const before = c.openLog();
    const head = await before.log.head().finally(() => before.close());
    await c.redis.kill9();
    await Bun.sleep(DOWN_MS);
    await c.redis.restart({ aof: true });
    const after = c.openLog();
    const restored = await after.log.head().finally(() => after.close());
    console.log(`faults: Redis kill -9 at log position ≥ ${head}, back from its AOF at ${restored}`);
    expect(restored).toBeGreaterThanOrEqual(head);
    const jobs = await waitTerminal(api, ids, 150_000).catch(async (e) => {
      // What the log says of the jobs that did not end: their job and chunk streams.
      const { log, close } = c.openLog();
      const events = await readWholeLog(log).finally(() => close());
      const stuck = events.filter((x) => ids.some((id) => x.stream === `job:${id}` || x.stream.startsWith(`chunk:${id}:`)));
      const lines = stuck.map((x) => `${x.position} ${x.stream} v${x.version} ${x.type} ${JSON.stringify(x.data).slice(0, 120)}`);
      throw new Error(`${(e as Error).message}\n${lines.join('\n')}\n${c.logs()}`);
    });
    expect(await verifyJobs({ ...c, api: c.api(), output: c.storage.output }, jobs)).toEqual([]);
    await c.serve({ dataDir: c.api().dataDir });
  }, 240_000);

  test('Redis restarted empty: the replaced log is reported in GET /api/system/status within 30 s, and a new job completes', async () => {
    await c.redis.kill9();
    await Bun.sleep(DOWN_MS);
    await c.redis.restart({ aof: false, fresh: true });
    const t0 = Date.now();
    let last: Json = null;
    const seen = await waitFor(
      async () => {
        const a = await api.call('GET', '/api/system/status').catch(() => null);
        last = a && { status: a.status, body: a.json };
        return a?.status === 200 && logReplacement(a.json).replaced ? a.json : null;
      },
      'GET /api/system/status to report the replaced log',
      30_000,
      250,
    ).catch((e) => {
      throw new Error(`${(e as Error).message}; last answer ${JSON.stringify(last)}\n${c.logs()}`);
    });
    const report = logReplacement(seen);
    console.log(`faults: empty Redis detected after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${report.reason}`);
    expect(report.reason).toBeTruthy();
    // Not wedged: the input store still holds the clips; a scan registers them in the new log and a job runs.
    const assets = await addAssets(api, c.storage.input, SHORT_CLIPS.slice(0, 1));
    const ids = await submitJobs(api, assets, SHORT_CLIPS.slice(0, 1));
    const jobs = await waitTerminal(api, ids, 90_000).catch((e) => {
      throw new Error(`${(e as Error).message}\n${c.logs()}`);
    });
    expect(jobs.map((j) => j.status)).toEqual(['COMPLETED']);
  }, 180_000);
});
