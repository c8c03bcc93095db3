/**
 * The HTTP API under load, with authentication on, against a server holding
 * a few hundred jobs, each figure beside a baseline measured in the same run:
 * - `GET /api/jobs?limit=50` req/s ÷ a bare Elysia handler serving the same
 *   JSON object (`api.jobs_vs_bare`, target ≥ 0.30);
 * - `GET /api/jobs/:id` req/s;
 * - event-stream fan-out: 200 authenticated clients on `/api/events` in
 *   another process while events are appended at 100/s; delivery delay
 *   append → client, p50 and p99 (`api.sse_p99_ms`, target ≤ 5 ms), beside
 *   the floor: a bare Bun.serve pushing a prebuilt frame to the same clients
 *   (`api.sse_bare_p99_ms`, and `api.sse_p99_vs_bare`);
 * - login p99: argon2id's cost is deliberate, and printed.
 * The load runs in a separate process (bench/_load.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Elysia } from 'elysia';
import { parseConfig } from '../src/config.ts';
import { createApp } from '../src/http/app.ts';
import { silentLogger } from '../src/logger.ts';
import { createSystem } from '../src/system.ts';
import { bench, flush, percentile } from './_stats.ts';

const JOBS = 300;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = 32;
const SSE_CLIENTS = 200;
const ADMIN = { email: 'bench@mpr.test', password: 'bench-password-1' };
const line = (label: string, value: string, vs?: string) => console.log(`${label.padEnd(46)} ${value.padStart(16)}${vs ? `   ${vs}` : ''}`);

const load = async (...args: string[]): Promise<string> => {
  const p = Bun.spawn(['bun', join(import.meta.dir, '_load.ts'), ...args], { stdout: 'pipe', stderr: 'inherit' });
  const out = await new Response(p.stdout).text();
  if ((await p.exited) !== 0) throw new Error(`the load process failed: ${args[0]} ${args[1]}`);
  return out.trim().split('\n').at(-1)!;
};
const reqPerSecond = async (url: string, auth: string) => {
  const r = JSON.parse(await load('get', url, auth, String(SECONDS), String(CONCURRENCY))) as { requests: number; errors: number; ms: number };
  if (r.errors > 0) throw new Error(`${r.errors} of ${r.requests + r.errors} requests to ${url} failed`);
  return Math.round((r.requests / r.ms) * 1000);
};

interface FanOut {
  clients: number;
  events: number;
  deliveries: number;
  p50: number;
  p99: number;
}

/** SSE_CLIENTS clients on `url` in another process while `append(n)` runs every 10 ms; the delay from append to each client. */
const fanOut = async (url: string, auth: string, append: (n: number) => Promise<void>): Promise<FanOut> => {
  const sse = Bun.spawn(['bun', join(import.meta.dir, '_load.ts'), 'sse', url, auth, String(SSE_CLIENTS), String(SECONDS)], {
    stdout: 'pipe',
    stderr: 'inherit',
  });
  const reader = sse.stdout.getReader();
  let out = '';
  while (!out.includes('READY')) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the SSE clients did not start');
    out += new TextDecoder().decode(value);
  }
  const stopAt = performance.now() + (SECONDS - 0.5) * 1000;
  let n = 0;
  while (performance.now() < stopAt) {
    await append(n++);
    await Bun.sleep(10);
  }
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    out += new TextDecoder().decode(value);
  }
  await sse.exited;
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as { clients: number; delays: number[] };
  const delays = r.delays.sort((a, b) => a - b);
  return { clients: r.clients, events: n, deliveries: delays.length, p50: percentile(delays, 50), p99: percentile(delays, 99) };
};

/** The floor: a bare Bun.serve that pushes one prebuilt frame to every open stream, to the same clients. */
const bareFanOut = async (): Promise<FanOut> => {
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const enc = new TextEncoder();
  const bare = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 120,
    fetch: () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(c) {
            streams.add(c);
            c.enqueue(enc.encode(': hi\n\n'));
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      ),
  });
  try {
    return await fanOut(`http://127.0.0.1:${bare.port}/`, '', async (n) => {
      const data = JSON.stringify({
        stream: 'bench:x',
        version: n,
        position: n,
        type: 'BenchTick',
        data: { n, sentAt: performance.timeOrigin + performance.now() },
      });
      const frame = enc.encode(`id: ${n}\nevent: log\ndata: ${data}\n\n`);
      for (const c of streams) {
        try {
          c.enqueue(frame);
        } catch {
          streams.delete(c);
        }
      }
    });
  } finally {
    bare.stop(true);
  }
};

const dir = mkdtempSync(join(tmpdir(), 'mpr-bench-api-'));
const s = await createSystem(
  parseConfig({
    MPR_DATA: dir,
    LOG_LEVEL: 'error',
    MPR_ADMIN_EMAIL: ADMIN.email,
    MPR_ADMIN_PASSWORD: ADMIN.password,
    MPR_RATE_LIMIT: '10000000',
    MPR_LOGIN_RATE: '1000000',
  }),
  { logger: silentLogger },
);
await s.start({ routers: false });
const app = createApp(s);
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: app.fetch, idleTimeout: 120 });
const base = `http://127.0.0.1:${server.port}`;
console.log(`${cpus().length} cores; ${JOBS} jobs; ${CONCURRENCY} connections for ${SECONDS} s per figure`);

