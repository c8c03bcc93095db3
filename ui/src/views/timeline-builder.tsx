/**
 * The timeline builder: pick sources, mark ranges on their filmstrips, order
 * the picks, name it and save. An existing timeline also shows its frame
 * cache (what runs extracted, per fps and size), which can be dropped, and
 * can be deleted; both ask first.
 */
import { createSignal, For, Show } from 'solid-js';
import { ErrorNote, FieldError, Loading } from '../components/bits.tsx';
import { ErrorAt } from '../components/error-at.tsx';
import { RowTable } from '../components/row-table.tsx';
import { bytes, time } from '../format.ts';
import type { TimelineBuilderStore } from '../stores/timeline-builder.ts';
import { AskFirst, ConfirmLine, TIMELINES_HREF } from './detect-setup-bits.tsx';
import { FilmstripView } from './filmstrip.tsx';
import { PickList } from './pick-list.tsx';
import { SourcePicker } from './source-picker.tsx';
import '../detect-setup.css';

export const TimelineBuilder = (p: { store: TimelineBuilderStore; onSaved: (id: string) => void }) => {
  const s = p.store;
  const save = async (e: Event) => {
    e.preventDefault();
    const id = await s.save();
    if (id) p.onSaved(id);
  };
  return (
    <section class="page detect-setup timeline-builder" data-testid="timeline-builder">
      <div class="page-head">
        <a href={TIMELINES_HREF} class="small">
          ← Timelines
        </a>
        <h1>{s.id() ? s.name() || 'Timeline' : 'New timeline'}</h1>
        <Show when={s.savedAt()}>
          <span class="small muted">saved {time(s.savedAt())}</span>
        </Show>
      </div>
      <Show when={!s.deleted()} fallback={<Deleted />}>
        <Show when={s.loaded()} fallback={<Loading />}>
          <ErrorAt testId="timeline-error" message={s.error()} onDismiss={s.dismissError} />
          <form class="card timeline-save" onSubmit={save}>
            <label class="timeline-name" classList={{ invalid: !!s.errors().name }}>
              <span>Name</span>
              <input
                data-testid="timeline-name"
                data-field="name"
                value={s.name()}
                maxLength={200}
                placeholder="Derby, first half"
                onInput={(e) => s.setName(e.currentTarget.value)}
              />
              <FieldError for="name" message={s.errors().name} />
            </label>
            <button type="submit" class="btn primary" data-testid="save-timeline" disabled={s.saving()}>
              {s.saving() ? 'Saving…' : s.id() ? 'Save' : 'Create timeline'}
            </button>
          </form>
          <div class="builder-grid">
            <SourcePicker store={s} />
            <div class="builder-main">
              <Show when={s.chosen().length > 0} fallback={<p class="empty">Choose a source on the left to see its filmstrip.</p>}>
                <For each={s.chosen()}>{(assetId) => <FilmstripView store={s} assetId={assetId} />}</For>
              </Show>
              <PickList store={s} />
              <Show when={s.id()}>
                <FrameCacheCard store={s} />
                <DeleteTimeline store={s} />
              </Show>
            </div>
          </div>
        </Show>
      </Show>
    </section>
  );
};

const Deleted = () => (
  <div class="empty" data-testid="timeline-deleted">
    Timeline deleted. <a href={TIMELINES_HREF}>Back to the timelines</a>
  </div>
);

const FrameCacheCard = (p: { store: TimelineBuilderStore }) => {
  const s = p.store;
  const [asking, setAsking] = createSignal(false);
  const frames = () => s.cache()?.frames ?? 0;
  return (
    <section class="card" aria-label="Frame cache" data-testid="frame-cache" data-frames={frames()}>
      <div class="card-head">
        <h2>Frame cache</h2>
        <span class="small muted">
          {frames()} frames · {bytes(s.cache()?.bytes ?? 0)}
        </span>
        <div class="spacer" />
        <button type="button" class="btn small ghost danger" data-testid="drop-cache" disabled={frames() === 0 || asking()} onClick={() => setAsking(true)}>
          Drop cache
        </button>
      </div>
      <Show when={asking()}>
        <ConfirmLine
          action="Drop it"
          testId="confirm-drop-cache"
          onConfirm={() => {
            setAsking(false);
            void s.dropCache();
          }}
          onKeep={() => setAsking(false)}
        >
          Drop {frames()} cached frames? The next run extracts them again.
        </ConfirmLine>
      </Show>
      <ErrorNote message={s.cacheError()} />
      <RowTable
        rows={s.cache()?.sets ?? []}
        class="table compact stack cache-sets"
        empty={<p class="small muted">Nothing cached: the next run extracts the frames it needs.</p>}
        head={
          <>
            <th>fps</th>
            <th>Size</th>
            <th class="num">Frames</th>
            <th class="num">Bytes</th>
          </>
        }
      >
        {(set) => (
          <tr data-testid="cache-set">
            <td data-label="fps">{set.fps}</td>
            <td data-label="Size">
              {set.width}×{set.height}
            </td>
            <td class="num" data-label="Frames">
              {set.frames}
            </td>
            <td class="num" data-label="Bytes">
              {bytes(set.bytes)}
            </td>
          </tr>
        )}
      </RowTable>
    </section>
  );
};

const DeleteTimeline = (p: { store: TimelineBuilderStore }) => (
  <div class="row">
    <AskFirst label="Delete timeline" testId="delete-timeline" action="Delete" confirmTestId="confirm-delete-timeline" onConfirm={() => void p.store.remove()}>
      Delete “{p.store.name()}”? This cannot be undone.
    </AskFirst>
  </div>
);
