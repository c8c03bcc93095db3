/** Builds a real MPR system on a temp data dir, on SQLite or on the test Redis with a unique prefix. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { parseConfig } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { createSystem, type SystemOptions, type System } from '../src/system.ts';
import { TEST_ADMIN } from './auth.ts';
import { testRedisUrl, uniquePrefix } from './redis-server.ts';

export type Backend = 'sqlite' | 'redis';

export interface TestEnv {
  dataDir: string;
  backend: Backend;
  prefix: string;
  /** A fresh system over the same data (and the same Redis prefix): a restart. */
  boot(opts?: SystemOptions): Promise<System>;
  cleanup(): Promise<void>;
}

export const testEnv = (backend: Backend, label = 'sys', extraEnv: Record<string, string> = {}): TestEnv => {
  const dataDir = mkdtempSync(join(tmpdir(), `mpr-${label}-`));
  const prefix = uniquePrefix(label);
  // The first admin is the tests' own (test/auth.ts signs in as it), never a generated one.
  // Tests poll as fast as they can: the rate limit is the rate-limit test's to set (extraEnv).
  const env: Record<string, string> = {
    MPR_DATA: dataDir,
    LOG_LEVEL: 'error',
    MPR_ADMIN_EMAIL: TEST_ADMIN.email,
    MPR_ADMIN_PASSWORD: TEST_ADMIN.password,
    MPR_RATE_LIMIT: '10000000',
    MPR_LOGIN_RATE: '10000000',
  };
  if (backend === 'redis') Object.assign(env, { REDIS_URL: testRedisUrl(), MPR_REDIS_PREFIX: prefix });
  Object.assign(env, extraEnv);
  const systems: System[] = [];
  return {
    dataDir,
    backend,
    prefix,
    async boot(opts = {}) {
      const s = await createSystem(parseConfig(env), { logger: silentLogger, ...opts });
      systems.push(s);
      return s;
    },
    async cleanup() {
      for (const s of systems) await s.close().catch(() => undefined);
      if (backend === 'redis') {
        const r = new Redis(testRedisUrl());
        const keys = await r.keys(`${prefix}*`);
        if (keys.length) await r.del(...keys);
        r.disconnect();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};
