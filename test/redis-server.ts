/** Starts a throwaway redis-server on loopback for tests and benchmarks. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  url: string;
  stop(): void;
}

/** A loopback port free a moment ago (the OS's pick). */
export const freePort = (): number => {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
};

export const startRedisServer = async (): Promise<RedisServer> => {
  const bin = Bun.which('redis-server');
  if (!bin) {
    throw new Error(
      'redis-server is not installed: the Redis integration tests need it. Run ./scripts/setup.sh (or apt-get install -y redis-server), or set MPR_TEST_REDIS_URL to a Redis you own.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'mpr-redis-'));
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = freePort();
    const proc = Bun.spawn([bin, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'], {
      stdout: 'ignore',
      stderr: 'pipe',
    });
    const url = `redis://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      if (proc.exitCode !== null) break;
      try {
        const sock = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data() {} } });
        sock.end();
        const stop = () => {
          proc.kill();
          rmSync(dir, { recursive: true, force: true });
        };
        return { url, stop };
      } catch {
        await Bun.sleep(20);
      }
    }
    proc.kill();
  }
  throw new Error('redis-server did not start on a loopback port after 5 tries');
};

/** A unique key prefix, so tests sharing one Redis never see each other's keys. */
export const uniquePrefix = (label: string): string => `mprtest:${label}:${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}:`;

export const testRedisUrl = (): string => {
  const url = process.env.MPR_TEST_REDIS_URL;
  if (!url) throw new Error('MPR_TEST_REDIS_URL is not set: run the tests with `bun test` so test/preload.ts starts Redis');
  return url;
};
