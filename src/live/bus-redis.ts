/**
 * The live bus over Redis pub/sub, for scale-out: every node publishes its
 * workers' ticks to `<prefix>bus` and hears everyone's, its own included
 * (they come back through Redis, so every node sees one order).
 *
 * Pub/sub is fire-and-forget, which is right for telemetry: the log has the
 * facts. A message published while a subscriber is not yet subscribed, or
 * is reconnecting, is simply not heard by it.
 *
 * The bus never quits the client it is given; `close()` ends the subscriber
 * connection it opened.
 */
import type { Redis } from 'ioredis';
import type { BusMessage, LiveBus } from './bus.ts';

export interface RedisBus extends LiveBus {
  /** Resolves once this bus listens; rejects if it could not subscribe. */
  readonly ready: Promise<void>;
}

const parse = (raw: string): BusMessage | null => {
  try {
    const msg: unknown = JSON.parse(raw);
    if (typeof msg !== 'object' || msg === null) return null;
    const m = msg as Partial<BusMessage>;
    if (typeof m.topic !== 'string' || typeof m.kind !== 'string' || typeof m.at !== 'string') return null;
    return { topic: m.topic, kind: m.kind, data: m.data ?? null, at: m.at };
  } catch {
    return null;
  }
};

export const createRedisBus = (opts: { redis: Redis; prefix: string }): RedisBus => {
  const channel = `${opts.prefix}bus`;
  const handlers = new Set<(msg: BusMessage) => void>();
  // A connection in subscriber mode can run no other command: it gets its
  // own. ioredis re-subscribes it after a reconnect.
  const sub = opts.redis.duplicate();
  // Connection failures show up as unheard ticks; without a listener ioredis
  // would print every reconnect attempt.
  sub.on('error', () => {});
  let closed = false;
  const ready = sub.subscribe(channel).then(() => undefined);
  // Nobody may be waiting on `ready`; its failure must not be unhandled.
  ready.catch(() => {});
  sub.on('message', (ch: string, raw: string) => {
    if (ch !== channel || closed) return;
    // Damaged or foreign messages are dropped: telemetry can be lost.
    const msg = parse(raw);
    if (!msg) return;
    for (const h of handlers) {
      try {
        h(msg);
      } catch {
        // One broken listener must not silence the rest.
      }
    }
  });
  return {
    ready,
    publish(msg) {
      // Callers publish from hot paths (progress ticks): neither an
      // unserializable payload nor a lost connection may throw into them.
      try {
        opts.redis.publish(channel, JSON.stringify(msg)).catch(() => {});
      } catch {
        // Dropped, like any tick nobody hears.
      }
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
      };
    },
    async close() {
      closed = true;
      handlers.clear();
      sub.disconnect();
    },
  };
};
