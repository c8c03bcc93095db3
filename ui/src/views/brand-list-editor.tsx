/**
 * Brand lists: the lists, and the one open as a form: its name, its brands
 * (brand-rows.tsx), an import from a paste or a JSON/CSV file (replacing the
 * brands or adding to them), Save, and Delete after a question.
 */
import { createSignal, For, Show } from 'solid-js';
import { Empty, ErrorNote, FieldError, Loading } from '../components/bits.tsx';
import { ErrorAt } from '../components/error-at.tsx';
import { Pager } from '../components/pager.tsx';
import { time } from '../format.ts';
import type { BrandListsStore, ListDraft } from '../stores/brand-lists.ts';
import { BrandRows } from './brand-rows.tsx';
import { AskFirst } from './detect-setup-bits.tsx';
import '../detect-setup.css';

export const BrandListEditor = (p: { store: BrandListsStore }) => {
  const s = p.store;
  return (
    <section class="page detect-setup brand-list-editor">
      <div class="page-head">
        <h1>Brand lists</h1>
        <span class="muted">{s.total()} lists</span>
        <div class="spacer" />
        <button type="button" class="btn primary" data-testid="new-brand-list" onClick={() => s.newList()}>
          New brand list
        </button>
      </div>
      <p class="small muted">The brands a detection run looks for: each with the other spellings it goes by, and reference images of its logo.</p>
      <ErrorNote message={s.error()} />
      <Show when={s.loaded()} fallback={<Loading />}>
        <div class="brand-lists-grid">
          <div>
            <Show when={s.items().length > 0} fallback={<Empty>No brand lists yet.</Empty>}>
              <table class="table compact">
                <tbody>
                  <For each={s.items()}>
                    {(l) => (
                      <tr classList={{ selected: s.draft()?.id === l.id }} data-testid="brand-list-row" data-id={l.id}>
                        <td class="name">
                          <button type="button" class="link" onClick={() => void s.open(l.id)}>
                            {l.name}
                          </button>
                        </td>
                        <td class="num small muted">{l.brands.length} brands</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
              <Show when={s.total() > s.pageSize}>
                <Pager list={s} />
              </Show>
            </Show>
          </div>
          <Show
            when={s.draft()}
            fallback={
              <div>
                <ErrorAt testId="brand-list-error" message={s.formError()} />
                <Empty>{s.opening() ? 'Opening…' : 'Open a list, or make a new one.'}</Empty>
              </div>
            }
          >
            {(d) => <ListForm store={s} draft={d()} />}
          </Show>
        </div>
      </Show>
    </section>
  );
};

const ListForm = (p: { store: BrandListsStore; draft: ListDraft }) => {
  const s = p.store;
  const save = async (e: Event) => {
    e.preventDefault();
    await s.save();
  };
  return (
    <form class="card brand-list-form" onSubmit={save}>
      <div class="card-head">
        <h2>{p.draft.id ? 'Brand list' : 'New brand list'}</h2>
        <Show when={p.draft.id && s.savedAt()}>
          <span class="small muted">saved {time(s.savedAt())}</span>
        </Show>
        <span class="small muted">{p.draft.brands.length} brands</span>
      </div>
      <label classList={{ invalid: !!s.errors().name }}>
        Name
        <input value={p.draft.name} data-field="name" maxLength={200} placeholder="Cup sponsors" onInput={(e) => s.setName(e.currentTarget.value)} />
        <FieldError for="name" message={s.errors().name} />
      </label>
      <BrandRows store={s} brands={p.draft.brands} />
      <div class="row">
        <button type="button" class="btn small" data-testid="add-brand" onClick={() => s.addBrand()}>
          Add brand
        </button>
        <Show when={!p.draft.id}>
          <span class="small muted">Reference images can be added once the list is saved.</span>
        </Show>
      </div>
      <ImportBox store={s} />
      <ErrorAt testId="brand-list-error" message={s.formError()} />
      <div class="row">
        <button type="submit" class="btn primary" data-testid="save-brand-list" disabled={s.saving()}>
          {s.saving() ? 'Saving…' : p.draft.id ? 'Save' : 'Create list'}
        </button>
        <div class="spacer" />
        <Show when={p.draft.id}>
          <AskFirst label="Delete list" testId="delete-brand-list" action="Delete" confirmTestId="confirm-delete-brand-list" onConfirm={() => void s.remove()}>
            Delete “{p.draft.name}” and its {p.draft.brands.length} brands?
          </AskFirst>
        </Show>
      </div>
    </form>
  );
};

/** A paste or a .json/.csv file, added to the brands or replacing them. */
const ImportBox = (p: { store: BrandListsStore }) => {
  const [text, setText] = createSignal('');
  const [mode, setMode] = createSignal<'add' | 'replace'>('add');
  const run = () => {
    if (p.store.importText(text(), mode())) setText('');
  };
  return (
    <details class="import-box">
      <summary>Import brands (JSON or CSV)</summary>
      <p class="small muted">
        CSV: one brand a line, <span class="mono">name,alias1;alias2</span>. JSON:{' '}
        <span class="mono">
          [{'{'}"name": "…", "aliases": ["…"]{'}'}]
        </span>
        .
      </p>
      <label>
        <span class="sr-only">Brands to import</span>
        <textarea value={text()} onInput={(e) => setText(e.currentTarget.value)} data-testid="import-text" placeholder={'Zantora,ZNT;Zan\nKelvio'} />
      </label>
      <div class="row">
        <label class="btn small">
          Choose file…
          <input
            type="file"
            accept=".json,.csv,.txt,application/json,text/csv,text/plain"
            class="sr-only"
            data-testid="import-file"
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              e.currentTarget.value = '';
              if (file) setText(await file.text());
            }}
          />
        </label>
        <label>
          <span class="sr-only">Import mode</span>
          <select value={mode()} onChange={(e) => setMode(e.currentTarget.value as 'add' | 'replace')} data-testid="import-mode">
            <option value="add">add to the brands</option>
            <option value="replace">replace the brands</option>
          </select>
        </label>
        <button type="button" class="btn small" data-testid="import-brands" onClick={run}>
          Import
        </button>
      </div>
      <FieldError for="import" message={p.store.importError()} />
    </details>
  );
};
