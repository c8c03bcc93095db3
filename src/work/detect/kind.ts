/**
 * The `detect` job kind: a staged job that runs a profile's stages over a
 * timeline with a brand list. A request names the timeline, the profile, the
 * brand list and any config overrides; the job's params record all of it
 * resolved (each stage's whole config, the brands, the picks with their
 * assets' content identity), so a job reads the same whenever it runs and a
 * replay knows exactly what changed. Stages plan their items from the
 * outputs of the stages before them (frames.ts, steps.ts); a replay reuses
 * the outputs of the stages it does not run again.
 */
import { NO_TAGS, type JobKind, type StagePlan } from '../../actors/job-kind.ts';
import { AppError } from '../../errors.ts';
import { readJson } from '../../storage/index.ts';
import type { StageOutcome } from '../../events/job.ts';
import type { Brand, BrandReport } from '../../types/detect.ts';
import type { BrandList, Profile, Timeline } from '../../types/detect-setup.ts';
import { isObj } from './config-spec.ts';
import { extractOptions } from './engine-configs.ts';
import {
  BATCH_FRAMES,
  batchesOf,
  type CachedSegment,
  frameBefore,
  itemKey,
  jobPrefix,
  numberSegments,
  type PickSource,
  planSegments,
  type SegmentSpec,
} from './frames.ts';
import { loadNative } from './native.ts';
import { resolveProfile } from './profile.ts';
import { stageInfo } from './stages.ts';
import type { BatchResult, BatchSpec, compileStep, ReportSpec, SegmentResult, StepDeps } from './steps.ts';
import type { DetectResult, ReplayOf } from '../../types/detect-run.ts';

/** The stage steps, loaded on first use (they need the native libraries: native.ts). */
const steps = () => loadNative(() => import('./steps.ts'));

export type { ReplayOf } from '../../types/detect-run.ts';

export interface DetectParams {
  timelineId: string;
  profile: string;
  brandListId: string;
  configOverrides: Record<string, Record<string, unknown>>;
  /** The profile resolved: stages in run order, each with its whole config. */
  order: string[];
  configs: Record<string, Record<string, unknown>>;
  brands: Brand[];
  picks: PickSource[];
  /** Seconds of the timeline. */
  duration: number;
  replay: ReplayOf | null;
}

export type { DetectResult } from '../../types/detect-run.ts';

export interface DetectReaders {
  profile(name: string): Profile | null;
  timeline(id: string): Timeline | null;
  brandList(id: string): BrandList | null;
  asset(id: string): { key: string; size: number; modifiedAt: string | null } | null;
}

export interface DetectKindDeps extends StepDeps {
  readers: DetectReaders;
  /** How a stage of another job ended (a replay reuses it). */
  stageOutcome(jobId: string, stage: string): Promise<StageOutcome | null>;
}

/** Which earlier stages' items a per-frame stage reads. */
const INPUTS: Record<string, readonly string[]> = {
  preprocess: ['segment_field', 'detect_edges'],
  ocr: ['preprocess'],
  match_brands: ['ocr'],
};
const PER_FRAME = new Set(['filter_scenes', 'segment_field', 'detect_edges', 'preprocess', 'ocr', 'match_brands']);

export interface ExtractOutput {
  segments: CachedSegment[];
  frames: number;
  width: number;
  height: number;
  fps: number;
}
interface ItemsOutput {
  items: string[];
  frames: number;
}

const bad = (field: string, what: string) => new AppError('validation', `${field}: ${what}`);

/** The output of a stage that ran or was reused, or null. */
const outputOf = <T>(upstream: Readonly<Record<string, StageOutcome>>, stage: string): T | null => {
  const o = upstream[stage];
  return o && o.status !== 'skipped' ? (o.output as T) : null;
};

