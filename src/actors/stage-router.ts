/**
 * The `stages` router: records each stage of a staged job on its stage
 * actor (`stage:<jobId>:<stage>`) as the job moves: JobPlanned of a stage →
 * started (with its settings); JobStageFinished → a checkpoint (ran or
 * reused; its parent is the checkpoint of the nearest earlier stage that
 * has one, so a replayed stage hangs under the output it started from) or
 * skipped; a job that fails or is cancelled mid-stage → that stage failed.
 * The job stream stays the truth; these are its per-stage record.
 */
import type { LoggedEvent } from '../events/index.ts';
import { streamId } from '../events/index.ts';
import type { JobState } from './job.ts';
import type { JobKinds } from './job-kind.ts';
import { actorsOf } from './registry.ts';
import { stateAt } from './replay.ts';
import type { Router } from './router.ts';
import type { Runtime } from './runtime.ts';

export const createStageRouter = (d: { runtime: Runtime; kinds: JobKinds; now: () => string }): Router => {
  const actors = actorsOf(d.runtime);
  /** The job as of the event: the outcome of its earlier stages and its attempt then. */
  const jobAt = async (e: LoggedEvent) => (await stateAt(d.runtime.log, e.stream, e.position)).state as JobState;

  return {
    name: 'stages',
    types: new Set(['JobPlanned', 'JobStageFinished', 'JobFailed', 'JobCancelled']),
    concurrency: 4,
    async handle(e) {
      if (e.type === 'JobPlanned' && e.data.stage === undefined) return;
      const job = await jobAt(e);
      const stages = d.kinds.get(job.kind)?.stages;
      if (!stages) return;
      const jobId = streamId(e.stream);
      const meta = { actor: 'router:stages', causationId: String(e.position), correlationId: jobId };
      const attempt = job.attempt;
      const settings = (stage: string) => stages.settings?.(stage, job.params) ?? { config: {}, overrides: {} };

      if (e.type === 'JobPlanned') {
        const stage = e.data.stage!;
        const data = { jobId, stage, attempt, chunks: e.data.chunks.length, config: settings(stage).config, at: e.data.at };
        await actors.stage(jobId, stage).execute({ type: 'StartStage', data }, meta);
      } else if (e.type === 'JobStageFinished') {
        const { stage, outcome } = e.data;
        const actor = actors.stage(jobId, stage);
        if (outcome.status === 'skipped' || !outcome.checkpointId) {
          await actor.execute({ type: 'SkipStage', data: { jobId, stage, attempt, reason: outcome.reason ?? 'skipped', at: e.data.at } }, meta);
          return;
        }
        const order = stages.order(job.params);
        const earlier = order.slice(0, order.indexOf(stage)).reverse();
        const parent = earlier.map((s) => job.stages[s]?.checkpointId).find((id) => !!id) ?? null;
        await actor.execute(
          {
            type: 'CompleteStage',
            data: {
              jobId,
              stage,
              attempt,
              checkpointId: outcome.checkpointId,
              parentCheckpointId: parent,
              scope: stages.scope?.(job.params) ?? null,
              overrides: settings(stage).overrides,
              stats: outcome.stats,
              output: outcome.output,
              ms: outcome.ms,
              reusedFrom: outcome.reusedFrom,
              at: e.data.at,
            },
          },
          meta,
        );
      } else if ((e.type === 'JobFailed' || e.type === 'JobCancelled') && job.stage) {
        // The state as of the failure, before the event: the stage that was running.
        const reason = e.data.reason;
        await actors.stage(jobId, job.stage).execute({ type: 'FailStage', data: { jobId, stage: job.stage, attempt, reason, at: e.data.at } }, meta);
      }
    },
  };
};
