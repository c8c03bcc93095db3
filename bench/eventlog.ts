/**
 * Event log throughput and latency, for SQLite and Redis, each beside a raw
 * baseline measured in the same run (a bare bun:sqlite insert loop; a bare
 * ioredis pipelined XADD). Targets: batched appends ≥ 70% of the raw rate,
 * live delivery p99 ≤ 5 ms, projection rebuild ≥ 100k events/s.
 */
import type { Database } from 'bun:sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { EventLog } from '../src/events/log/index.ts';
import { createRedisLog } from '../src/events/log/redis.ts';
import { createSqliteLog, openDatabase } from '../src/events/log/sqlite.ts';
import type { NewEvent } from '../src/events/types.ts';
import { silentLogger } from '../src/logger.ts';
import { allProjections, createProjectionRunner } from '../src/projections/index.ts';
import { startRedisServer } from '../test/redis-server.ts';
import { bench, flush, percentile, rate, timed } from './_stats.ts';

const SINGLE = 5_000; // appends of one event
const BATCHES = 200; // appends of 100 events
const LATENCY_SAMPLES = 1_000;
const REBUILD_EVENTS = 200_000;

const now = () => new Date().toISOString();
const payload = (i: number) => ({ n: i, result: { sha256: 'f'.repeat(64), bytes: 262144 }, at: '2026-11-24T10:00:00.000Z' });
const ev = (i: number): NewEvent => ({ type: 'ChunkReported', data: payload(i), meta: { actor: 'bench', correlationId: 'bench' } });
const line = (label: string, value: string, vs?: string) => console.log(`${label.padEnd(46)} ${value.padStart(16)}${vs ? `   ${vs}` : ''}`);

/** A realistic history for the rebuild: jobs that plan 8 chunks, report them and complete. */
const history = function* (total: number) {
  for (let j = 0; ; j++) {
    const at = new Date(Date.UTC(2026, 10, 24, 0, 0, j % 60)).toISOString();
    const events: NewEvent[] = [
      { type: 'JobCreated', data: { jobId: `b${j}`, kind: 'checksum', params: { path: `/media/${j}.mp4` }, at } },
      { type: 'JobPlanned', data: { chunks: Array.from({ length: 8 }, (_, n) => ({ n, spec: { start: n, end: n + 1 } })), at } },
      ...Array.from({ length: 8 }, (_, n) => ({ type: 'ChunkReported', data: { n, result: { sha256: 'a'.repeat(64) }, at } })),
      { type: 'JobCompleted', data: { result: { ok: true }, at } },
    ];
    total -= events.length;
    yield { stream: `job:b${j}`, events: total < 0 ? events.slice(0, events.length + total) : events };
    if (total <= 0) return;
  }
};

const measureLog = async (name: string, log: EventLog, baseline: { single: number; batch: number }, rebuildDb: Database) => {
  console.log(`\n-- ${name} --`);
  const single = await timed(async () => {
    for (let i = 0; i < SINGLE; i++) await log.append(`chunk:single:${i % 50}`, [ev(i)], Math.floor(i / 50));
  });
  const singleRate = rate(SINGLE, single.ms);
  line('append, 1 event per append', `${singleRate} ev/s`, `${(singleRate / baseline.single).toFixed(2)}x raw (${baseline.single} ev/s)`);

  const batch = await timed(async () => {
    for (let b = 0; b < BATCHES; b++)
      await log.append(
        `chunk:batch:${b % 10}`,
        Array.from({ length: 100 }, (_, i) => ev(i)),
        Math.floor(b / 10) * 100,
      );
  });
  const batchRate = rate(BATCHES * 100, batch.ms);
  const ratio = batchRate / baseline.batch;
  line('append, batches of 100', `${batchRate} ev/s`, `${ratio.toFixed(2)}x raw (${baseline.batch} ev/s)  target >= 0.70`);
  bench(`eventlog.${name}.append_ratio`, ratio, 'x');

  const head = await log.head();
  const read = await timed(async () => {
    let n = 0;
    for (let after = 0; ; ) {
      const page = await log.readAll(after, 1000);
      if (!page.length) return n;
      n += page.length;
      after = page.at(-1)!.position;
    }
  });
  line('global read, pages of 1000', `${rate(read.value, read.ms)} ev/s`, `${read.value} events`);

  // Live delivery: one append at a time, timed until the subscriber has it.
  const ctl = new AbortController();
  const delivered = new Map<number, () => void>();
  const sub = (async () => {
    for await (const e of log.subscribe(await log.head(), ctl.signal)) delivered.get((e.data as { n: number }).n)?.();
  })();
  const lat: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const got = new Promise<void>((r) => delivered.set(i, r));
    const t0 = performance.now();
    await log.append(`chunk:live:${i % 10}`, [ev(i)], Math.floor(i / 10));
    await got;
    lat.push(performance.now() - t0);
    delivered.delete(i);
  }
  ctl.abort();
  await sub;
  lat.sort((a, b) => a - b);
  const p99 = percentile(lat, 99);
  line('live delivery append→subscriber p50', `${percentile(lat, 50).toFixed(3)} ms`);
  line('live delivery append→subscriber p99', `${p99.toFixed(3)} ms`, 'target <= 5 ms');
  bench(`eventlog.${name}.live_p99_ms`, p99, 'ms');

  // Projection rebuild over 200k events of job history.
  const fill = await timed(async () => {
    for (const { stream, events } of history(REBUILD_EVENTS)) await log.append(stream, events, 0);
  });
  line('wrote rebuild history', `${REBUILD_EVENTS} events`, `in ${(fill.ms / 1000).toFixed(1)} s (log head was ${head})`);
  const runner = createProjectionRunner({ db: rebuildDb, log, projections: allProjections(), logger: silentLogger });
  runner.init();
  const rebuilt = await timed(() => runner.rebuild());
  const eps = rate(rebuilt.value, rebuilt.ms);
  line('projection rebuild', `${eps} ev/s`, `${rebuilt.value} events in ${(rebuilt.ms / 1000).toFixed(2)} s  target >= 100000`);
  bench(`eventlog.${name}.rebuild_eps`, eps, 'ev/s');
};

