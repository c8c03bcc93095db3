/**
 * What a timeline is picked from: the ready video assets, each with the jobs
 * whose chunks cover spans of it (a transcode's time chunks), and a job's
 * chunks as ranges of its source with their thumbnails, ready to post as a
 * timeline's picks. Which chunks cover which span is the job kind's say
 * (`sourceSpan`), so this names no kind.
 */
import { type JobKinds, tagsOf } from '../../actors/job-kind.ts';
import { actorsOf } from '../../actors/registry.ts';
import type { Runtime } from '../../actors/runtime.ts';
import { AppError } from '../../errors.ts';
import type { Page } from '../../types/api.ts';
import type { Source, SourceAsset, SourceChunk, SourceChunks, SourceJobRow } from '../../types/detect-run.ts';

export type { Source, SourceAsset, SourceChunk, SourceChunks, SourceJobRow } from '../../types/detect-run.ts';

export interface SourcesReaders {
  /** Ready video assets, newest first. */
  assets(page: { limit: number; offset: number }): Page<SourceAsset>;
  /** The jobs made from an asset, newest first. */
  jobsOfAsset(assetId: string): SourceJobRow[];
}

export interface SourcesDeps {
  runtime: Runtime;
  kinds: JobKinds;
  readers: SourcesReaders;
  /** The URL of an output-store key. */
  outputUrl(key: string): string;
}

export const createSources = (d: SourcesDeps) => {
  const actors = actorsOf(d.runtime);
  const spans = (kind: string) => d.kinds.get(kind)?.sourceSpan;

  return {
    list(page: { limit: number; offset: number }): Page<Source> {
      const { items, total } = d.readers.assets(page);
      return { items: items.map((a) => ({ ...a, jobs: d.readers.jobsOfAsset(a.id).filter((j) => spans(j.kind)) })), total };
    },

    /** A job's chunks as spans of its source, in order. */
    async chunks(jobId: string): Promise<SourceChunks> {
      const { state } = await actors.job(jobId).load();
      if (state.status === 'none') throw new AppError('not_found', `no job ${jobId}`);
      const span = spans(state.kind);
      const assetId = tagsOf(d.kinds, state.kind, state.params).assetId;
      if (!span || !assetId) throw new AppError('not_found', `job ${jobId} (${state.kind}) has no chunks that are spans of a source`);
      const chunks: SourceChunk[] = [];
      for (const c of state.plan ?? []) {
        const result = state.done[String(c.n)];
        const s = span(c, result, state.params);
        if (!s) continue;
        chunks.push({
          n: c.n,
          start: s.start,
          end: s.end,
          done: result !== undefined,
          thumbs: s.thumbs.map(d.outputUrl),
          pick: { assetId, start: s.start, end: s.end },
        });
      }
      return { jobId, assetId, chunks: chunks.sort((a, b) => a.start - b.start) };
    },
  };
};

export type DetectSources = ReturnType<typeof createSources>;
