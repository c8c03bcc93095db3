/**
 * A lease on Redis, so that of several MPR nodes sharing one Redis log only
 * one runs the routers (the process managers that plan, spawn and finish
 * jobs). The holder renews it every third of its time to live; a node that
 * dies stops renewing and another takes over once it expires. A holder that
 * fails to renew (Redis unreachable, or the key taken) stops its routers at
 * once: two leaders would repeat effects (idempotent, but wasted work).
 *
 * Routers are at-least-once with stored positions, so a new leader carries
 * on from where the old one's positions stand.
 */
import type { Redis } from 'ioredis';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface LeaseOptions {
  redis: Redis;
  key: string;
  /** Unique per process. */
  owner: string;
  ttlMs: number;
  signal: AbortSignal;
  /** Runs while the lease is held; `lost` aborts when it is lost or on shutdown. Resolves once started; `done` once stopped. */
  whileHeld(lost: AbortSignal): Promise<{ done: Promise<void> }>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/**
 * Competes for the lease until `signal` aborts. `first` resolves after the
 * first try (with whether it won, and after startup when it did), so a
 * caller can return once this node is either leading or standing by.
 */
export const holdLease = (o: LeaseOptions): { first: Promise<boolean>; done: Promise<void> } => {
  let settleFirst!: (won: boolean) => void;
  const first = new Promise<boolean>((r) => (settleFirst = r));
  const tryOnce = async (): Promise<boolean> => (await o.redis.call('SET', o.key, o.owner, 'NX', 'PX', String(o.ttlMs)).catch(() => null)) === 'OK';

  const done = (async () => {
    let firstTry = true;
    while (!o.signal.aborted) {
      const won = await tryOnce();
      if (!won) {
        if (firstTry) settleFirst(false);
        firstTry = false;
        await sleep(Math.max(50, o.ttlMs / 3), o.signal);
        continue;
      }
      const lost = new AbortController();
      const onStop = () => lost.abort();
      o.signal.addEventListener('abort', onStop, { once: true });
      const renew = setInterval(
        async () => {
          const ok = await o.redis.call('EVAL', RENEW, '1', o.key, o.owner, String(o.ttlMs)).catch(() => 0);
          if (ok !== 1) lost.abort();
        },
        Math.max(20, Math.floor(o.ttlMs / 3)),
      );
      try {
        const held = await o.whileHeld(lost.signal);
        if (firstTry) settleFirst(true);
        firstTry = false;
        await held.done;
      } finally {
        clearInterval(renew);
        o.signal.removeEventListener('abort', onStop);
        await o.redis.call('EVAL', RELEASE, '1', o.key, o.owner).catch(() => undefined);
      }
    }
    if (firstTry) settleFirst(false);
  })();
  return { first, done };
};
