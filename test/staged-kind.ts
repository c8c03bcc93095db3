/**
 * A staged job kind for runtime tests: stages `a`, `b` (skipped when the
 * params say so) and `c`, each with chunks that wait for a gate, so a test
 * can pause, step and stop with work in flight. Each stage's output is the
 * sum of its chunks' values plus the output of the stage before it.
 */
import type { JobKind, StagePlan } from '../src/actors/job-kind.ts';
import { AppError } from '../src/errors.ts';
import type { StageOutcome } from '../src/events/job.ts';

export const STAGED_ORDER = ['a', 'b', 'c'];

export const stagedKind = (chunksPerStage: number) => {
  const gates = new Map<string, { open: Promise<void>; release: () => void }>();
  const gate = (key: string) => {
    if (!gates.has(key)) {
      let release!: () => void;
      const open = new Promise<void>((r) => (release = r));
      gates.set(key, { open, release });
    }
    return gates.get(key)!;
  };
  const started: string[] = [];
  const planned: string[] = [];
  const prev = (stage: string, upstream: Readonly<Record<string, StageOutcome>>) => {
    const before = STAGED_ORDER.slice(0, STAGED_ORDER.indexOf(stage)).reverse();
    const found = before.map((s) => upstream[s]).find((o) => o && o.status !== 'skipped');
    return (found?.output as { sum: number } | undefined)?.sum ?? 0;
  };
  const kind: JobKind<{ skipB: boolean }, unknown, { stage: string; i: number }> = {
    name: 'staged',
    validate: (p) => ({ skipB: p.skipB === true }),
    stages: {
      order: () => STAGED_ORDER,
      async plan(stage, params): Promise<StagePlan<{ stage: string; i: number }>> {
        planned.push(stage);
        if (stage === 'b' && params.skipB) return { skip: 'not wanted' };
        return { run: Array.from({ length: chunksPerStage }, (_, i) => ({ stage, i })) };
      },
      async finish(stage, results, _params, upstream) {
        const sum = (results as { value: number }[]).reduce((a, r) => a + r.value, 0) + prev(stage, upstream);
        return { output: { sum }, stats: { chunks: results.length } };
      },
      settings: (stage) => ({ config: { stage }, overrides: {} }),
      scope: () => 'scope-1',
    },
    async run(chunk, _params, { signal }) {
      const key = `${chunk.spec.stage}${chunk.spec.i}`;
      started.push(key);
      await Promise.race([
        gate(key).open,
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(new AppError('invalid_state', 'aborted')), { once: true })),
      ]);
      return { value: chunk.spec.i + 1 };
    },
    combine: (outputs) => ({ outputs }),
  };
  return {
    kind,
    open: (stage: string, i: number) => gate(`${stage}${i}`).release(),
    openStage: (stage: string) => Array.from({ length: chunksPerStage }, (_, i) => gate(`${stage}${i}`).release()),
    started,
    planned,
  };
};
