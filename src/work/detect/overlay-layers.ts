/**
 * Pure: what an overlay draws for a stage on one frame, from that frame's
 * entry in the stage's item (and, for the field and edge stages, the mask
 * and lines computed again from the frame: they are cheap to recompute and
 * costly to keep for every frame). Also where a frame of the timeline is in
 * the frame cache, and which item of a per-frame stage holds it.
 */
import type { Mask } from '../../cv/frame.ts';
import type { Segment } from '../../cv/edges.ts';
import type { OverlayLayer } from '../../cv/overlay.ts';
import { AppError } from '../../errors.ts';
import { BATCH_FRAMES, type CachedSegment } from './frames.ts';
import type { CropsOut, LinesOut, MatchOut, RegionsOut, SceneOut } from './steps.ts';

/** Stages an overlay can show (the per-frame ones, and the frame itself). */
export const OVERLAY_STAGES = ['extract_frames', 'filter_scenes', 'segment_field', 'detect_edges', 'preprocess', 'ocr', 'match_brands'] as const;

const pct = (x: number) => `${Math.round(x * 100)}%`;
const conf = (x: number) => x.toFixed(2);

/** The cached frame at timeline seq `seq`: its key and time, or null past the last frame. */
export const frameAt = (segments: readonly CachedSegment[], fps: number, seq: number): { key: string; t: number } | null => {
  for (const s of segments) {
    if (seq >= s.seqBase && seq < s.seqBase + s.count) {
      const k = seq - s.seqBase;
      return { key: `${s.prefix}${k}.jpg`, t: Math.round((s.t0 + k / fps) * 1e6) / 1e6 };
    }
  }
  return null;
};

/**
 * Pure: the other stages drawn over an overlay (after its own stage's
 * findings), as a body or a `?layers=a,b` query gives them: a list of
 * overlay stages, none twice and not the stage itself. Whether each is a
 * finished stage of the run is the run's say (overlays.ts).
 */
export const parseLayers = (raw: unknown, stage: string): string[] => {
  if (raw === undefined || raw === null || raw === '') return [];
  const list = typeof raw === 'string' ? raw.split(',') : raw;
  if (!Array.isArray(list)) throw new AppError('validation', `layers: a list of stages (${OVERLAY_STAGES.join(', ')})`);
  if (list.length > OVERLAY_STAGES.length - 1) throw new AppError('validation', `layers: at most ${OVERLAY_STAGES.length - 1} stages`);
  return list.map((x, i) => {
    const at = `layers[${i}]`;
    if (typeof x !== 'string' || !(OVERLAY_STAGES as readonly string[]).includes(x)) {
      throw new AppError('validation', `${at}: ${JSON.stringify(x)?.slice(0, 60)} draws nothing on a frame (overlays: ${OVERLAY_STAGES.join(', ')})`);
    }
    if (x === stage) throw new AppError('validation', `${at}: ${x} is the stage drawn already`);
    if (list.indexOf(x) !== i) throw new AppError('validation', `${at}: ${x} is listed twice`);
    return x;
  });
};

/** Pure: where an overlay is kept: its stage with its layers (other layers, another file), and the frame. */
export const overlayKey = (jobPrefix: string, stage: string, layers: readonly string[], seq: number): string =>
  `${jobPrefix}overlays/${[stage, ...layers].join('+')}/${seq}.png`;

/** Which item of a per-frame stage holds frame `seq` (every per-frame stage cuts the same batches). */
export const batchOf = (seq: number): number => Math.floor(seq / BATCH_FRAMES);

/** What was recomputed from the frame for the stages that keep no picture. */
export interface Recomputed {
  mask?: Mask;
  segments?: readonly Segment[];
}

/** The layers of one stage on one frame, from its item's entry for that frame. */
export const layersFor = (
  stage: string,
  entry: Record<string, unknown> | null,
  frame: { width: number; height: number },
  extra: Recomputed = {},
): OverlayLayer[] => {
  switch (stage) {
    case 'extract_frames':
      return [];
    case 'filter_scenes': {
      const e = entry as SceneOut | null;
      if (!e) return [];
      const label = `${e.cut ? 'scene cut' : 'same shot'}${e.score === null ? '' : ` (difference ${conf(e.score)})`}`;
      return [{ stage, boxes: [{ box: { x: 0, y: 0, w: frame.width, h: frame.height }, label }] }];
    }
    case 'segment_field': {
      const e = entry as RegionsOut | null;
      const share = e?.share === undefined ? '' : ` field ${pct(e.share)}`;
      return [
        {
          stage,
          mask: extra.mask,
          boxes: (e?.regions ?? []).map((r, i) => ({ box: r.box, label: i === 0 ? `candidate${share}` : 'candidate' })),
        },
      ];
    }
    case 'detect_edges': {
      const e = entry as RegionsOut | null;
      return [
        {
          stage,
          lines: (extra.segments ?? []).map((s) => ({ x1: s.x1, y1: s.y1, x2: s.x2, y2: s.y2 })),
          // Unlabelled: proposals crowd around a board, and its tilt shows in the drawn angle.
          boxes: (e?.regions ?? []).map((r) => ({ box: r.box, angle: r.angle })),
        },
      ];
    }
    case 'preprocess': {
      const e = entry as CropsOut | null;
      return [{ stage, boxes: (e?.crops ?? []).map((c) => ({ box: c.box, angle: c.angle || null, label: `crop ×${c.scale.toFixed(1)}` })) }];
    }
    case 'ocr': {
      const e = entry as LinesOut | null;
      return [{ stage, boxes: (e?.lines ?? []).map((l) => ({ box: l.box, label: `${l.text} ${conf(l.confidence)}` })) }];
    }
    case 'match_brands': {
      const e = entry as MatchOut | null;
      return [
        {
          stage,
          boxes: [
            ...(e?.hits ?? []).map((h) => ({ box: h.box, label: `${h.brand} ${conf(h.confidence)}` })),
            ...(e?.unresolved ?? []).map((u) => ({ box: u.box, label: `? ${u.text}` })),
          ],
        },
      ];
    }
    default:
      return [];
  }
};

/** Pure: how many shapes a set of layers holds, for the answer beside the picture. */
export const countShapes = (layers: readonly OverlayLayer[]) => ({
  boxes: layers.reduce((a, l) => a + (l.boxes?.length ?? 0), 0),
  lines: layers.reduce((a, l) => a + (l.lines?.length ?? 0), 0),
  masks: layers.filter((l) => l.mask).length,
});
