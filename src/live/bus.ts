/**
 * The live bus: telemetry (progress ticks) that is shown, never stored and
 * never replayed. In-process by default; bus-redis.ts carries it over Redis
 * pub/sub in scale-out mode so every API node sees every worker's ticks.
 */
export interface BusMessage {
  /** What it is about, e.g. `job:abc` or `chunk:abc:3`. */
  topic: string;
  /** e.g. `progress`. */
  kind: string;
  data: unknown;
  at: string;
}

export interface LiveBus {
  publish(msg: BusMessage): void;
  /** Returns a function that unsubscribes. */
  subscribe(handler: (msg: BusMessage) => void): () => void;
  close(): Promise<void>;
}

export const createMemoryBus = (): LiveBus => {
  const handlers = new Set<(msg: BusMessage) => void>();
  return {
    publish(msg) {
      for (const h of handlers) {
        try {
          h(msg);
        } catch {
          // A broken listener must not stop the others or the publisher.
        }
      }
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
    },
  };
};