/** Pure: what the job's params say about a request `{ timelineId, profile, brandListId, configOverrides? }`, read from the read models. */
export const detectParams = (readers: DetectReaders, body: Record<string, unknown>): DetectParams => {
  const str = (k: string) => {
    const v = body[k];
    if (typeof v !== 'string' || v.length === 0 || v.length > 64) throw bad(k, 'required: a name or id');
    return v;
  };
  const timeline = readers.timeline(str('timelineId'));
  if (!timeline) throw bad('timelineId', `no timeline ${body.timelineId}`);
  const profile = readers.profile(str('profile'));
  if (!profile) throw bad('profile', `no profile ${body.profile}`);
  const list = readers.brandList(str('brandListId'));
  if (!list) throw bad('brandListId', `no brand list ${body.brandListId}`);
  if (list.brands.length === 0) throw bad('brandListId', `brand list ${list.id} has no brands`);
  const overrides = body.configOverrides ?? {};
  const resolved = resolveProfile(profile, overrides);
  let offset = 0;
  const picks = timeline.picks.map((p, i) => {
    const a = readers.asset(p.assetId);
    if (!a) throw bad(`timeline.picks[${i}].assetId`, `asset ${p.assetId} is gone`);
    const pick = { assetId: p.assetId, key: a.key, content: `${a.key}|${a.size}|${a.modifiedAt ?? ''}`, start: p.start, end: p.end, offset };
    offset += p.end - p.start;
    return pick;
  });
  return {
    timelineId: timeline.id,
    profile: profile.name,
    brandListId: list.id,
    configOverrides: (isObj(overrides) ? overrides : {}) as DetectParams['configOverrides'],
    order: resolved.order,
    configs: resolved.configs,
    brands: list.brands,
    picks,
    duration: offset,
    replay: null,
  };
};

/** Checks params as the log holds them (made by detectParams or a replay). */
const validate = (p: Record<string, unknown>): DetectParams => {
  for (const k of ['timelineId', 'profile', 'brandListId'] as const) if (typeof p[k] !== 'string') throw bad(`params.${k}`, 'required');
  if (!Array.isArray(p.order) || !isObj(p.configs) || !Array.isArray(p.brands) || !Array.isArray(p.picks) || p.picks.length === 0) {
    throw bad('params', 'a detect job is asked for with { timelineId, profile, brandListId, configOverrides? } (POST /api/detect/run)');
  }
  return { configOverrides: {}, replay: null, duration: 0, ...p } as unknown as DetectParams;
};

