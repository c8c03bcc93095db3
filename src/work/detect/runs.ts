/**
 * Detection runs as users drive them: start a run (a `detect` job) from a
 * timeline, a profile and a brand list, control it (stop, pause, resume,
 * step, pause after a stage), read its status stage by stage, replay one
 * stage with new settings (a new job under the old one that reuses the
 * stages before it), fork from a log position, browse the checkpoint tree,
 * and clear an ended job's working outputs. Every action is a command to
 * the job actor, so every one is an event in the log.
 */
import type { JobState } from '../../actors/job.ts';
import { chunksOfStage } from '../../actors/job-stages.ts';
import type { JobKinds } from '../../actors/job-kind.ts';
import { actorsOf } from '../../actors/registry.ts';
import { stateAt } from '../../actors/replay.ts';
import type { Runtime } from '../../actors/runtime.ts';
import { cancelJob, controlJob, submitJob } from '../../actors/submit.ts';
import { AppError } from '../../errors.ts';
import { jobStream } from '../../events/job.ts';
import type { Storage } from '../../storage/index.ts';
import type { CheckpointNode, DetectSettings } from '../../types/detect-setup.ts';
import { isObj, parseConfig } from './config-spec.ts';
import { jobPrefix } from './frames.ts';
import type { DetectParams } from './kind.ts';
import { stageInfo } from './stages.ts';
import type { DetectStatus, StageRow } from '../../types/detect-run.ts';
import { newId } from '../../ids.ts';

/** What runs read from the read models (wired by the system). */
export interface RunsReaders {
  /** The job list's status and progress of a job. */
  job(id: string): { status: string; progress: number } | null;
  /** How each stage of a job stands, as the StageOutput read model has it. */
  stages(jobId: string): { stage: string; status: string; attempt: number; reason: string | null }[];
  checkpoints(scope: string, stage?: string): CheckpointNode[];
}

export interface RunsDeps {
  readers: RunsReaders;
  runtime: Runtime;
  kinds: JobKinds;
  output: Storage;
  now: () => string;
  /** Waits until the read models have folded the log up to `position`. */
  caughtUp(position: number): Promise<void>;
  /** Detection's settings: the profile and brand list a run names none of. */
  settings(): Promise<DetectSettings>;
}

export type { DetectStatus, StageRow, StageStatus } from '../../types/detect-run.ts';

const bad = (field: string, what: string) => new AppError('validation', `${field}: ${what}`);
const RUN_FIELDS = ['timelineId', 'profile', 'brandListId', 'configOverrides', 'pauseAfter', 'step'];

