/**
 * The preset form's draft and the edits made to it (pure, tested in
 * preset-draft.test.ts): every edit returns a new draft, so the form only
 * hands drafts up and the page holds the one being edited.
 */
import type { PresetOutput, RungSpec as Rung } from '../../../src/types/api.ts';
import type { Preset } from '../types.ts';
import type { PresetDraft } from '../stores/presets.ts';

export type VideoDraft = NonNullable<PresetDraft['video']>;
export type AudioDraft = NonNullable<PresetDraft['audio']>;
export type ThumbnailsDraft = NonNullable<PresetDraft['thumbnails']>;

export const blankDraft = (): PresetDraft => ({
  id: '',
  name: '',
  description: '',
  output: 'hls',
  video: {
    codec: 'h264',
    encoderPreset: 'veryfast',
    rungs: [
      { name: '360p', height: 360, videoBitrate: 800_000 },
      { name: '720p', height: 720, videoBitrate: 2_500_000 },
    ],
    maxFps: 60,
  },
  audio: { codec: 'aac', bitrate: 128_000, channels: 2, sampleRate: 48_000 },
  segmentSeconds: 6,
  thumbnails: { intervalSeconds: 2, width: 160, columns: 10, rows: 10, maxCount: 400 },
});

/** A deep copy, so editing the draft never touches the listed preset. */
export const draftOf = (p: Preset): PresetDraft => {
  const { builtin: _b, ...rest } = structuredClone(p);
  return rest;
};

/** A new preset that starts as a copy of `from` (how a built-in one is changed). */
export const duplicateOf = (from: Preset): PresetDraft => ({ ...draftOf(from), id: `${from.id}-copy`, name: `${from.name} (copy)` });

/** A number input's text; blank is NaN so the store refuses it instead of sending 0. */
export const numberOf = (v: string): number => (v.trim() === '' ? Number.NaN : Number(v));

/** A new output keeps the sections it still uses and fills in the ones it gains from the blank preset. */
export const withOutput = (d: PresetDraft, output: PresetOutput): PresetDraft => {
  const b = blankDraft();
  return {
    ...d,
    output,
    video: output === 'audio' ? null : (d.video ?? b.video),
    audio: output === 'thumbnails' ? null : (d.audio ?? b.audio),
    thumbnails: output === 'hls' || output === 'thumbnails' ? (d.thumbnails ?? b.thumbnails) : d.thumbnails,
  };
};

export const withRung = (v: VideoDraft, i: number, patch: Partial<Rung>): VideoDraft => ({
  ...v,
  rungs: v.rungs.map((r, j) => (j === i ? { ...r, ...patch } : r)),
});

export const withoutRung = (v: VideoDraft, i: number): VideoDraft => ({ ...v, rungs: v.rungs.filter((_, j) => j !== i) });

/** The next rung up: twice the last one's height and bitrate (360p at 800 kb/s when there is none). */
export const withAddedRung = (v: VideoDraft): VideoDraft => {
  const last = v.rungs.at(-1);
  const height = last ? last.height * 2 : 360;
  return { ...v, rungs: [...v.rungs, { name: `${height}p`, height, videoBitrate: last ? last.videoBitrate * 2 : 800_000 }] };
};

/** The body to send: a blank rung name is left out, so the server names the rung `${height}p`. */
export const toSubmit = (d: PresetDraft): PresetDraft => {
  const v = d.video;
  return v
    ? {
        ...d,
        video: {
          ...v,
          rungs: v.rungs.map((r) => (r.name.trim() === '' ? ({ height: r.height, videoBitrate: r.videoBitrate } as Rung) : { ...r, name: r.name.trim() })),
        },
      }
    : d;
};
