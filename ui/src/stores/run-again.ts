/**
 * "Run again" for a completed job whose outputs were deleted with its asset.
 * Running it again is a fork of the job from its first event with no
 * overrides (POST /api/jobs/:id/fork): the same params — asset, the preset's
 * settings as the job had them, the trim — planned afresh with nothing
 * reused, linked to the job it repeats. A new POST /api/jobs would take the
 * preset as it is now, and only for transcodes.
 *
 * It is offered once the source asset is known to be there (still, or again
 * after a rescan: an asset's id is its key's, so a rescan brings the same
 * one back); otherwise it says why it cannot.
 */
import { createSignal } from 'solid-js';
import { ApiError, type Api } from '../api.ts';
import { errorText } from '../format.ts';
import { sourceLabel } from '../names.ts';
import type { Asset, Job, StoredEvent } from '../types.ts';

export type RunAgainApi = Pick<Api, 'getAsset' | 'jobEvents' | 'forkJob'>;

/** Whether the job can run again: still finding out, yes, or why not. */
export type RunAgainSource = { state: 'checking' } | { state: 'ready' } | { state: 'blocked'; why: string };

/** Pure: a completed job whose outputs were deleted (older servers never say so). */
export const outputsGone = (j: Pick<Job, 'status' | 'outputsDeleted'>): boolean => j.status === 'COMPLETED' && !!j.outputsDeleted;

/** Pure: why a job cannot run from this asset, or null when it can. */
export const assetBlocker = (a: Pick<Asset, 'status' | 'reason' | 'key'>): string | null => {
  if (a.status === 'missing') return `Its source file ${a.key} is missing from the input store. Put it back and rescan the assets to run this job again.`;
  if (a.status === 'invalid') return `Its source file ${a.key} cannot be used${a.reason ? `: ${a.reason}` : ''}.`;
  return null;
};

/** Pure: why a job cannot run again when its asset is gone (404). */
export const assetGoneReason = (j: Pick<Job, 'sourceName' | 'sourceKey' | 'assetId'>): string =>
  `Its source asset ${sourceLabel(j)} was deleted with these outputs. Put ${j.sourceKey ?? 'the file'} back in the input store and rescan the assets to run this job again.`;

/** Pure: the log position of the job's first event (JobCreated or JobForked), or null when none is known. */
export const firstPosition = (events: readonly Pick<StoredEvent, 'stream' | 'position'>[], jobId: string): number | null => {
  const own = events.filter((e) => e.stream === `job:${jobId}`).map((e) => e.position);
  return own.length ? Math.min(...own) : null;
};

/**
 * The job's "run again": `check()` asks for its source asset, `run()` forks it
 * and hands the new job's id to `open`. `events` are the job's events as the
 * page has them (read from the server when it has none yet).
 */
export const createRunAgain = (api: RunAgainApi, job: () => Job, events: () => readonly StoredEvent[], open: (jobId: string) => void) => {
  const [source, setSource] = createSignal<RunAgainSource>({ state: 'checking' });
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  const check = async () => {
    const j = job();
    if (!j.assetId) return setSource({ state: 'ready' });
    try {
      const why = assetBlocker(await api.getAsset(j.assetId));
      setSource(why ? { state: 'blocked', why } : { state: 'ready' });
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return setSource({ state: 'blocked', why: assetGoneReason(j) });
      // Not known: offer it anyway, the server says if it cannot.
      setSource({ state: 'ready' });
      setError(errorText(e));
    }
  };

  const run = async () => {
    if (busy() || source().state !== 'ready') return;
    const id = job().id;
    setBusy(true);
    setError(null);
    try {
      const from = firstPosition(events(), id) ?? firstPosition((await api.jobEvents(id)).items, id);
      if (from === null) throw new Error(`Job ${id} has no events to run it again from.`);
      const r = await api.forkJob(id, { fromPosition: from });
      if (!('id' in r)) throw new Error('The server answered a preview instead of a new job.');
      open(r.id);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return { source, busy, error, check, run };
};

export type RunAgain = ReturnType<typeof createRunAgain>;
