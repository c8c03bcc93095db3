/**
 * A redis-server of the fault suite's own (the shared test Redis of
 * test/redis-server.ts must never be killed): on a free loopback port, with
 * AOF on (appendfsync everysec, what src/events/log/redis.ts recommends) or
 * with no persistence at all, and restartable on the same port, so every
 * node's REDIS_URL stays right across a kill -9. Free of bun:test.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import { freePort } from '../redis-server.ts';

export interface RedisProc {
  port: number;
  url: string;
  /** Whether the running server writes an AOF. */
  aof(): boolean;
  pid(): number;
  /** For the harness's exit hook: kills the running server, if any. */
  handle: { pid: number; kill(): void };
  /** SIGKILL: no shutdown, no last write. */
  kill9(): Promise<void>;
  /**
   * Starts it again on the same port. `fresh` gives it an empty folder (what a
   * server without persistence, or a failover to an empty replica, comes back as).
   */
  restart(o: { aof: boolean; fresh?: boolean }): Promise<void>;
  /** Kills it and removes its folder. */
  stop(): Promise<void>;
}

/** Answers PING with PONG (a server still loading its AOF answers -LOADING). */
const pong = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    let got = '';
    const done = (ok: boolean, s?: { end(): void }) => {
      s?.end();
      resolve(ok);
    };
    Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        open: (s) => void s.write('PING\r\n'),
        data: (s, d) => {
          got += d.toString();
          if (got.includes('\r\n')) done(got.startsWith('+PONG'), s);
        },
        error: () => done(false),
        close: () => done(got.startsWith('+PONG')),
      },
    }).catch(() => done(false));
  });

export const startRedis = async (dir: string, o: { aof: boolean }): Promise<RedisProc> => {
  const bin = Bun.which('redis-server');
  if (!bin) throw new Error('redis-server is not installed: the fault suite runs its own. Run ./scripts/setup.sh (or apt-get install -y redis-server).');
  let proc: Subprocess | null = null;
  let aof = o.aof;
  let port = freePort();
  let generation = 0;

  const launch = async (): Promise<boolean> => {
    const folder = join(dir, `g${generation}`);
    mkdirSync(folder, { recursive: true });
    const persistence = aof ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no'];
    const p = Bun.spawn([bin, '--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', folder, '--loglevel', 'warning'], {
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'ignore',
    });
    proc = p;
    for (let i = 0; i < 200; i++) {
      if (p.exitCode !== null) return false;
      if (await pong(port)) return true;
      await Bun.sleep(25);
    }
    p.kill('SIGKILL');
    return false;
  };

  const kill9 = async () => {
    const p = proc;
    if (!p) return;
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await p.exited;
  };

  // A free port can be taken between the probe and the bind: try a few.
  let up = false;
  for (let attempt = 0; attempt < 5 && !up; attempt++) {
    if (attempt > 0) port = freePort();
    up = await launch();
  }
  if (!up) throw new Error(`redis-server did not start on a loopback port after 5 tries (folder ${dir})`);

  const r: RedisProc = {
    port,
    url: `redis://127.0.0.1:${port}`,
    aof: () => aof,
    pid: () => proc?.pid ?? 0,
    handle: { pid: 0, kill: () => void (proc && proc.exitCode === null && proc.signalCode === null && proc.kill('SIGKILL')) },
    kill9,
    async restart(ro) {
      await kill9();
      aof = ro.aof;
      if (ro.fresh) generation += 1;
      // The port is the same: a restart that cannot bind it (taken meanwhile) fails loudly.
      if (!(await launch())) throw new Error(`redis-server did not come back on port ${port}`);
    },
    async stop() {
      await kill9();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return r;
};
