/**
 * Several nodes on one Redis log: only the lease holder runs the routers;
 * any node can submit; when the leader goes, another takes over and carries
 * on from the stored router positions.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { submitJob } from './submit.ts';
import { CORPUS } from '../../test/corpus.ts';
import { testEnv, type TestEnv } from '../../test/system.ts';
import { until, waitForJob } from '../../test/wait.ts';

const envs: TestEnv[] = [];
afterEach(async () => {
  for (const e of envs.splice(0).reverse()) await e.cleanup();
});

describe('the routers lease (Redis log)', () => {
  test('one leader at a time; a follower takes over when the leader stops', async () => {
    const a = testEnv('redis', 'lease-a', { MEDIA_IN: CORPUS });
    const b = testEnv('redis', 'lease-b', { MPR_REDIS_PREFIX: a.prefix, MEDIA_IN: CORPUS });
    envs.push(a, b);
    const leader = await a.boot({ leaseTtlMs: 300 });
    await leader.start();
    const follower = await b.boot({ leaseTtlMs: 300 });
    await follower.start();
    expect(leader.routers().length).toBeGreaterThan(0);
    expect(follower.routers()).toEqual([]);

    // Any node takes requests; the leader's routers do the work; every node's read models see it.
    const inputKey = 'audio/androidx_bear.flac'; // checksum jobs read the input store: the corpus, in place
    const one = await submitJob(follower, { kind: 'checksum', params: { inputKey, chunkBytes: 65536 } });
    expect((await waitForJob(follower, one.jobId, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');

    await leader.close();
    await until(() => follower.routers().length > 0, 'the follower to take the lease', 5_000);
    const two = await submitJob(follower, { kind: 'checksum', params: { inputKey, chunkBytes: 65536 } });
    expect((await waitForJob(follower, two.jobId, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');
    // The first job was not done again by the new leader.
    const completions = (await follower.log.readStream(`job:${one.jobId}`)).filter((e) => e.type === 'JobCompleted');
    expect(completions).toHaveLength(1);
  });
});
