/**
 * Routers (process managers): subscribe to the log from their stored
 * position and turn events into commands for other actors.
 *
 * Delivery is at-least-once: the stored position only moves past an event
 * once its handler has finished (the low-water mark of in-flight events), so
 * a restart re-delivers whatever was in flight. Handlers must therefore be
 * idempotent: deciders answer a repeated command with no events, and shells
 * check state before an effect.
 */
import { errorMessage, LogReplaced } from '../errors.ts';
import type { DomainEventType, LoggedEvent } from '../events/index.ts';
import type { EventLog } from '../events/log/index.ts';
import type { StoredEvent } from '../events/types.ts';
import type { Logger } from '../logger.ts';
import { withRetries } from './failure-policy.ts';
import type { PositionStore } from './positions.ts';

export interface Router {
  name: string;
  /** Event types it reacts to; other events only move its position. */
  types: ReadonlySet<DomainEventType>;
  /** Events handled at once (default 1: strictly in order). */
  concurrency?: number;
  handle(event: LoggedEvent, signal: AbortSignal): Promise<void>;
}

export interface RunningRouter {
  readonly name: string;
  /** The position stored as fully handled. */
  position(): number;
  /** Resolves once everything up to `position` is handled. */
  waitFor(position: number): Promise<void>;
  /** Resolves after the signal aborted, in-flight handlers ended and the position was saved. */
  done: Promise<void>;
}

export interface RouterDeps {
  log: EventLog;
  positions: PositionStore;
  logger: Logger;
  signal: AbortSignal;
  /** Tries per event before it is logged and passed over (default 5). */
  attempts?: number;
  backoffMs?: number;
}

export const startRouter = async (router: Router, deps: RouterDeps): Promise<RunningRouter> => {
  const { log, positions, logger, signal } = deps;
  const attempts = deps.attempts ?? 5;
  const backoffMs = deps.backoffMs ?? 50;
  const concurrency = Math.max(1, router.concurrency ?? 1);
  let committed = await positions.get(router.name);
  let saved = committed;
  let lastSeen = committed;
  const inFlight = new Map<number, Promise<void>>();
  const waiters: { position: number; resolve: () => void }[] = [];

  let saving: Promise<void> | null = null;
  const save = (): Promise<void> => {
    if (saving) return saving;
    if (saved >= committed) return Promise.resolve();
    const target = committed;
    saving = positions
      .set(router.name, target)
      .then(
        () => {
          saved = target;
        },
        (e) => logger.error(`router ${router.name}: could not store its position`, { error: errorMessage(e) }),
      )
      .finally(() => {
        saving = null;
        if (saved < committed) void save(); // coalesce: write the newest mark once
      });
    return saving;
  };

  const advance = () => {
    // In-flight positions were inserted in ascending order, so the first key is the lowest.
    const lowest = inFlight.keys().next();
    committed = lowest.done ? lastSeen : lowest.value - 1;
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.position <= committed) waiters.splice(i, 1)[0]!.resolve();
    }
    void save();
  };

  // The failure policy decides what is retried; an event given up on is logged and passed over.
  const handle = async (event: StoredEvent) => {
    const r = await withRetries(() => router.handle(event as LoggedEvent, signal), { attempts, backoffMs, signal });
    if (!r.ok && r.outcome === 'fail') {
      logger.error(`router ${router.name}: gave up on ${event.type} at position ${event.position}`, {
        stream: event.stream,
        attempt: r.tries,
        error: errorMessage(r.error),
      });
    }
  };

  const loop = async () => {
    while (!signal.aborted) {
      try {
        // Resume after the last event seen, not the last committed: events
        // still in flight in this process must not be delivered twice.
        for await (const event of log.subscribe(lastSeen, signal)) {
          if (!router.types.has(event.type as DomainEventType)) {
            lastSeen = event.position;
            if (inFlight.size === 0) advance();
            continue;
          }
          while (inFlight.size >= concurrency && !signal.aborted) await Promise.race(inFlight.values());
          // Stopped while waiting for room: leave the event for the next start.
          if (signal.aborted) break;
          lastSeen = event.position;
          const p = handle(event).finally(() => {
            // A handler cut short by shutdown did not finish: its event stays
            // in flight so the stored position stays below it.
            if (signal.aborted) return;
            inFlight.delete(event.position);
            advance();
          });
          inFlight.set(event.position, p);
        }
      } catch (e) {
        if (signal.aborted) break;
        if (e instanceof LogReplaced) {
          // The log lost events (Redis came back empty): go on from the stored position if the log still
          // reaches it (the position store went with the log), else from its start; handlers are idempotent.
          await Promise.all(inFlight.values());
          const [stored, head] = await Promise.all([positions.get(router.name), log.head()]).catch(() => [0, 0]);
          lastSeen = committed = saved = stored <= head ? stored : 0;
          logger.error(`router ${router.name}: ${e.message}; going on from position ${lastSeen}`);
          continue;
        }
        logger.error(`router ${router.name}: subscription broke, resubscribing`, { error: errorMessage(e), after: lastSeen });
        await Bun.sleep(500);
      }
    }
    await Promise.all(inFlight.values());
    await save();
    await saving;
  };

  return {
    name: router.name,
    position: () => committed,
    waitFor: (position) => (position <= committed ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ position, resolve }))),
    done: loop(),
  };
};