try {
  // A few hundred finished jobs, as the list shows them.
  for (let j = 0; j < JOBS; j++) {
    const at = new Date(Date.UTC(2026, 10, 24, 0, 0, j % 60)).toISOString();
    await s.log.append(
      `job:bench${j}`,
      [
        { type: 'JobCreated', data: { jobId: `bench${j}`, kind: 'checksum', params: { inputKey: `media/${j}.mp4` }, at } },
        { type: 'JobPlanned', data: { chunks: Array.from({ length: 4 }, (_, n) => ({ n, spec: { start: n } })), at } },
        ...Array.from({ length: 4 }, (_, n) => ({ type: 'ChunkReported', data: { n, result: { sha256: 'a'.repeat(64) }, at } })),
        { type: 'JobCompleted', data: { result: { sha256List: 'b'.repeat(64), bytes: 1, chunks: 4 }, at } },
      ],
      0,
    );
  }
  await s.projections.waitFor(await s.log.head());

  // Login: argon2id, deliberately slow.
  const logins: number[] = [];
  let token = '';
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    logins.push(performance.now() - t0);
    token = ((await res.json()) as { accessToken: string }).accessToken;
  }
  logins.sort((a, b) => a - b);
  const loginP99 = percentile(logins, 99);
  line('login (argon2id verify), p50 / p99', `${percentile(logins, 50).toFixed(1)} / ${loginP99.toFixed(1)} ms`);
  const made = await fetch(`${base}/api/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: 'bench', scopes: ['read'] }),
  });
  const key = `Bearer ${((await made.json()) as { key: string }).key}`;
  const bearer = `Bearer ${token}`;

  // The baseline: a bare Elysia server answering the same JSON the list answers.
  const listJson = await (await fetch(`${base}/api/jobs?limit=50`, { headers: { authorization: bearer } })).json();
  const bare = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: new Elysia().get('/jobs', () => listJson).fetch });
  const bareRate = await reqPerSecond(`http://127.0.0.1:${bare.port}/jobs`, '');
  bare.stop(true);
  const listRate = await reqPerSecond(`${base}/api/jobs?limit=50`, bearer);
  const listKeyRate = await reqPerSecond(`${base}/api/jobs?limit=50`, key);
  const oneRate = await reqPerSecond(`${base}/api/jobs/bench7`, bearer);
  line('bare Elysia, same JSON', `${bareRate} req/s`);
  line('GET /api/jobs?limit=50 (access token)', `${listRate} req/s`, `${(listRate / bareRate).toFixed(2)}x bare  target >= 0.30`);
  line('GET /api/jobs?limit=50 (API key)', `${listKeyRate} req/s`, `${(listKeyRate / bareRate).toFixed(2)}x bare`);
  line('GET /api/jobs/:id (access token)', `${oneRate} req/s`);

  // Fan-out: 200 clients in another process; appends at 100/s here, each carrying its send time. The floor
  // beside it: a bare Bun.serve pushing one prebuilt frame to the same clients (what the machine allows).
  const ours = await fanOut(`${base}/api/events?telemetry=0`, key, async (n) => {
    await s.log.append(`bench:sse${n % 10}`, [{ type: 'BenchTick', data: { n, sentAt: performance.timeOrigin + performance.now() } }], Math.floor(n / 10));
  });
  const floor = await bareFanOut();
  line(
    `SSE to ${ours.clients} clients, ${ours.events} events, p50 / p99`,
    `${ours.p50.toFixed(2)} / ${ours.p99.toFixed(2)} ms`,
    `${ours.deliveries} deliveries  target p99 <= 5 ms`,
  );
  line(
    `bare Bun.serve fan-out, same clients, p50 / p99`,
    `${floor.p50.toFixed(2)} / ${floor.p99.toFixed(2)} ms`,
    `${(ours.p99 / floor.p99).toFixed(2)}x the floor's p99`,
  );

  bench('api.jobs_vs_bare', listRate / bareRate, 'x');
  bench('api.jobs_rps', listRate, 'req/s');
  bench('api.jobs_key_rps', listKeyRate, 'req/s');
  bench('api.job_rps', oneRate, 'req/s');
  bench('api.bare_rps', bareRate, 'req/s');
  bench('api.sse_p50_ms', ours.p50, 'ms');
  bench('api.sse_p99_ms', ours.p99, 'ms');
  bench('api.sse_deliveries', ours.deliveries, 'frames');
  bench('api.sse_bare_p99_ms', floor.p99, 'ms');
  bench('api.sse_p99_vs_bare', ours.p99 / floor.p99, 'x');
  bench('api.login_p99_ms', loginP99, 'ms');
  bench('api.cores', cpus().length, 'cores');
  flush();
} finally {
  server.stop(true);
  await s.close();
  rmSync(dir, { recursive: true, force: true });
}
