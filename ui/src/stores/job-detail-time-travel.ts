/**
 * Time travel for the job detail store (job-detail.ts): the job's state as
 * it was at a scrubbed log position, and the fork request built from it.
 */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import { errorText } from '../format.ts';
import type { ForkSummary as ForkPreview, JobStateAt } from '../../../src/types/api.ts';
import type { Job } from '../types.ts';

export type TimeTravelApi = Pick<Api, 'jobStateAt' | 'forkJob'>;

export type ParsedOverrides = { ok: true; value: Record<string, unknown> | undefined } | { ok: false; message: string };

/** Parses the overrides textarea: empty → none; otherwise a JSON object. */
export const parseOverrides = (text: string): ParsedOverrides => {
  if (!text.trim()) return { ok: true, value: undefined };
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      return { ok: false, message: 'Overrides must be a JSON object, like {"presetId": "mp4-720p"}.' };
    return { ok: true, value: v as Record<string, unknown> };
  } catch (e) {
    return { ok: false, message: `Overrides are not valid JSON: ${e instanceof Error ? e.message : String(e)}.` };
  }
};

export const createTimeTravelStore = (api: TimeTravelApi, id: string) => {
  const [scrubbed, setScrubbed] = createSignal<number | null>(null);
  const [stateAt, setStateAt] = createSignal<JobStateAt | null>(null);
  const [stateError, setStateError] = createSignal<string | null>(null);

  let stateSeq = 0;
  const scrub = async (position: number) => {
    setScrubbed(position);
    const mine = ++stateSeq;
    try {
      const s = await api.jobStateAt(id, position);
      // Only the newest scrub's answer is shown, however the answers arrive.
      if (mine !== stateSeq) return;
      setStateAt(s);
      setStateError(null);
    } catch (e) {
      if (mine === stateSeq) setStateError(errorText(e));
    }
  };

  const fork = async (fromPosition: number, overrides: Record<string, unknown> | undefined, dryRun: boolean): Promise<Job | ForkPreview> =>
    api.forkJob(id, { fromPosition, overrides, dryRun });

  return { scrubbed, stateAt, stateError, scrub, fork, parseOverrides };
};
