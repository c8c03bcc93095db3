/**
 * The transcode kind's own words at the edges (pure, apart from the
 * lookups it is given): a request names an asset and a preset, and the
 * asset's facts and a snapshot of the preset become the job's params; a
 * job's tags name them for lists; a result is shown as its outputs with
 * their URLs.
 */
import { NO_TAGS, type JobTags } from '../../actors/job-kind.ts';
import { AppError } from '../../errors.ts';
import type { JobResultView, TimeRange } from '../../types/api.ts';
import type { TranscodeDeps } from './deps.ts';
import type { TranscodeResult } from './package.ts';
import { sourceFromProbe, type TranscodeParams } from './params.ts';

/** `POST /api/jobs` for a transcode, in its own words (`kind` may be left out: transcode is the default kind). */
export interface TranscodeRequest {
  kind?: string;
  assetId: string;
  presetId: string;
  range?: TimeRange | null;
}

export const TRANSCODE_REQUEST_FIELDS = ['assetId', 'presetId', 'range'] as const satisfies readonly (keyof TranscodeRequest)[];

/** `{ assetId, presetId, range? }` → params (the kind's `validate` checks them next, like any other params). */
export const transcodeRequestParams = (d: Pick<TranscodeDeps, 'findAsset' | 'findPreset'>, req: Record<string, unknown>): Record<string, unknown> => {
  if (typeof req.assetId !== 'string' || !req.assetId) throw new AppError('validation', 'assetId: required');
  if (typeof req.presetId !== 'string' || !req.presetId) throw new AppError('validation', 'presetId: required');
  const asset = d.findAsset?.(req.assetId) ?? null;
  if (!asset) throw new AppError('not_found', `no asset ${req.assetId}`);
  if (asset.status === 'missing') {
    throw new AppError(
      'invalid_state',
      `asset ${asset.key} cannot be transcoded: its file is no longer in the input store (the last scan found it gone); put the file back and scan again`,
    );
  }
  if (asset.status !== 'ready' || !asset.probe)
    throw new AppError('invalid_state', `asset ${asset.key} is not transcodable: ${asset.reason ?? 'it is not ready'}`);
  const preset = d.findPreset?.(req.presetId) ?? null;
  if (!preset) throw new AppError('not_found', `no preset ${req.presetId}`);
  return {
    assetId: asset.id,
    inputKey: asset.key,
    presetId: preset.id,
    preset,
    // The file as it was probed: the job checks it is still the same before it starts.
    source: { ...sourceFromProbe(asset.probe, asset.verdict), size: asset.size, modifiedAt: asset.modifiedAt },
    ...(req.range !== undefined && req.range !== null ? { range: req.range } : {}),
  };
};

/** The asset and preset it works on and with; the preset's name wins over its id. */
export const transcodeTags = (p: TranscodeParams): JobTags => ({
  ...NO_TAGS,
  assetId: p.assetId ?? null,
  presetId: p.presetId ?? null,
  sourceKey: p.inputKey || null,
  presetName: p.preset?.name || p.presetId || null,
});

/**
 * Outputs and their URLs once the job completed; nothing before. The result itself stays behind them.
 * Typed as the API's JobResultView (a ResultView with the fields' shapes), so a change to
 * TranscodeResult that breaks what clients read fails the type-check here.
 */
export const presentTranscode = (r: TranscodeResult | null, outputUrl: (key: string) => string): JobResultView => {
  if (!r) return { outputs: null, urls: null, renditions: [], result: null };
  const o = r.outputs;
  return {
    outputs: o,
    urls: {
      master: o.master && outputUrl(o.master),
      playlists: o.playlists.map(outputUrl),
      mp4: o.mp4.map(outputUrl),
      audio: o.audio && outputUrl(o.audio),
      sprites: o.sprites.map(outputUrl),
      thumbnailsVtt: o.thumbnailsVtt && outputUrl(o.thumbnailsVtt),
      thumbnailsJson: o.thumbnailsJson && outputUrl(o.thumbnailsJson),
      poster: o.poster && outputUrl(o.poster),
    },
    renditions: (r.renditions ?? []).map((x) => ({ ...x, url: outputUrl(x.key) })),
    result: null,
  };
};