export const createDetectKind = (d: DetectKindDeps): JobKind<DetectParams, DetectResult, Record<string, unknown>> => {
  const plan = async (stage: string, p: DetectParams, upstream: Readonly<Record<string, StageOutcome>>, ctx: { jobId: string; attempt: number }) => {
    const why = stageInfo(stage)?.unavailable;
    if (why) return { skip: why };
    const r = p.replay;
    if (r?.reuse.includes(stage)) {
      const was = await d.stageOutcome(r.of, stage);
      if (!was || !r) throw new AppError('not_found', `job ${r.of} has no output of ${stage} to reuse`);
      if (was.status === 'skipped') return { skip: was.reason ?? 'skipped' };
      return { reuse: { output: was.output, stats: was.stats, checkpointId: was.checkpointId!, from: was.reusedFrom ?? r.of } };
    }
    if (r && !r.downstream && p.order.indexOf(stage) > p.order.indexOf(r.stage)) return { skip: `after the replayed stage ${r.stage} (downstream: false)` };
    const cfg = p.configs[stage] ?? {};
    if (stage === 'extract_frames') return { run: planSegments(p.timelineId, p.picks, extractOptions(cfg)).map((seg) => ({ stage, ...seg })) };
    const frames = outputOf<ExtractOutput>(upstream, 'extract_frames');
    if (!frames) throw new AppError('invalid_state', `${stage} needs the frames of extract_frames`);
    if (PER_FRAME.has(stage)) {
      const items = (s: string) => outputOf<ItemsOutput>(upstream, s)?.items ?? null;
      return {
        run: batchesOf(frames.segments, BATCH_FRAMES).map(
          (spans, batch): BatchSpec => ({
            stage,
            batch,
            spans,
            fps: frames.fps,
            prev: stage === 'filter_scenes' ? frameBefore(frames.segments, spans, frames.fps) : null,
            inputs: Object.fromEntries((INPUTS[stage] ?? []).map((s) => [s, items(s)?.[batch] ?? null])),
            key: itemKey(ctx.jobId, ctx.attempt, stage, batch),
          }),
        ) as unknown as Record<string, unknown>[],
      };
    }
    if (stage === 'compile_report') {
      const spec: ReportSpec = {
        stage,
        inputs: outputOf<ItemsOutput>(upstream, 'match_brands')?.items ?? [],
        frameWidth: frames.width,
        frameHeight: frames.height,
        fps: frames.fps,
        duration: p.duration,
        prefix: `${jobPrefix(ctx.jobId, ctx.attempt)}report/`,
      };
      return { run: [spec as unknown as Record<string, unknown>] };
    }
    return { skip: 'not available yet' };
  };

  return {
    name: 'detect',
    validate,
    request: {
      fields: ['timelineId', 'profile', 'brandListId', 'configOverrides'],
      params: (body) => detectParams(d.readers, body) as unknown as Record<string, unknown>,
    },
    stages: {
      order: (p) => p.order,
      plan: (stage, p, upstream, ctx) => plan(stage, p, upstream, ctx) as Promise<StagePlan>,
      async finish(stage, results, p): Promise<{ output: unknown; stats: Record<string, number> }> {
        if (stage === 'extract_frames') {
          const segs = results as (SegmentResult & { t0: number })[];
          const numbered = numberSegments(segs);
          const frames = numbered.reduce((a, s) => a + s.count, 0);
          if (frames === 0) throw new AppError('validation', 'the timeline gave no frames: its picks hold no decodable video');
          const output: ExtractOutput = {
            segments: numbered,
            frames,
            width: segs[0]?.width ?? 0,
            height: segs[0]?.height ?? 0,
            fps: extractOptions(p.configs.extract_frames ?? {}).fps,
          };
          return { output, stats: { frames, segments: segs.length, cached: segs.filter((s) => s.cached).length } };
        }
        if (stage === 'compile_report') {
          const r = results[0] as Awaited<ReturnType<typeof compileStep>>;
          return { output: r, stats: { brands: r.brands, intervals: r.intervals } };
        }
        const items = results as BatchResult[];
        const stats: Record<string, number> = { frames: items.reduce((a, r) => a + r.frames, 0), items: items.length };
        for (const r of items) for (const [k, v] of Object.entries(r.counts)) stats[k] = (stats[k] ?? 0) + v;
        const output: ItemsOutput = { items: items.map((r) => r.key), frames: stats.frames! };
        return { output, stats };
      },
      settings: (stage, p) => ({ config: p.configs[stage] ?? {}, overrides: p.configOverrides[stage] ?? {} }),
      scope: (p) => p.timelineId,
    },
    async run(chunk, p, ctx) {
      const spec = chunk.spec as { stage: string };
      const cfg = p.configs[spec.stage] ?? {};
      const step = await steps();
      if (spec.stage === 'extract_frames') {
        const seg = chunk.spec as unknown as SegmentSpec;
        return { ...(await step.extractSegment(d, seg, p.picks[seg.pick]!, cfg, ctx.signal)), t0: seg.t0 };
      }
      if (spec.stage === 'compile_report') return step.compileStep(d, chunk.spec as unknown as ReportSpec, cfg);
      return step.runBatch(d, chunk.spec as unknown as BatchSpec, { cfg, brands: p.brands, brandsKey: `${ctx.jobId}:${p.brandListId}`, signal: ctx.signal });
    },
    combine: (outputs, p) => ({ outputs, order: p.order }),
    async finish(combined, p) {
      const { outputs } = combined as { outputs: unknown[] };
      const at = (s: string) => outputs[p.order.indexOf(s)] ?? null;
      const report = at('compile_report') as Awaited<ReturnType<typeof compileStep>> | null;
      const frames = (at('extract_frames') as ExtractOutput | null)?.frames ?? 0;
      if (!report) return { report: null, keys: null, frames };
      return { report: await readJson<BrandReport>(d.output, report.keys.json), keys: report.keys, frames };
    },
    async discard(_p, ctx) {
      await d.output.deletePrefix(jobPrefix(ctx.jobId, ctx.attempt));
    },
    tags: (p) => ({ ...NO_TAGS, assetId: p.picks[0]?.assetId ?? null, sourceKey: p.picks[0]?.key ?? null, presetName: p.profile }),
    present: (r, url) => ({
      outputs: r?.keys ?? null,
      urls: r?.keys ? { json: url(r.keys.json), intervals: url(r.keys.intervals), brands: url(r.keys.brands) } : null,
      renditions: [],
      result: r,
    }),
  };
};
