/**
 * What to call things on screen (pure, tested in names.test.ts): a job by
 * its source file and preset, an asset by its folder. Servers older than
 * these fields send only ids and keys, so each falls back to what is there.
 */
import type { TimeRange } from '../../src/types/api.ts';
import type { Asset, Job } from './types.ts';

/** The asset's folder ('' at the root), from the key when the server does not send it. */
export const folderOf = (a: Pick<Asset, 'key' | 'folder'>): string =>
  typeof a.folder === 'string' ? a.folder : a.key.includes('/') ? a.key.slice(0, a.key.lastIndexOf('/')) : '';

/** The source's file name, else the last part of its key, else the asset id. */
export const sourceLabel = (j: Pick<Job, 'sourceName' | 'sourceKey' | 'assetId'>): string =>
  j.sourceName || (j.sourceKey ? (j.sourceKey.split('/').at(-1) ?? j.sourceKey) : null) || j.assetId || '—';

/** The preset's name: from the job, else from the presets the UI has loaded, else its id. */
export const presetLabel = (j: Pick<Job, 'presetName' | 'presetId'>, presets: readonly { id: string; name: string }[] = []): string =>
  j.presetName || presets.find((p) => p.id === j.presetId)?.name || j.presetId || '—';

const isRange = (v: unknown): v is TimeRange =>
  typeof v === 'object' && v !== null && typeof (v as TimeRange).start === 'number' && typeof (v as TimeRange).end === 'number';

/** The job's trim: `range`, or (servers that do not send it yet) the one in its params; null for the whole source. */
export const rangeOf = (j: Pick<Job, 'range' | 'params'>): TimeRange | null => {
  if (j.range !== undefined) return isRange(j.range) ? j.range : null;
  const fromParams = (j.params as { range?: unknown } | null | undefined)?.range;
  return isRange(fromParams) ? fromParams : null;
};
