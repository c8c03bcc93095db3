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
import type { OverlayLayer } from '../../cv/overlay.ts';
import { AppError } from '../../errors.ts';
import { readBytes, readJson, type Storage } from '../../storage/index.ts';
import { isObj } from './config-spec.ts';
import { edgeOptions, fieldOptions } from './engine-configs.ts';
import { jobPrefix } from './frames.ts';
import type { DetectParams, ExtractOutput } from './kind.ts';
import { loadNative } from './native.ts';
import { batchOf, countShapes, frameAt, layersFor, OVERLAY_STAGES, overlayKey, parseLayers, type Recomputed } from './overlay-layers.ts';
import type { FrameItem } from './steps.ts';
import type { OverlayMade, OverlayRequest } from '../../types/detect-run.ts';

export interface OverlaysDeps {
  runtime: Runtime;
  output: Storage;
  opencv: () => Promise<OpenCv>;
}

export type { OverlayMade, OverlayRequest } from '../../types/detect-run.ts';

/** An overlay asked for: a stage on a frame, with other stages of the run drawn over it (`layers`, in order). */
export type OverlayAsk = OverlayRequest & { layers: string[] };

const bad = (field: string, what: string) => new AppError('validation', `${field}: ${what}`);

/** The drawing and the engines whose pictures are not kept (native: loaded on first use). */
const drawing = () =>
  loadNative(async () => ({
    ...(await import('../../cv/overlay.ts')),
    ...(await import('../../cv/image.ts')),
    segmentField: (await import('../../cv/field.ts')).segmentField,
    detectEdges: (await import('../../cv/edges.ts')).detectEdges,
  }));

export const overlayUrl = (timelineId: string, jobId: string, stage: string, seq: number, layers: readonly string[] = []) =>
  `/api/detect/overlays/${encodeURIComponent(timelineId)}/${encodeURIComponent(jobId)}/${stage}/${seq}${layers.length ? `?layers=${layers.join(',')}` : ''}`;

export const createOverlays = (d: OverlaysDeps) => {
  const actors = actorsOf(d.runtime);

  /** The job, its stage's outcome and the frame: every refusal says what to ask for instead. */
  const locate = async (req: OverlayAsk) => {
    const { state } = await actors.job(req.jobId).load();
    if (state.status === 'none' || state.kind !== 'detect') throw new AppError('not_found', `no detect job ${req.jobId}`);
    const job = state as JobState & { params: DetectParams };
    if (job.cleared) throw new AppError('invalid_state', `job ${job.id}'s outputs were cleared: run the timeline again`);
    /** A stage to draw (the one asked for, or a layer), named by its field in refusals. */
    const drawable = (field: string, stage: string) => {
      if (!(OVERLAY_STAGES as readonly string[]).includes(stage))
        throw bad(field, `${stage} draws nothing on a frame (overlays: ${OVERLAY_STAGES.join(', ')})`);
      if (!job.params.order.includes(stage)) throw bad(field, `${stage} is not a stage of this run (${job.params.order.join(', ')})`);
      const outcome = job.stages[stage];
      if (!outcome) throw new AppError('invalid_state', `${stage} has not finished in job ${job.id} yet`);
      if (outcome.status === 'skipped') throw new AppError('invalid_state', `${stage} was skipped in job ${job.id}: ${outcome.reason ?? 'no reason given'}`);
      return { stage, outcome };
    };
    const drawn = [drawable('stage', req.stage), ...req.layers.map((l, i) => drawable(`layers[${i}]`, l))];
    const extract = job.stages.extract_frames;
    if (!extract) throw new AppError('invalid_state', `job ${job.id} has not extracted its frames yet`);
    const frames = extract.output as ExtractOutput;
    const frame = frameAt(frames.segments, frames.fps, req.seq);
    if (!frame) throw bad('seq', `frame ${req.seq} is past the timeline's last (${frames.frames - 1})`);
    return { job, frames, frame, drawn, key: overlayKey(jobPrefix(job.id, job.attempt), req.stage, req.layers, req.seq) };
  };

  const draw = async (req: OverlayAsk, at: Awaited<ReturnType<typeof locate>>) => {
    const lib = await drawing();
    const image = await lib.decodeImage(await readBytes(d.output, at.frame.key));
    const layers: OverlayLayer[] = [];
    // The stage asked for first, then each layer over it.
    for (const { stage, outcome } of at.drawn) {
      let entry: Record<string, unknown> | null = null;
      if (stage !== 'extract_frames') {
        const items = (outcome.output as { items: string[] }).items;
        const itemKey = items[batchOf(req.seq)];
        if (itemKey) entry = (await readJson<FrameItem<Record<string, unknown>>>(d.output, itemKey)).frames.find((f) => f.seq === req.seq) ?? null;
      }
      const cfg = at.job.params.configs[stage] ?? {};
      const extra: Recomputed = {};
      if (stage === 'segment_field') extra.mask = lib.segmentField(await d.opencv(), image, fieldOptions(cfg)).mask;
      if (stage === 'detect_edges') extra.segments = lib.detectEdges(await d.opencv(), image, edgeOptions(cfg)).segments;
      layers.push(...layersFor(stage, entry, image, extra));
    }
    const png = await lib.renderOverlay(image, layers);
    await d.output.put(at.key, png, { contentType: 'image/png' });
    return { png, shapes: countShapes(layers) };
  };

  return {
    /** Renders (again) the overlay of a job's stage on frame `seq`, keeps it, and says where it is. */
    async render(body: unknown): Promise<OverlayMade> {
      if (!isObj(body)) throw bad('body', 'must be { jobId, stage, seq, layers? }');
      for (const k of Object.keys(body)) if (!['jobId', 'stage', 'seq', 'layers'].includes(k)) throw bad(k, 'unknown field (jobId, stage, seq, layers)');
      if (typeof body.jobId !== 'string' || body.jobId === '') throw bad('jobId', 'required: a detect job id');
      if (typeof body.stage !== 'string' || body.stage === '') throw bad('stage', 'required: a stage name');
      if (!Number.isInteger(body.seq) || (body.seq as number) < 0) throw bad('seq', `a frame number ≥ 0, got ${JSON.stringify(body.seq)}`);
      if (typeof body.layers === 'string') throw bad('layers', 'a list of stages');
      const req: OverlayAsk = { jobId: body.jobId, stage: body.stage, seq: body.seq as number, layers: parseLayers(body.layers, body.stage) };
      const at = await locate(req);
      const { shapes } = await draw(req, at);
      const timelineId = at.job.params.timelineId;
      return { ...req, timelineId, t: at.frame.t, url: overlayUrl(timelineId, req.jobId, req.stage, req.seq, req.layers), key: at.key, shapes };
    },

    /** The PNG of an overlay (`layers`: a query's `a,b`), rendered first when it is not kept yet; 404 when the job is not of that timeline. */
    async png(timelineId: string, asked: OverlayRequest & { layers?: string }): Promise<Uint8Array> {
      const req: OverlayAsk = { jobId: asked.jobId, stage: asked.stage, seq: asked.seq, layers: parseLayers(asked.layers, asked.stage) };
      const at = await locate(req);
      if (at.job.params.timelineId !== timelineId) throw new AppError('not_found', `job ${req.jobId} is not a run of timeline ${timelineId}`);
      if (await d.output.stat(at.key)) return readBytes(d.output, at.key);
      return (await draw(req, at)).png;
    },
  };
};

export type DetectOverlays = ReturnType<typeof createOverlays>;
