/**
 * The form that creates or edits one preset. It holds no draft of its own:
 * every edit goes up through onChange, and a refusal from the store marks
 * the inputs it names (preset-marks.ts).
 */
import { Show } from 'solid-js';
import { ErrorNote } from '../components/bits.tsx';
import type { PresetDraft, PresetsStore } from '../stores/presets.ts';
import { toSubmit } from './preset-draft.ts';
import { AudioFields, GeneralFields, ThumbnailFields, VideoFields } from './preset-fields.tsx';
import { fieldMarks } from './preset-marks.ts';
import { RungsFieldset } from './preset-rungs.tsx';

export interface PresetFormProps {
  draft: PresetDraft;
  isNew: boolean;
  store: PresetsStore;
  onChange: (d: PresetDraft) => void;
  onDone: () => void;
}

export const PresetForm = (p: PresetFormProps) => {
  const d = () => p.draft;
  const marks = fieldMarks(() => p.store.formError()?.issues ?? []);
  const set = (patch: Partial<PresetDraft>) => p.onChange({ ...d(), ...patch });
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await p.store.save(toSubmit(d()), p.isNew)) p.onDone();
  };
  return (
    <form class="card preset-form" onSubmit={submit} data-testid="preset-form" novalidate>
      <h2>{p.isNew ? 'New preset' : `Edit ${d().id}`}</h2>
      <ErrorNote message={p.store.formError()?.message} />
      <div class="form-grid">
        <GeneralFields draft={d()} isNew={p.isNew} marks={marks} onChange={p.onChange} />
        <Show when={d().video}>{(v) => <VideoFields video={v()} marks={marks} onChange={(video) => set({ video })} />}</Show>
        <Show when={d().audio}>{(a) => <AudioFields audio={a()} marks={marks} onChange={(audio) => set({ audio })} />}</Show>
        <Show when={d().thumbnails}>{(t) => <ThumbnailFields thumbnails={t()} marks={marks} onChange={(thumbnails) => set({ thumbnails })} />}</Show>
      </div>
      <Show when={d().video}>{(v) => <RungsFieldset video={v()} marks={marks} onChange={(video) => set({ video })} />}</Show>
      <div class="row">
        <button class="btn primary" type="submit" disabled={p.store.saving()} data-testid="save-preset">
          {p.store.saving() ? 'Saving…' : p.isNew ? 'Create' : 'Save'}
        </button>
        <button class="btn ghost" type="button" onClick={() => p.onDone()}>
          Cancel
        </button>
      </div>
    </form>
  );
};
