/**
 * `mpr workers` against a real server on loopback: the workers route behind
 * the real guard, over a registry the test beats into; credentials from
 * MPR_URL + MPR_API_KEY, and from the file `mpr login` writes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Elysia } from 'elysia';
import { adminKey } from '../../test/auth.ts';
import { testEnv } from '../../test/system.ts';
import { toErrorResponse } from '../http/errors.ts';
import { createGuard } from '../http/guard.ts';
import { workersRoutes } from '../http/workers-routes.ts';
import type { System } from '../system.ts';
import type { WorkersDto } from '../types/workers.ts';
import { beatOf } from '../work/registry/contract.ts';
import { createMemoryWorkerRegistry } from '../work/registry/memory.ts';
import { saveCredentials } from './credentials.ts';
import { workersCommand } from './workers-command.ts';

const env = testEnv('sqlite', 'cli-workers');
const home = mkdtempSync(join(tmpdir(), 'mpr-cli-workers-'));
const clock = { now: Date.parse('2026-03-01T12:00:00.000Z') };
const registry = createMemoryWorkerRegistry({ lostAfterMs: 60_000, clock: () => clock.now });
let s: System;
let server: ReturnType<typeof Bun.serve>;
let url = '';
let key = '';

const run = async (cliEnv: Record<string, string>, ...args: string[]) => {
  const lines: string[] = [];
  const json = args.includes('--json');
  await workersCommand(
    { env: cliEnv, out: (l) => lines.push(l) },
    args.filter((a) => a !== '--json'),
    { json },
  );
  return lines;
};
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => '(no error)',
    (e: Error) => e.message,
  );

beforeAll(async () => {
  s = await env.boot();
  key = await adminKey(s);
  const guard = createGuard(s.auth, { allowedHosts: ['127.0.0.1'], apiRatePerMinute: 1_000_000, apiBurst: 1_000_000 });
  const app = new Elysia()
    .onRequest(async ({ request }) => (await guard(request)) ?? undefined)
    .onError(({ code, error, set }) => {
      const { status, body } = toErrorResponse(error, code);
      set.status = status;
      return body;
    })
    .group('/api', (api) => api.use(workersRoutes({ registry })));
  server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: app.fetch });
  url = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.stop(true);
  await env.cleanup();
  rmSync(home, { recursive: true, force: true });
});

describe('mpr workers', () => {
  test('no workers yet: says how to start one', async () => {
    const lines = await run({ MPR_URL: url, MPR_API_KEY: key });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toStartWith('no workers have registered: start one with mpr worker');
  });

  test('a table of the live and the lost, and --json gives the API answer', async () => {
    await registry.beat(beatOf('old-node', { host: 'gone-host', concurrency: 8 }));
    clock.now += 70_000;
    const items = [{ itemId: 'chunk:job1:4', jobId: 'job1', kind: 'transcode', n: 4, startedAt: new Date(clock.now).toISOString(), percent: 61.2 }];
    await registry.beat(beatOf('node-a', { host: 'alpha', pid: 311, concurrency: 2, busy: 1, items, done: 5, failed: 1, load: 0.75, cpus: 2 }));
    clock.now += 4_000;
    const cli = { MPR_URL: url, MPR_API_KEY: key };
    const lines = await run(cli);
    expect(lines[0]).toMatch(/^ID\s+HOST\s+PID\s+STATUS\s+BUSY\s+DONE\s+FAILED\s+LOAD\s+LAST BEAT\s+ITEMS$/);
    expect(lines[1]).toMatch(/^node-a\s+alpha\s+311\s+live\s+1\/2\s+5\s+1\s+0\.75\/2\s+4 s ago\s+job1:4 61%$/);
    expect(lines[2]).toMatch(/^old-node\s+gone-host\s+4242\s+LOST\s+0\/8\s+0\s+0\s+0\.50\/4\s+74 s ago\s+-$/);
    expect(lines.at(-1)).toBe('1 live, capacity 2; 1 LOST (no heartbeat for over 60 s: their items are taken over by the others)');

    const json = JSON.parse((await run(cli, '--json')).join('\n')) as WorkersDto;
    expect(json.capacity).toBe(2);
    expect(json.lostAfterSeconds).toBe(60);
    expect(json.workers.map((w) => [w.id, w.status, w.beatAgeSeconds])).toEqual([
      ['node-a', 'live', 4],
      ['old-node', 'lost', 74],
    ]);
    expect(json.workers[0]!.items).toEqual(items);
  });

  test('with the credentials mpr login stored', async () => {
    const dir = join(home, 'cfg');
    saveCredentials(join(dir, 'credentials.json'), { url, key, email: 'test@mpr.test' });
    const lines = await run({ MPR_CONFIG_DIR: dir });
    expect(lines[1]).toStartWith('node-a');
  });

  test('refusals are sentences: not logged in, a refused key, no server, an argument', async () => {
    expect(await refusal(run({ MPR_CONFIG_DIR: join(home, 'empty') }))).toBe('not logged in: run mpr login URL');
    expect(await refusal(run({ MPR_URL: url, MPR_API_KEY: 'mpr_nope' }))).toStartWith(`MPR_API_KEY was refused by ${url}`);
    expect(await refusal(run({ MPR_URL: 'http://127.0.0.1:1', MPR_API_KEY: key }))).toContain('cannot reach http://127.0.0.1:1');
    expect(await refusal(run({ MPR_URL: url, MPR_API_KEY: key }, 'node-a'))).toBe('usage: mpr workers [--json] (takes no argument, got "node-a")');
  });
});