const rawSqlite = (dir: string) => {
  const db = openDatabase(join(dir, 'raw.db'));
  db.run(
    'CREATE TABLE raw (position INTEGER PRIMARY KEY, stream TEXT NOT NULL, version INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, meta TEXT NOT NULL, UNIQUE (stream, version))',
  );
  const ins = db.query('INSERT INTO raw (stream, version, type, data, meta) VALUES (?, ?, ?, ?, ?)');
  const meta = JSON.stringify({ at: now(), actor: 'bench', causationId: null, correlationId: 'bench' });
  const one = db.transaction((s: string, v: number, data: string) => ins.run(s, v, 'ChunkReported', data, meta));
  let t0 = performance.now();
  for (let i = 0; i < SINGLE; i++) one(`chunk:single:${i % 50}`, Math.floor(i / 50) + 1, JSON.stringify(payload(i)));
  const single = rate(SINGLE, performance.now() - t0);
  const many = db.transaction((s: string, base: number) => {
    for (let i = 0; i < 100; i++) ins.run(s, base + i + 1, 'ChunkReported', JSON.stringify(payload(i)), meta);
  });
  t0 = performance.now();
  for (let b = 0; b < BATCHES; b++) many(`chunk:batch:${b % 10}`, Math.floor(b / 10) * 100);
  const batch = rate(BATCHES * 100, performance.now() - t0);
  db.close();
  return { single, batch };
};

const rawRedis = async (redis: Redis, prefix: string) => {
  const fields = (i: number) => ['type', 'ChunkReported', 'data', JSON.stringify(payload(i)), 'meta', JSON.stringify({ at: now(), actor: 'bench' })];
  let t0 = performance.now();
  for (let i = 0; i < SINGLE; i++) await redis.xadd(`${prefix}raw`, '*', ...fields(i));
  const single = rate(SINGLE, performance.now() - t0);
  t0 = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    const p = redis.pipeline();
    for (let i = 0; i < 100; i++) p.xadd(`${prefix}raw`, '*', ...fields(i));
    await p.exec();
  }
  const batch = rate(BATCHES * 100, performance.now() - t0);
  return { single, batch };
};

const dir = mkdtempSync(join(tmpdir(), 'mpr-bench-'));
const server = process.env.REDIS_URL ? null : await startRedisServer();
const redis = new Redis(process.env.REDIS_URL ?? server!.url);
const prefix = `mprbench:${Date.now()}:`;
try {
  const sqliteRaw = rawSqlite(dir);
  const sqliteDb = openDatabase(join(dir, 'mpr.db'));
  await measureLog('sqlite', createSqliteLog({ db: sqliteDb, maxEventBytes: 1 << 20, now, onCorrupt: () => {} }), sqliteRaw, sqliteDb);

  const redisRaw = await rawRedis(redis, prefix);
  const redisLog = createRedisLog({ redis, prefix, maxEventBytes: 1 << 20, now, onCorrupt: () => {} });
  await measureLog('redis', redisLog, redisRaw, openDatabase(join(dir, 'redis-read.db')));
  await redisLog.close();
  console.log('');
  flush();
} finally {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  server?.stop();
  rmSync(dir, { recursive: true, force: true });
}
