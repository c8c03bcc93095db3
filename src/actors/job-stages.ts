/**
 * How the `jobs` router moves a staged job along (see JobStages): between
 * stages it plans the next one (its chunks, a skip, or a reuse) unless the
 * job is paused, or completes the job after the last; inside a stage it
 * hands out the missing chunks, and once every one reported it records the
 * stage's outcome. Every step re-reads state, so a re-delivered event has no
 * second effect.
 */
import { errorDetail, errorMessage } from '../errors.ts';
import type { ChunkSpec, StageOutcome } from '../events/job.ts';
import { checkpointIdOf } from '../events/stage.ts';
import { withRetries } from './failure-policy.ts';
import type { JobState } from './job.ts';
import type { AnyJobKind, JobStages } from './job-kind.ts';
import type { Actors } from './registry.ts';
import type { CommandMeta } from './runtime.ts';

export interface StagedDeps {
  actors: Actors;
  now: () => string;
  retry: { attempts: number; backoffMs: number };
  fail(reason: string, detail: string | null): Promise<void>;
  spawn(chunks: ChunkSpec[]): Promise<void>;
  /** The refusal of a job that would have `count` work items over all its stages, or null when that is within the limit. */
  tooLarge?(count: number): string | null;
}

/** Pure: the outputs of a staged job's stages in run order, skipped ones as null (what `combine` gets). */
export const stageOutputs = (order: readonly string[], stages: Readonly<Record<string, StageOutcome>>): unknown[] =>
  order.map((s) => (stages[s] && stages[s].status !== 'skipped' ? stages[s].output : null));

/** Pure: the chunks of the stage a job runs now, by number. */
export const chunksOfStage = (job: JobState, stage: string): ChunkSpec[] => (job.plan ?? []).filter((c) => c.stage === stage).sort((a, b) => a.n - b.n);

const nextNumber = (job: JobState) => (job.plan ?? []).reduce((m, c) => Math.max(m, c.n + 1), 0);

export const advanceStaged = async (d: StagedDeps, kind: AnyJobKind, st: JobStages<unknown>, job: JobState, meta: CommandMeta, signal: AbortSignal) => {
  const actor = d.actors.job(job.id);
  const ctx = { jobId: job.id, attempt: job.attempt, signal };
  const order = st.order(job.params);
  const place = (stage: string) => ({ index: order.indexOf(stage), count: order.length });
  const at = d.now();

  if (job.stage !== null) {
    const stage = job.stage;
    const chunks = chunksOfStage(job, stage);
    const missing = chunks.filter((c) => !(String(c.n) in job.done));
    if (missing.length > 0) return d.spawn(missing);
    const results = chunks.map((c) => job.done[String(c.n)]);
    const r = await withRetries(() => st.finish(stage, results, job.params, job.stages, ctx), { ...d.retry, signal });
    if (!r.ok) return r.outcome === 'stop' ? undefined : d.fail(`stage ${stage} failed: ${errorMessage(r.error)}`, errorDetail(r.error));
    const ms = job.stageAt ? Math.max(0, Date.parse(at) - Date.parse(job.stageAt)) : 0;
    const outcome: StageOutcome = { status: 'done', ...r.value, checkpointId: checkpointIdOf(job.id, stage, job.attempt), reason: null, reusedFrom: null, ms };
    await actor.execute({ type: 'FinishStage', data: { stage, place: place(stage), outcome, at } }, meta);
    return;
  }

  if (job.paused) return;
  const next = order.find((s) => !(s in job.stages));
  if (next === undefined) {
    const r = await withRetries(
      async () => {
        const combined = kind.combine(stageOutputs(order, job.stages), job.params);
        return kind.finish ? kind.finish(combined, job.params, ctx) : combined;
      },
      { ...d.retry, signal },
    );
    if (!r.ok) return r.outcome === 'stop' ? undefined : d.fail(`finishing failed: ${errorMessage(r.error)}`, errorDetail(r.error));
    await actor.execute({ type: 'CompleteJob', data: { result: r.value, at } }, meta);
    return;
  }
  const planned = await withRetries(() => st.plan(next, job.params, job.stages, ctx), { ...d.retry, signal });
  if (!planned.ok) {
    return planned.outcome === 'stop' ? undefined : d.fail(`planning stage ${next} failed: ${errorMessage(planned.error)}`, errorDetail(planned.error));
  }
  const p = planned.value;
  if ('run' in p) {
    const base = nextNumber(job);
    const chunks = p.run.map((spec, i) => ({ n: base + i, spec: spec as Record<string, unknown> }));
    // A staged job's stages are planned one by one, so its size is known only here.
    const refused = d.tooLarge?.((job.plan?.length ?? 0) + chunks.length) ?? null;
    if (refused) return d.fail(`planning stage ${next} failed: ${refused}`, null);
    await actor.execute({ type: 'PlanJob', data: { chunks, stage: next, place: place(next), at } }, meta);
    return; // JobPlanned comes back through the router and spawns the chunks
  }
  const outcome: StageOutcome =
    'skip' in p
      ? { status: 'skipped', output: null, stats: {}, checkpointId: null, reason: p.skip, reusedFrom: null, ms: 0 }
      : {
          status: 'reused',
          output: p.reuse.output,
          stats: p.reuse.stats,
          checkpointId: p.reuse.checkpointId,
          reason: `reused from job ${p.reuse.from}`,
          reusedFrom: p.reuse.from,
          ms: 0,
        };
  await actor.execute({ type: 'FinishStage', data: { stage: next, place: place(next), outcome, at } }, meta);
};
