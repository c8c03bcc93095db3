/**
 * The preset form's grid of inputs, one component per section of a preset.
 * Each input carries `data-field` (its path in the preset, as the server's
 * messages name it) and is marked from the store's issues (preset-marks.ts).
 */
import { For } from 'solid-js';
import { FieldError } from '../components/bits.tsx';
import type { PresetDraft } from '../stores/presets.ts';
import type { PresetOutput } from '../../../src/types/api.ts';
import { numberOf, withOutput, type AudioDraft, type ThumbnailsDraft, type VideoDraft } from './preset-draft.ts';
import type { FieldMarks } from './preset-marks.ts';

const X264_PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'] as const;

const THUMB_FIELDS = [
  ['width', 'Thumbnail width (px)'],
  ['columns', 'Sprite columns'],
  ['rows', 'Sprite rows'],
  ['maxCount', 'Max thumbnails'],
] as const;

/** Id, name, description, output and segment length: the fields every preset has. */
export const GeneralFields = (p: { draft: PresetDraft; isNew: boolean; marks: FieldMarks; onChange: (d: PresetDraft) => void }) => {
  const { bad, msg } = p.marks;
  const set = (patch: Partial<PresetDraft>) => p.onChange({ ...p.draft, ...patch });
  return (
    <>
      <label classList={{ invalid: bad('id') }}>
        Id
        <input value={p.draft.id} disabled={!p.isNew} onInput={(e) => set({ id: e.currentTarget.value })} data-field="id" placeholder="my-preset" />
        <FieldError for="id" message={msg('id')} />
      </label>
      <label classList={{ invalid: bad('name') }}>
        Name
        <input value={p.draft.name} onInput={(e) => set({ name: e.currentTarget.value })} data-field="name" />
        <FieldError for="name" message={msg('name')} />
      </label>
      <label class="span-2" classList={{ invalid: bad('description') }}>
        Description
        <input value={p.draft.description} onInput={(e) => set({ description: e.currentTarget.value })} data-field="description" />
        <FieldError for="description" message={msg('description')} />
      </label>
      <label classList={{ invalid: bad('output') }}>
        Output
        <select value={p.draft.output} onChange={(e) => p.onChange(withOutput(p.draft, e.currentTarget.value as PresetOutput))} data-field="output">
          <option value="hls">hls</option>
          <option value="mp4">mp4</option>
          <option value="audio">audio</option>
          <option value="thumbnails">thumbnails</option>
        </select>
        <FieldError for="output" message={msg('output')} />
      </label>
      <label classList={{ invalid: bad('segmentSeconds') }}>
        Segment seconds
        <input
          type="number"
          step="any"
          value={p.draft.segmentSeconds}
          onInput={(e) => set({ segmentSeconds: numberOf(e.currentTarget.value) })}
          data-field="segmentSeconds"
        />
        <FieldError for="segmentSeconds" message={msg('segmentSeconds')} />
      </label>
    </>
  );
};

/** Encoder preset and frame-rate cap; the section's own message sits under the first. */
export const VideoFields = (p: { video: VideoDraft; marks: FieldMarks; onChange: (v: VideoDraft) => void }) => {
  const { bad, whole, msg } = p.marks;
  return (
    <>
      <label classList={{ invalid: bad('video.encoderPreset') || whole('video') }}>
        Encoder preset
        <select
          value={p.video.encoderPreset}
          onChange={(e) => p.onChange({ ...p.video, encoderPreset: e.currentTarget.value })}
          data-field="video.encoderPreset"
        >
          <For each={X264_PRESETS}>{(x) => <option value={x}>{x}</option>}</For>
        </select>
        <FieldError for="video.encoderPreset" message={msg('video.encoderPreset')} />
        <FieldError for="video" message={msg('video')} />
      </label>
      <label classList={{ invalid: bad('video.maxFps') }}>
        Max fps
        <input
          type="number"
          step="any"
          value={p.video.maxFps}
          onInput={(e) => p.onChange({ ...p.video, maxFps: numberOf(e.currentTarget.value) })}
          data-field="video.maxFps"
        />
        <FieldError for="video.maxFps" message={msg('video.maxFps')} />
      </label>
    </>
  );
};

/** Bitrate, channels and sample rate; the section's own message sits under the bitrate. */
export const AudioFields = (p: { audio: AudioDraft; marks: FieldMarks; onChange: (a: AudioDraft) => void }) => {
  const { bad, whole, msg } = p.marks;
  return (
    <>
      <label classList={{ invalid: bad('audio.bitrate') || whole('audio') }}>
        Audio bitrate (b/s)
        <input
          type="number"
          value={p.audio.bitrate}
          onInput={(e) => p.onChange({ ...p.audio, bitrate: numberOf(e.currentTarget.value) })}
          data-field="audio.bitrate"
        />
        <FieldError for="audio.bitrate" message={msg('audio.bitrate')} />
        <FieldError for="audio" message={msg('audio')} />
      </label>
      <label classList={{ invalid: bad('audio.channels') }}>
        Audio channels
        <select
          value={String(p.audio.channels)}
          onChange={(e) => p.onChange({ ...p.audio, channels: Number(e.currentTarget.value) })}
          data-field="audio.channels"
        >
          <option value="1">1 (mono)</option>
          <option value="2">2 (stereo)</option>
        </select>
        <FieldError for="audio.channels" message={msg('audio.channels')} />
      </label>
      <label classList={{ invalid: bad('audio.sampleRate') }}>
        Sample rate (Hz)
        <select
          value={String(p.audio.sampleRate)}
          onChange={(e) => p.onChange({ ...p.audio, sampleRate: Number(e.currentTarget.value) })}
          data-field="audio.sampleRate"
        >
          <option value="44100">44100</option>
          <option value="48000">48000</option>
        </select>
        <FieldError for="audio.sampleRate" message={msg('audio.sampleRate')} />
      </label>
    </>
  );
};

/** The sprite sheet: interval (with the section's own message), tile width, grid and cap. */
export const ThumbnailFields = (p: { thumbnails: ThumbnailsDraft; marks: FieldMarks; onChange: (t: ThumbnailsDraft) => void }) => {
  const { bad, whole, msg } = p.marks;
  return (
    <>
      <label classList={{ invalid: bad('thumbnails.intervalSeconds') || whole('thumbnails') }}>
        Thumbnail interval (s)
        <input
          type="number"
          step="any"
          value={p.thumbnails.intervalSeconds}
          onInput={(e) => p.onChange({ ...p.thumbnails, intervalSeconds: numberOf(e.currentTarget.value) })}
          data-field="thumbnails.intervalSeconds"
        />
        <FieldError for="thumbnails.intervalSeconds" message={msg('thumbnails.intervalSeconds')} />
        <FieldError for="thumbnails" message={msg('thumbnails')} />
      </label>
      <For each={THUMB_FIELDS}>
        {([key, label]) => (
          <label classList={{ invalid: bad(`thumbnails.${key}`) }}>
            {label}
            <input
              type="number"
              value={p.thumbnails[key]}
              onInput={(e) => p.onChange({ ...p.thumbnails, [key]: numberOf(e.currentTarget.value) })}
              data-field={`thumbnails.${key}`}
            />
            <FieldError for={`thumbnails.${key}`} message={msg(`thumbnails.${key}`)} />
          </label>
        )}
      </For>
    </>
  );
};
