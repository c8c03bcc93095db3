import { For, Show, createSignal } from 'solid-js';
import { ErrorNote, Empty, Loading } from '../components/bits.tsx';
import { bitrate } from '../format.ts';
import type { PresetDraft, PresetsStore } from '../stores/presets.ts';
import type { Preset } from '../types.ts';
import { blankDraft, draftOf, duplicateOf } from './preset-draft.ts';
import { PresetForm } from './preset-form.tsx';

export const PresetsView = (p: { store: PresetsStore }) => {
  const s = p.store;
  const [draft, setDraft] = createSignal<PresetDraft | null>(null);
  const [isNew, setIsNew] = createSignal(true);
  const edit = (x: Preset) => {
    s.clearFormError();
    setIsNew(false);
    setDraft(draftOf(x));
  };
  const create = (from?: Preset) => {
    s.clearFormError();
    setIsNew(true);
    setDraft(from ? duplicateOf(from) : blankDraft());
  };
  return (
    <section class="page">
      <div class="page-head">
        <h1>Presets</h1>
        <span class="muted">{s.items().length} presets</span>
        <div class="spacer" />
        <button type="button" class="btn primary" data-testid="new-preset" onClick={() => create()}>
          New preset
        </button>
      </div>
      <ErrorNote message={s.error()} onDismiss={s.clearError} />
      <div class="grid-2">
        <div class="col">
          <Show when={s.loaded()} fallback={<Loading />}>
            <Show when={s.items().length > 0} fallback={<Empty>No presets.</Empty>}>
              <PresetTable store={s} selected={isNew() ? null : (draft()?.id ?? null)} onEdit={edit} onDuplicate={create} />
            </Show>
          </Show>
        </div>
        <div class="col">
          <Show when={draft()} fallback={<Empty>Choose a preset to edit, duplicate a built-in one, or create a new one.</Empty>}>
            {(d) => <PresetForm draft={d()} isNew={isNew()} store={s} onChange={setDraft} onDone={() => setDraft(null)} />}
          </Show>
        </div>
      </div>
    </section>
  );
};

/** `selected`: the id of the preset being edited (not one being duplicated), whose row is highlighted. */
const PresetTable = (p: { store: PresetsStore; selected: string | null; onEdit: (x: Preset) => void; onDuplicate: (x: Preset) => void }) => (
  <table class="table stack">
    <thead>
      <tr>
        <th>Preset</th>
        <th>Output</th>
        <th>Rungs</th>
        <th>Audio</th>
        <th />
      </tr>
    </thead>
    <tbody>
      <For each={p.store.items()}>
        {(x) => (
          <PresetRow
            preset={x}
            selected={p.selected === x.id}
            onEdit={() => p.onEdit(x)}
            onDuplicate={() => p.onDuplicate(x)}
            onDelete={() => {
              if (confirm(`Delete the preset “${x.name}”?`)) void p.store.remove(x.id);
            }}
          />
        )}
      </For>
    </tbody>
  </table>
);

/** Built-in presets are read-only: they offer Duplicate where the others offer Edit and Delete. */
const PresetRow = (p: { preset: Preset; selected: boolean; onEdit: () => void; onDuplicate: () => void; onDelete: () => void }) => {
  const x = () => p.preset;
  return (
    <tr data-testid="preset-row" data-id={x().id} class={p.selected ? 'selected' : ''}>
      <td class="preset-cell">
        <div>
          <b>{x().name}</b>{' '}
          <Show when={x().builtin}>
            <span class="badge badge-builtin" title="Built-in presets are read-only">
              built-in
            </span>
          </Show>
        </div>
        <div class="small muted mono">{x().id}</div>
        <div class="small muted">{x().description}</div>
      </td>
      <td data-label="Output">{x().output}</td>
      <td class="small" data-label="Rungs">
        {x()
          .video?.rungs.map((r) => r.name || `${r.height}p`)
          .join(' · ') ?? '—'}
      </td>
      <td class="small" data-label="Audio">
        {x().audio ? bitrate(x().audio!.bitrate) : '—'}
      </td>
      <td class="actions">
        <Show
          when={!x().builtin}
          fallback={
            <button type="button" class="btn small ghost" onClick={() => p.onDuplicate()}>
              Duplicate
            </button>
          }
        >
          <button type="button" class="btn small" onClick={() => p.onEdit()}>
            Edit
          </button>
          <button type="button" class="btn small ghost danger" onClick={() => p.onDelete()}>
            Delete
          </button>
        </Show>
      </td>
    </tr>
  );
};
