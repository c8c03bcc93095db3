/**
 * The preset form's ladder: one table row per rung (name, height, bitrate),
 * with a row of its own under a rung for an issue about the whole rung.
 */
import { Index, Show } from 'solid-js';
import { FieldError } from '../components/bits.tsx';
import type { RungSpec as Rung } from '../../../src/types/api.ts';
import { numberOf, withAddedRung, withoutRung, withRung, type VideoDraft } from './preset-draft.ts';
import type { FieldMarks } from './preset-marks.ts';

export const RungsFieldset = (p: { video: VideoDraft; marks: FieldMarks; onChange: (v: VideoDraft) => void }) => (
  <fieldset classList={{ invalid: p.marks.whole('video.rungs') }}>
    <legend>Video rungs</legend>
    <FieldError for="video.rungs" message={p.marks.msg('video.rungs')} />
    <table class="table compact">
      <thead>
        <tr>
          <th>Name</th>
          <th>Height</th>
          <th>Bitrate (b/s)</th>
          <th />
        </tr>
      </thead>
      <tbody>
        <Index each={p.video.rungs}>
          {(r, i) => (
            <RungRow
              rung={r()}
              index={i}
              marks={p.marks}
              onChange={(patch) => p.onChange(withRung(p.video, i, patch))}
              onRemove={() => p.onChange(withoutRung(p.video, i))}
            />
          )}
        </Index>
      </tbody>
    </table>
    <button type="button" class="btn small" onClick={() => p.onChange(withAddedRung(p.video))}>
      Add rung
    </button>
  </fieldset>
);

const RungRow = (p: { rung: Rung; index: number; marks: FieldMarks; onChange: (patch: Partial<Rung>) => void; onRemove: () => void }) => {
  const { whole, cell, msg } = p.marks;
  // An <Index> row keeps its index, so the paths are fixed strings (and set once, as plain attributes).
  const row = `video.rungs[${p.index}]`;
  const name = `${row}.name`;
  const height = `${row}.height`;
  const videoBitrate = `${row}.videoBitrate`;
  return (
    <>
      <tr classList={{ invalid: whole(row) }}>
        <td classList={{ invalid: cell(name) }}>
          <input value={p.rung.name ?? ''} placeholder={`${p.rung.height}p`} onInput={(e) => p.onChange({ name: e.currentTarget.value })} data-field={name} />
          <FieldError for={name} message={msg(name)} />
        </td>
        <td classList={{ invalid: cell(height) }}>
          <input type="number" value={p.rung.height} onInput={(e) => p.onChange({ height: numberOf(e.currentTarget.value) })} data-field={height} />
          <FieldError for={height} message={msg(height)} />
        </td>
        <td classList={{ invalid: cell(videoBitrate) }}>
          <input
            type="number"
            value={p.rung.videoBitrate}
            onInput={(e) => p.onChange({ videoBitrate: numberOf(e.currentTarget.value) })}
            data-field={videoBitrate}
          />
          <FieldError for={videoBitrate} message={msg(videoBitrate)} />
        </td>
        <td>
          <button type="button" class="btn small ghost" title="Remove this rung" onClick={() => p.onRemove()}>
            ✕
          </button>
        </td>
      </tr>
      <Show when={msg(row)}>
        <tr class="field-error-row">
          <td colSpan={4}>
            <FieldError for={row} message={msg(row)} />
          </td>
        </tr>
      </Show>
    </>
  );
};