export const createRuns = (d: RunsDeps) => {
  const actors = actorsOf(d.runtime);
  const kind = () => {
    const k = d.kinds.get('detect');
    if (!k?.request) throw new AppError('unavailable', 'detection is not available in this build');
    return k;
  };
  /** A detect job's state; 404 for anything else. */
  const detectJob = async (jobId: string): Promise<JobState & { params: DetectParams }> => {
    const { state } = await actors.job(jobId).load();
    if (state.status === 'none' || state.kind !== 'detect') throw new AppError('not_found', `no detect job ${jobId}`);
    return state as JobState & { params: DetectParams };
  };
  const settle = (r: { position: number }) => d.caughtUp(r.position);
  const checkStage = (params: DetectParams, stage: unknown, field: string): string => {
    if (typeof stage !== 'string' || !params.order.includes(stage))
      throw bad(field, `no stage ${JSON.stringify(stage)} in this run (${params.order.join(', ')})`);
    return stage;
  };

  const status = async (jobId: string): Promise<DetectStatus> => {
    const job = await detectJob(jobId);
    const view = d.readers.job(jobId);
    const rows = new Map(d.readers.stages(jobId).map((r) => [r.stage, r]));
    const p = job.params;
    const stages = p.order.map((stage): StageRow => {
      const outcome = job.stages[stage];
      const row = rows.get(stage);
      const chunks = chunksOfStage(job, stage);
      const doneHere = chunks.filter((c) => String(c.n) in job.done).length;
      const running = job.stage === stage;
      const failed = !outcome && row?.status === 'failed' && row.attempt === job.attempt;
      return {
        stage,
        status: outcome ? (outcome.status === 'skipped' ? 'skipped' : 'completed') : running ? (failed ? 'failed' : 'running') : 'waiting',
        chunks: chunks.length,
        chunksDone: doneHere,
        ms: outcome?.ms ?? (running && job.stageAt ? Math.max(0, Date.parse(d.now()) - Date.parse(job.stageAt)) : 0),
        stats: outcome?.stats ?? {},
        reason: outcome?.reason ?? (failed ? (row?.reason ?? null) : null),
        checkpointId: outcome?.checkpointId ?? null,
        reusedFrom: outcome?.reusedFrom ?? null,
      };
    });
    return {
      jobId,
      status: view?.status ?? job.status.toUpperCase(),
      progress: view?.progress ?? 0,
      error: job.reason,
      parent: job.parent,
      timelineId: p.timelineId,
      profile: p.profile,
      brandListId: p.brandListId,
      stage: job.stage,
      paused: job.paused,
      pauseReason: job.pauseReason,
      pauseAfter: job.pauseAfter,
      stepping: job.stepping,
      cleared: job.cleared,
      replay: p.replay ?? null,
      stages,
    };
  };

  /** A new detect job under `parent` with these params (the replay tree), started by the routers. */
  const fork = async (parent: JobState, params: DetectParams, overrides: Record<string, unknown>, fromPosition: number, by: string) => {
    const jobId = newId(12);
    const r = await actors.job(jobId).execute(
      {
        type: 'ForkJob',
        data: {
          jobId,
          parent: parent.id,
          fromPosition,
          overrides,
          kind: 'detect',
          params: params as unknown as Record<string, unknown>,
          plan: null,
          done: {},
          at: d.now(),
        },
      },
      { actor: by, causationId: String(fromPosition), correlationId: jobId },
    );
    await settle(r);
    return { jobId };
  };

  /** The parent's configs with one stage's settings changed (checked as that stage's config, naming `overrides.<field>`). */
  const withSettings = (p: DetectParams, stage: string, overrides: unknown): DetectParams => {
    if (overrides !== undefined && !isObj(overrides)) throw bad('overrides', 'must be an object of the stage’s settings');
    const spec = stageInfo(stage)!.config;
    const configs = { ...p.configs, [stage]: parseConfig(spec, { ...p.configs[stage], ...(overrides ?? {}) }, 'overrides') };
    const configOverrides = { ...p.configOverrides, [stage]: { ...p.configOverrides[stage], ...((overrides as Record<string, unknown>) ?? {}) } };
    return { ...p, configs, configOverrides };
  };

  return {
    status,

    async run(by: string, body: Record<string, unknown>) {
      for (const k of Object.keys(body)) if (!RUN_FIELDS.includes(k)) throw bad(k, `unknown field (${RUN_FIELDS.join(', ')})`);
      const defaults = await d.settings();
      if (body.brandListId === undefined && defaults.defaultBrandListId === null) throw bad('brandListId', 'required (no default brand list is set)');
      const asked = { profile: defaults.defaultProfile, brandListId: defaults.defaultBrandListId, ...body };
      const params = kind().request!.params(asked) as unknown as DetectParams;
      const pauseAfter = body.pauseAfter === undefined || body.pauseAfter === null ? null : checkStage(params, body.pauseAfter, 'pauseAfter');
      if (body.step !== undefined && typeof body.step !== 'boolean') throw bad('step', 'true or false');
      const r = await submitJob(
        { runtime: d.runtime, kinds: d.kinds, now: d.now },
        { kind: 'detect', params: params as unknown as Record<string, unknown>, actor: by, control: { pauseAfter, step: body.step === true } },
      );
      await settle(r);
      return { jobId: r.jobId };
    },

    async stop(by: string, jobId: string) {
      await detectJob(jobId);
      await settle(await cancelJob(d, jobId, `stopped by ${by}`));
      return status(jobId);
    },
    async pause(by: string, jobId: string) {
      await detectJob(jobId);
      await settle(await controlJob(d, jobId, { pause: `paused by ${by}` }, by));
      return status(jobId);
    },
    async resume(by: string, jobId: string, step: boolean) {
      await detectJob(jobId);
      await settle(await controlJob(d, jobId, { resume: { step } }, by));
      return status(jobId);
    },
    async pauseAfterStage(by: string, jobId: string, stage: unknown) {
      const job = await detectJob(jobId);
      const name = stage === null ? null : checkStage(job.params, stage, 'stage');
      await settle(await controlJob(d, jobId, { pauseAfter: name }, by));
      return status(jobId);
    },
    /** Deletes an ended job's working outputs (stage items, crops, report); its record and the timeline's frame cache stay. */
    async clear(by: string, jobId: string) {
      const job = await detectJob(jobId);
      if (!['completed', 'failed', 'cancelled'].includes(job.status)) throw new AppError('invalid_state', `job ${jobId} is still running: stop it first`);
      const removed = await d.output.deletePrefix(jobPrefix(jobId));
      await settle(await actors.job(jobId).execute({ type: 'RecordOutputsCleared', data: { removed, at: d.now() } }, { actor: by, correlationId: jobId }));
      return { removed };
    },

    /** One stage again with new settings (and the stages after it with `downstream`), reusing the outputs of the stages before it. */
    async replayStage(by: string, body: { jobId: string; stage: string; overrides?: unknown; downstream?: boolean }) {
      const parent = await detectJob(body.jobId);
      if (parent.cleared) throw new AppError('invalid_state', `job ${parent.id}'s outputs were cleared: run the timeline again`);
      const stage = checkStage(parent.params, body.stage, 'stage');
      if (stageInfo(stage)?.unavailable) throw bad('stage', `${stage} is ${stageInfo(stage)!.unavailable}`);
      const before = parent.params.order.slice(0, parent.params.order.indexOf(stage));
      const missing = before.filter((s) => !parent.stages[s]);
      if (missing.length > 0) throw new AppError('invalid_state', `job ${parent.id} has not finished ${missing.join(', ')}: nothing to replay ${stage} from`);
      const params = {
        ...withSettings(parent.params, stage, body.overrides),
        replay: { of: parent.id, stage, downstream: body.downstream === true, reuse: before },
      };
      const head = (await d.runtime.log.readStream(jobStream(parent.id))).at(-1)!.position;
      return fork(parent, params, { [stage]: body.overrides ?? {} }, head, by);
    },

    /**
     * A fork from a log position of the job: the stages it had finished by
     * then are reused where their settings (and those of every stage before
     * them) are unchanged by `configOverrides`; the rest run again.
     */
    async replay(by: string, body: { jobId: string; fromPosition: number; configOverrides?: unknown }) {
      const now = await detectJob(body.jobId);
      if (now.cleared) throw new AppError('invalid_state', `job ${now.id}'s outputs were cleared: run the timeline again`);
      const events = await d.runtime.log.readStream(jobStream(body.jobId));
      if (!Number.isInteger(body.fromPosition) || body.fromPosition < events[0]!.position) {
        throw bad('fromPosition', `must be a position of job ${body.jobId} (its first event is at ${events[0]!.position})`);
      }
      const then = (await stateAt(d.runtime.log, jobStream(body.jobId), body.fromPosition)).state as JobState & { params: DetectParams };
      let params: DetectParams = then.params;
      const overrides = body.configOverrides ?? {};
      if (!isObj(overrides)) throw bad('configOverrides', 'must be { stage: { setting: value } }');
      for (const [stage, o] of Object.entries(overrides)) params = withSettings(params, checkStage(params, stage, `configOverrides.${stage}`), o);
      const reuse: string[] = [];
      for (const s of params.order) {
        const same = JSON.stringify(params.configs[s]) === JSON.stringify(then.params.configs[s]);
        if (!then.stages[s] || !same) break;
        reuse.push(s);
      }
      const first = params.order[reuse.length] ?? params.order.at(-1)!;
      const replay = { of: body.jobId, stage: first, downstream: true, reuse: reuse.filter((s) => s !== first) };
      return fork(now, { ...params, replay }, overrides as Record<string, unknown>, body.fromPosition, by);
    },

    /** The checkpoint tree of a timeline (or of one stage of it). */
    checkpoints: (timelineId: string, stage?: string): CheckpointNode[] => d.readers.checkpoints(timelineId, stage),
  };
};

export type DetectRuns = ReturnType<typeof createRuns>;
