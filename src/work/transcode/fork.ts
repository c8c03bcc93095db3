/**
 * What a fork of a transcode reuses, branch by branch: the video rungs, the
 * thumbnails and the audio track each depend on their own settings, so a
 * fork that changes only the audio bitrate keeps every video chunk, and one
 * that changes only the thumbnail interval keeps the rungs and extracts the
 * thumbnails again (a decode, no encode). A recorded output that is no
 * longer in the output store (cancel and retry remove an attempt's files;
 * an MP4 join removes its parts) is made again, never promised.
 */
import type { Storage } from '../../storage/index.ts';
import type { TranscodeDeps } from './deps.ts';
import type { ForkChunk, ForkPlan } from '../../actors/replay.ts';
import { planTranscode, thumbnailsOf, thumbsInChunk, type ChunkResult, type TranscodeChunk, type VideoChunkSpec } from './plan.ts';
import type { TranscodeParams } from './params.ts';

/** The facts of the source that decide its pixels and samples (not its size or time, which only identify the file). */
const media = (p: TranscodeParams) => {
  const { size: _size, modifiedAt: _modifiedAt, ...facts } = p.source;
  return facts;
};

/** Pure: what decides each branch's bytes. Names and descriptions do not. */
export const branchSignatures = (p: TranscodeParams) => ({
  video: JSON.stringify([p.inputKey, media(p), p.preset.output, p.preset.video, p.preset.segmentSeconds, p.range ?? null]),
  thumbs: JSON.stringify([p.inputKey, media(p), p.preset.thumbnails, p.range ?? null]),
  audio: JSON.stringify([p.inputKey, p.source.audioStream, p.source.duration, p.preset.output, p.preset.audio, p.preset.segmentSeconds, p.range ?? null]),
  subtitles: JSON.stringify([p.inputKey, p.source.subtitles ?? [], p.source.duration, p.preset.output, p.range ?? null]),
});

type VideoResult = Extract<ChunkResult, { type: 'video' }>;

/** Every output key a recorded chunk result points at. */
export const resultKeys = (r: ChunkResult): string[] =>
  r.type === 'video'
    ? [...r.rungs.flatMap((x) => x.segments.map((s) => s.key)), ...r.thumbs]
    : r.type === 'audio'
      ? r.segments.map((s) => s.key)
      : r.type === 'subtitles'
        ? r.tracks.flatMap((t) => [t.playlistKey, ...t.segments.map((s) => s.key)])
        : [r.key];

const allThere = async (output: Storage, keys: string[]): Promise<boolean> => {
  for (const k of keys) if (!(await output.stat(k))) return false;
  return true;
};

export const planTranscodeFork = async (
  d: Pick<TranscodeDeps, 'output' | 'capacity'>,
  parent: { params: TranscodeParams; plan: TranscodeChunk[] | null; done: Record<string, unknown> },
  p: TranscodeParams,
): Promise<ForkPlan> => {
  const before = branchSignatures(parent.params);
  const after = branchSignatures(p);
  const old = (parent.plan ?? []).map((c) => ({ n: c.n, spec: c.spec, result: parent.done[String(c.n)] as ChunkResult | undefined }));
  const pool = await d.capacity();
  const fresh = planTranscode(p, pool.slots, pool.cores);
  const oldVideo = old.filter((c) => c.spec.type === 'video');
  // The parent's chunk layout stays when its video is still right (its
  // boundaries are whole segments of the same grid); otherwise the new plan's.
  const keepLayout = parent.plan !== null && before.video === after.video && oldVideo.length > 0;
  const plan: TranscodeChunk[] = [];
  const done: Record<string, unknown> = {};
  const chunks: ForkChunk[] = [];
  const videos = keepLayout ? oldVideo : fresh.filter((c) => c.spec.type === 'video').map((c) => ({ n: c.n, spec: c.spec, result: undefined }));
  for (const [i, c] of videos.entries()) {
    const spec = c.spec as VideoChunkSpec;
    const n = plan.length;
    const thumbs = thumbsInChunk(thumbnailsOf(p), spec, i === videos.length - 1);
    const r = c.result as VideoResult | undefined;
    const rungsThere =
      keepLayout &&
      r !== undefined &&
      (await allThere(
        d.output,
        r.rungs.flatMap((x) => x.segments.map((s) => s.key)),
      ));
    const thumbsSame = before.thumbs === after.thumbs && JSON.stringify(thumbs) === JSON.stringify(spec.thumbs);
    const thumbsThere = rungsThere && thumbsSame && (await allThere(d.output, r!.thumbs));
    const next: VideoChunkSpec = { ...spec, thumbs };
    if (rungsThere && (thumbsThere || thumbs === null)) {
      plan.push({ n, spec: next });
      done[String(n)] = { ...r!, thumbs: thumbs === null ? [] : r!.thumbs };
      chunks.push({ n, type: 'video', reused: thumbs === null ? ['video'] : ['video', 'thumbnails'], rerun: [] });
    } else if (rungsThere) {
      // Only the thumbnails run again: the chunk decodes its range and encodes nothing.
      plan.push({ n, spec: { ...next, reuseRungs: r!.rungs } });
      chunks.push({
        n,
        type: 'video',
        reused: ['video'],
        rerun: ['thumbnails'],
        why: thumbsSame ? 'its thumbnails are gone from the output store' : 'the thumbnail settings changed',
      });
    } else {
      plan.push({ n, spec: next });
      const why = !keepLayout
        ? parent.plan
          ? 'the video settings changed'
          : 'the parent had not planned yet'
        : r
          ? 'its files are gone from the output store'
          : 'it had not finished';
      chunks.push({ n, type: 'video', reused: [], rerun: thumbs ? ['video', 'thumbnails'] : ['video'], why });
    }
  }
  // The subtitle and audio chunks: each reused whole when its settings are the same and its files are all there.
  for (const kind of ['subtitles', 'audio'] as const) {
    const chunk = fresh.find((c) => c.spec.type === kind);
    if (!chunk) continue;
    const n = plan.length;
    plan.push({ n, spec: chunk.spec });
    const r = old.find((c) => (c.spec.type as string) === kind)?.result;
    const same = before[kind] === after[kind];
    if (same && r && (await allThere(d.output, resultKeys(r)))) {
      done[String(n)] = r;
      chunks.push({ n, type: kind, reused: [kind], rerun: [] });
    } else {
      chunks.push({
        n,
        type: kind,
        reused: [],
        rerun: [kind],
        why: !same ? `the ${kind} settings changed` : r ? 'its files are gone from the output store' : 'it had not finished',
      });
    }
  }
  return { plan, done, chunks };
};
