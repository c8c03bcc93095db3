/**
 * A job kind for runtime tests whose chunks wait for a gate, so a test can
 * stop the system with work in flight. It counts effects started and
 * finished per chunk to prove nothing runs twice that should not.
 */
import { NO_TAGS, type JobKind, type WorkProgress } from '../src/actors/job-kind.ts';
import { AppError } from '../src/errors.ts';

export const gatedKind = (chunks: number) => {
  const gates = new Map<number, { open: Promise<void>; release: () => void }>();
  const gate = (n: number) => {
    if (!gates.has(n)) {
      let release!: () => void;
      const open = new Promise<void>((r) => (release = r));
      gates.set(n, { open, release });
    }
    return gates.get(n)!;
  };
  const started = new Map<number, number>();
  const finished = new Map<number, number>();
  const bump = (m: Map<number, number>, n: number) => m.set(n, (m.get(n) ?? 0) + 1);
  // The running chunk n's progress callback, so a test can send ticks while it is held.
  const progress = new Map<number, (p: WorkProgress) => void>();
  const str = (x: unknown) => (typeof x === 'string' && x !== '' ? x : null);
  const kind: JobKind<Record<string, unknown>> = {
    name: 'gated',
    validate: (p) => p,
    // Tagged like a transcode when its params name a source and a preset, so list tests can read the names.
    tags: (p) => ({
      ...NO_TAGS,
      assetId: str(p.assetId),
      presetId: str(p.presetId),
      sourceKey: str(p.inputKey),
      presetName: str((p.preset as { name?: unknown } | undefined)?.name) ?? str(p.presetId),
    }),
    plan: async () => Array.from({ length: chunks }, (_, n) => ({ n, spec: { n } })),
    async run(chunk, _params, { signal, progress: tick }) {
      bump(started, chunk.n);
      progress.set(chunk.n, tick);
      await Promise.race([
        gate(chunk.n).open,
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(new AppError('invalid_state', 'aborted')), { once: true })),
      ]);
      bump(finished, chunk.n);
      return { n: chunk.n, value: chunk.n * 10 };
    },
    combine: (results) => ({ sum: (results as { value: number }[]).reduce((a, r) => a + r.value, 0) }),
  };
  return {
    kind,
    open: (n: number) => gate(n).release(),
    openAll: () => Array.from({ length: chunks }, (_, n) => gate(n).release()),
    /** A progress tick from chunk n while it runs (ignored when it has not started). */
    report: (n: number, percent: number) => progress.get(n)?.({ percent }),
    started,
    finished,
  };
};
