/**
 * Overlays: a frame of a detect job's timeline with what one stage found on
 * it drawn over it (boxes, labels, lines, the field mask), as PNG. Rendered
 * from the stage's item for that frame and the frame cache, kept beside the
 * job's other working outputs (so clearing the job removes them), and
 * rendered again on demand when missing. The field mask and the edge lines
 * are computed again from the frame with the job's settings: deterministic,
 * and cheaper than keeping a mask for every frame.
 */
import { actorsOf } from '../../actors/registry.ts';
import type { JobState } from '../../actors/job.ts';
import type { Runtime } from '../../actors/runtime.ts';
import type { OpenCv } from '../../cv/opencv.ts';
import { AppError } from '../../errors.ts';
import { readBytes, readJson, type Storage } from '../../storage/index.ts';
import { isObj } from './config-spec.ts';
import { edgeOptions, fieldOptions } from './engine-configs.ts';
import { jobPrefix } from './frames.ts';
import type { DetectParams, ExtractOutput } from './kind.ts';
import { loadNative } from './native.ts';
import { batchOf, countShapes, frameAt, layersFor, OVERLAY_STAGES, type Recomputed } from './overlay-layers.ts';
import type { FrameItem } from './steps.ts';

export interface OverlaysDeps {
  runtime: Runtime;
  output: Storage;
  opencv: () => Promise<OpenCv>;
}

export interface OverlayRequest {
  jobId: string;
  stage: string;
  seq: number;
}

export interface OverlayMade extends OverlayRequest {
  timelineId: string;
  /** Seconds from the timeline's start. */
  t: number;
  /** Where to fetch the PNG. */
  url: string;
  /** Its key in the output store. */
  key: string;
  shapes: { boxes: number; lines: number; masks: number };
}

const bad = (field: string, what: string) => new AppError('validation', `${field}: ${what}`);

/** The drawing and the engines whose pictures are not kept (native: loaded on first use). */
const drawing = () =>
  loadNative(async () => ({
    ...(await import('../../cv/overlay.ts')),
    ...(await import('../../cv/image.ts')),
    segmentField: (await import('../../cv/field.ts')).segmentField,
    detectEdges: (await import('../../cv/edges.ts')).detectEdges,
  }));

export const overlayUrl = (timelineId: string, jobId: string, stage: string, seq: number) =>
  `/api/detect/overlays/${encodeURIComponent(timelineId)}/${encodeURIComponent(jobId)}/${stage}/${seq}`;

export const createOverlays = (d: OverlaysDeps) => {
  const actors = actorsOf(d.runtime);

  /** The job, its stage's outcome and the frame: every refusal says what to ask for instead. */
  const locate = async (req: OverlayRequest) => {
    const { state } = await actors.job(req.jobId).load();
    if (state.status === 'none' || state.kind !== 'detect') throw new AppError('not_found', `no detect job ${req.jobId}`);
    const job = state as JobState & { params: DetectParams };
    if (job.cleared) throw new AppError('invalid_state', `job ${job.id}'s outputs were cleared: run the timeline again`);
    if (!(OVERLAY_STAGES as readonly string[]).includes(req.stage)) {
      throw bad('stage', `${req.stage} draws nothing on a frame (overlays: ${OVERLAY_STAGES.join(', ')})`);
    }
    if (!job.params.order.includes(req.stage)) throw bad('stage', `${req.stage} is not a stage of this run (${job.params.order.join(', ')})`);
    const extract = job.stages.extract_frames;
    if (!extract) throw new AppError('invalid_state', `job ${job.id} has not extracted its frames yet`);
    const frames = extract.output as ExtractOutput;
    const outcome = job.stages[req.stage];
    if (!outcome) throw new AppError('invalid_state', `${req.stage} has not finished in job ${job.id} yet`);
    if (outcome.status === 'skipped') throw new AppError('invalid_state', `${req.stage} was skipped in job ${job.id}: ${outcome.reason ?? 'no reason given'}`);
    const frame = frameAt(frames.segments, frames.fps, req.seq);
    if (!frame) throw bad('seq', `frame ${req.seq} is past the timeline's last (${frames.frames - 1})`);
    return { job, frames, frame, outcome, key: `${jobPrefix(job.id, job.attempt)}overlays/${req.stage}/${req.seq}.png` };
  };

  const draw = async (req: OverlayRequest, at: Awaited<ReturnType<typeof locate>>) => {
    const lib = await drawing();
    const image = await lib.decodeImage(await readBytes(d.output, at.frame.key));
    let entry: Record<string, unknown> | null = null;
    if (req.stage !== 'extract_frames') {
      const items = (at.outcome.output as { items: string[] }).items;
      const itemKey = items[batchOf(req.seq)];
      if (itemKey) entry = (await readJson<FrameItem<Record<string, unknown>>>(d.output, itemKey)).frames.find((f) => f.seq === req.seq) ?? null;
    }
    const cfg = at.job.params.configs[req.stage] ?? {};
    const extra: Recomputed = {};
    if (req.stage === 'segment_field') extra.mask = lib.segmentField(await d.opencv(), image, fieldOptions(cfg)).mask;
    if (req.stage === 'detect_edges') extra.segments = lib.detectEdges(await d.opencv(), image, edgeOptions(cfg)).segments;
    const layers = layersFor(req.stage, entry, image, extra);
    const png = await lib.renderOverlay(image, layers);
    await d.output.put(at.key, png, { contentType: 'image/png' });
    return { png, shapes: countShapes(layers) };
  };

  return {
    /** Renders (again) the overlay of a job's stage on frame `seq`, keeps it, and says where it is. */
    async render(body: unknown): Promise<OverlayMade> {
      if (!isObj(body)) throw bad('body', 'must be { jobId, stage, seq }');
      for (const k of Object.keys(body)) if (!['jobId', 'stage', 'seq'].includes(k)) throw bad(k, 'unknown field (jobId, stage, seq)');
      if (typeof body.jobId !== 'string' || body.jobId === '') throw bad('jobId', 'required: a detect job id');
      if (typeof body.stage !== 'string' || body.stage === '') throw bad('stage', 'required: a stage name');
      if (!Number.isInteger(body.seq) || (body.seq as number) < 0) throw bad('seq', `a frame number ≥ 0, got ${JSON.stringify(body.seq)}`);
      const req = { jobId: body.jobId, stage: body.stage, seq: body.seq as number };
      const at = await locate(req);
      const { shapes } = await draw(req, at);
      const timelineId = at.job.params.timelineId;
      return { ...req, timelineId, t: at.frame.t, url: overlayUrl(timelineId, req.jobId, req.stage, req.seq), key: at.key, shapes };
    },

    /** The PNG of an overlay, rendered first when it is not kept yet; 404 when the job is not of that timeline. */
    async png(timelineId: string, req: OverlayRequest): Promise<Uint8Array> {
      const at = await locate(req);
      if (at.job.params.timelineId !== timelineId) throw new AppError('not_found', `job ${req.jobId} is not a run of timeline ${timelineId}`);
      if (await d.output.stat(at.key)) return readBytes(d.output, at.key);
      return (await draw(req, at)).png;
    },
  };
};

export type DetectOverlays = ReturnType<typeof createOverlays>;
