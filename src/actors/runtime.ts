/**
 * The actor runtime: one mailbox per stream (one command at a time per
 * actor, many actors in parallel), state rebuilt by folding the stream and
 * cached by version, and commands retried when another writer got there
 * first (a version conflict reloads the stream and decides again).
 */
import { VersionConflict } from '../errors.ts';
import type { EventLog } from '../events/log/index.ts';
import type { EventMeta, EventShape, StoredEvent } from '../events/types.ts';
import { fold, type Decider, type Evolver } from './decider.ts';

export interface Loaded<S> {
  state: S;
  version: number;
  /** Position of the stream's last event (0 for a new stream). */
  position: number;
}

export interface ExecuteResult<S> extends Loaded<S> {
  /** What this command appended (empty when the decider had nothing to add). */
  events: StoredEvent[];
}

export type CommandMeta = Partial<Omit<EventMeta, 'at'>>;

export interface Runtime {
  readonly log: EventLog;
  load<S, E extends EventShape>(stream: string, decider: Evolver<S, E>): Promise<Loaded<S>>;
  execute<S, C, E extends EventShape>(stream: string, decider: Decider<S, C, E>, command: C, meta?: CommandMeta): Promise<ExecuteResult<S>>;
  /** Drops every cached state: the log was replaced or went backwards (see LogReplaced), so what was folded may no longer be in it. */
  forget(): void;
}

interface CacheEntry {
  decider: unknown;
  loaded: Loaded<unknown>;
}

export const createRuntime = (opts: { log: EventLog; cacheSize?: number; maxConflictRetries?: number }): Runtime => {
  const { log } = opts;
  const cacheSize = opts.cacheSize ?? 10_000;
  const maxRetries = opts.maxConflictRetries ?? 20;
  const cache = new Map<string, CacheEntry>();
  const mailboxes = new Map<string, Promise<unknown>>();

  const remember = (stream: string, decider: unknown, loaded: Loaded<unknown>) => {
    cache.delete(stream); // re-insert: Map order doubles as LRU order
    cache.set(stream, { decider, loaded });
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
  };

  const load = async <S, E extends EventShape>(stream: string, decider: Evolver<S, E>): Promise<Loaded<S>> => {
    const hit = cache.get(stream);
    const base = hit && hit.decider === decider ? (hit.loaded as Loaded<S>) : { state: decider.initial(), version: 0, position: 0 };
    const newer = await log.readStream(stream, base.version + 1);
    if (newer.length === 0 && hit) return base;
    const loaded = { state: fold(decider, newer, base.state), version: base.version + newer.length, position: newer.at(-1)?.position ?? base.position };
    remember(stream, decider, loaded);
    return loaded;
  };

  /** Runs `fn` after every earlier command to the same stream has finished. */
  const enqueue = <T>(stream: string, fn: () => Promise<T>): Promise<T> => {
    const prev = mailboxes.get(stream) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    mailboxes.set(stream, tail);
    void tail.then(() => {
      if (mailboxes.get(stream) === tail) mailboxes.delete(stream);
    });
    return run;
  };

  const execute = <S, C, E extends EventShape>(stream: string, decider: Decider<S, C, E>, command: C, meta: CommandMeta = {}) =>
    enqueue(stream, async (): Promise<ExecuteResult<S>> => {
      for (let attempt = 0; ; attempt++) {
        const current = await load(stream, decider);
        const events = decider.decide(command, current.state);
        if (events.length === 0) return { ...current, events: [] };
        try {
          const actor = meta.actor ?? stream;
          await log.append(
            stream,
            events.map((e) => ({ ...e, meta: { ...meta, actor } })),
            current.version,
          );
        } catch (e) {
          // A stream behind what was folded from it: the log lost events (replaced under us). Fold it from the start.
          if (e instanceof VersionConflict && e.actual < current.version) cache.delete(stream);
          // Another process appended first: fold what it wrote and decide again.
          if (e instanceof VersionConflict && attempt < maxRetries) continue;
          throw e;
        }
        const appended = await log.readStream(stream, current.version + 1);
        const loaded = {
          state: fold(decider, appended, current.state),
          version: current.version + appended.length,
          position: appended.at(-1)?.position ?? current.position,
        };
        remember(stream, decider, loaded);
        // Anything past our own events was appended by another writer since.
        return { ...loaded, events: appended.slice(0, events.length) };
      }
    });

  return { log, load, execute, forget: () => cache.clear() };
};
