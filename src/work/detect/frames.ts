/**
 * Pure: how a detect job cuts its timeline into work. extract_frames runs
 * one item per segment of a pick (at most SEGMENT_SECONDS of source), each
 * cached in the output store under a key made of what it depends on (the
 * asset's content, the range, fps and size), so a rerun or a replay of the
 * same timeline reuses it. Per-frame stages run on batches of BATCH_FRAMES
 * frames in timeline order; every per-frame stage cuts the same batches, so
 * batch b of one stage reads batch b of the stages before it.
 */
import { sampleCount } from '../../cv/extract.ts';

export const SEGMENT_SECONDS = 60;
export const BATCH_FRAMES = 24;

/** A pick as a job runs it: the asset's input key and content identity, its range and where it starts on the timeline. */
export interface PickSource {
  assetId: string;
  key: string;
  /** Changes when the asset's bytes do (its key, size and modification time). */
  content: string;
  start: number;
  end: number;
  /** Seconds from the timeline's start to this pick's start. */
  offset: number;
}

/** One extract_frames item: seconds [start, end) of a pick's source. */
export interface SegmentSpec {
  pick: number;
  start: number;
  end: number;
  /** Timeline seconds of its first frame. */
  t0: number;
  /** Frames it should give (the source may end a frame short). */
  expected: number;
  /** Storage prefix of its cached frames (`<prefix><k>.jpg`, `<prefix>manifest.json`). */
  prefix: string;
}

/** A cached segment as extraction left it, numbered into the timeline. */
export interface CachedSegment {
  prefix: string;
  count: number;
  /** The timeline seq of its frame 0. */
  seqBase: number;
  t0: number;
}

/** Frames [from, to) of a cached segment. */
export interface FrameSpan {
  prefix: string;
  from: number;
  to: number;
  seqBase: number;
  t0: number;
}

/** One frame of a batch: its timeline seq and time, and its cached image. */
export interface FrameAt {
  seq: number;
  t: number;
  key: string;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** The cache folder of a segment: what it depends on, hashed. */
export const segmentPrefix = (
  timelineId: string,
  content: string,
  start: number,
  end: number,
  extract: { fps: number; width: number; jpegQuality: number },
) => {
  const id = new Bun.CryptoHasher('sha256')
    .update(JSON.stringify([content, start, end, extract.fps, extract.width, extract.jpegQuality]))
    .digest('hex')
    .slice(0, 24);
  return `${frameCachePrefix(timelineId)}frames/${id}/`;
};

/** Each pick cut into segments of at most SEGMENT_SECONDS. */
export const planSegments = (timelineId: string, picks: readonly PickSource[], extract: { fps: number; width: number; jpegQuality: number }): SegmentSpec[] => {
  const out: SegmentSpec[] = [];
  picks.forEach((p, pick) => {
    for (let start = p.start; start < p.end - 1e-9; start = round(start + SEGMENT_SECONDS)) {
      const end = Math.min(p.end, round(start + SEGMENT_SECONDS));
      const expected = sampleCount(start, end, extract.fps);
      if (expected === 0) continue;
      out.push({ pick, start, end, t0: round(p.offset + (start - p.start)), expected, prefix: segmentPrefix(timelineId, p.content, start, end, extract) });
    }
  });
  return out;
};

/** Numbers extracted segments into one timeline, in order. */
export const numberSegments = (segments: readonly { prefix: string; count: number; t0: number }[]): CachedSegment[] => {
  let seq = 0;
  return segments.map((s) => {
    const c = { prefix: s.prefix, count: s.count, seqBase: seq, t0: s.t0 };
    seq += s.count;
    return c;
  });
};

/** The timeline's frames in batches of `size`, each a list of spans over the segments. */
export const batchesOf = (segments: readonly CachedSegment[], size = BATCH_FRAMES): FrameSpan[][] => {
  const out: FrameSpan[][] = [];
  let cur: FrameSpan[] = [];
  let n = 0;
  for (const s of segments) {
    let from = 0;
    while (from < s.count) {
      const take = Math.min(size - n, s.count - from);
      cur.push({ prefix: s.prefix, from, to: from + take, seqBase: s.seqBase, t0: s.t0 });
      n += take;
      from += take;
      if (n === size) {
        out.push(cur);
        cur = [];
        n = 0;
      }
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
};

/** The frames of a batch. */
export const framesOf = (spans: readonly FrameSpan[], fps: number): FrameAt[] =>
  spans.flatMap((s) =>
    Array.from({ length: s.to - s.from }, (_, i) => s.from + i).map((k) => ({ seq: s.seqBase + k, t: round(s.t0 + k / fps), key: `${s.prefix}${k}.jpg` })),
  );

/** The frame just before a batch (for stages that compare with it), or null for the first. */
export const frameBefore = (segments: readonly CachedSegment[], spans: readonly FrameSpan[], fps: number): FrameAt | null => {
  const first = spans[0];
  if (!first) return null;
  if (first.from > 0) return { seq: first.seqBase + first.from - 1, t: round(first.t0 + (first.from - 1) / fps), key: `${first.prefix}${first.from - 1}.jpg` };
  const i = segments.findIndex((s) => s.prefix === first.prefix && s.seqBase === first.seqBase);
  const prev = i > 0 ? segments[i - 1] : undefined;
  if (!prev || prev.count === 0) return null;
  const k = prev.count - 1;
  return { seq: prev.seqBase + k, t: round(prev.t0 + k / fps), key: `${prev.prefix}${k}.jpg` };
};

/** The output-store folder of a timeline's frame cache (frames, crops of later stages stay with their jobs). */
export const frameCachePrefix = (timelineId: string): string => `detect/timelines/${timelineId}/`;

/** The output-store folder of a detect job's working outputs: every attempt's (what clearing a job removes), or one attempt's. */
export const jobPrefix = (jobId: string, attempt?: number): string => `detect/jobs/${jobId}/${attempt === undefined ? '' : `a${attempt}/`}`;

/** Where a job's per-batch stage output goes. */
export const itemKey = (jobId: string, attempt: number, stage: string, batch: number) => `${jobPrefix(jobId, attempt)}${stage}/${batch}.json`;
