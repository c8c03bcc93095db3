/**
 * The parts of a user profile's form: its stages (added from the stages the
 * server knows, removed, reordered, extract_frames pinned first), its edges
 * ("from → to", with what flows), and each stage's settings as fields made
 * from the stage's JSON Schema.
 */
import { createEffect, createSignal, For, Index, Show } from 'solid-js';
import { FieldError } from '../components/bits.tsx';
import { canMoveStage, FIRST_STAGE, type Flow, type ProfileDraft } from '../profile-draft.ts';
import { SchemaField } from '../schema-fields.tsx';
import { fieldsOf, getPath, sameValue } from '../schema-form.ts';
import type { ProfilesStore } from '../stores/detect-profiles.ts';

export const StageList = (p: { store: ProfilesStore; draft: ProfileDraft }) => {
  const s = p.store;
  const [adding, setAdding] = createSignal('');
  const missing = () => s.stages().filter((x) => !p.draft.stages.includes(x.name));
  const pick = () => adding() || missing()[0]?.name || '';
  return (
    <fieldset classList={{ invalid: !!s.errors()['pipeline.stages'] }}>
      <legend>Stages</legend>
      <FieldError for="pipeline.stages" message={s.errors()['pipeline.stages']} />
      <ol class="stage-list">
        <Index each={p.draft.stages}>
          {(name, i) => {
            const info = () => s.stageInfo(name());
            const pinned = () => name() === FIRST_STAGE;
            return (
              <li class="stage-item" classList={{ unavailable: info()?.available === false }} data-testid="profile-stage" data-stage={name()}>
                <span class="stage-name" data-field={`pipeline.stages[${i}]`}>
                  {name()}
                </span>
                <Show when={info()?.available === false}>
                  <span class="small muted">not available yet: reports skipped</span>
                </Show>
                <Show when={!info()}>
                  <span class="small muted">unknown to this server</span>
                </Show>
                <span class="stage-actions">
                  <button
                    type="button"
                    class="btn small ghost"
                    disabled={!canMoveStage(p.draft, i, i - 1)}
                    onClick={() => s.moveStage(i, i - 1)}
                    aria-label={`Move ${name()} up`}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    class="btn small ghost"
                    disabled={!canMoveStage(p.draft, i, i + 1)}
                    onClick={() => s.moveStage(i, i + 1)}
                    aria-label={`Move ${name()} down`}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    class="btn small ghost danger"
                    disabled={pinned()}
                    title={pinned() ? 'Every other stage reads its frames' : undefined}
                    onClick={() => s.removeStage(i)}
                    aria-label={`Remove ${name()}`}
                  >
                    ✕
                  </button>
                </span>
              </li>
            );
          }}
        </Index>
      </ol>
      <Show when={missing().length > 0}>
        <div class="row">
          <label>
            <span class="sr-only">Stage to add</span>
            <select value={pick()} onChange={(e) => setAdding(e.currentTarget.value)} data-testid="add-stage-select">
              <For each={missing()}>
                {(x) => (
                  <option value={x.name}>
                    {x.name}
                    {x.available ? '' : ' (not available yet)'}
                  </option>
                )}
              </For>
            </select>
          </label>
          <button
            type="button"
            class="btn small"
            data-testid="add-stage"
            onClick={() => {
              if (pick()) s.addStage(pick());
              setAdding('');
            }}
          >
            Add stage
          </button>
        </div>
      </Show>
    </fieldset>
  );
};

export const EdgeList = (p: { store: ProfilesStore; draft: ProfileDraft }) => {
  const s = p.store;
  const err = (path: string) => s.errors()[path];
  return (
    <fieldset classList={{ invalid: !!err('pipeline.edges') }}>
      <legend>Edges (optional)</legend>
      <p class="small muted">
        Without edges the stages run in the order listed. An edge feeds one stage's output to another: <i>all</i> of it, or only what it left <i>unresolved</i>{' '}
        (escalation).
      </p>
      <FieldError for="pipeline.edges" message={err('pipeline.edges')} />
      <div class="edge-list">
        <Index each={p.draft.edges}>
          {(edge, i) => {
            const at = `pipeline.edges[${i}]`;
            return (
              <div class="edge-row" data-testid="profile-edge" data-index={i}>
                <label classList={{ invalid: !!err(`${at}.from`) }}>
                  <span class="sr-only">Edge {i + 1} from</span>
                  <select value={edge().from} data-field={`${at}.from`} onChange={(e) => s.setEdge(i, { from: e.currentTarget.value })}>
                    <For each={p.draft.stages}>{(x) => <option value={x}>{x}</option>}</For>
                  </select>
                </label>
                <span aria-hidden="true">→</span>
                <label classList={{ invalid: !!err(`${at}.to`) }}>
                  <span class="sr-only">Edge {i + 1} to</span>
                  <select value={edge().to} data-field={`${at}.to`} onChange={(e) => s.setEdge(i, { to: e.currentTarget.value })}>
                    <For each={p.draft.stages}>{(x) => <option value={x}>{x}</option>}</For>
                  </select>
                </label>
                <label>
                  <span class="sr-only">Edge {i + 1} carries</span>
                  <select value={edge().flow} data-field={`${at}.flow`} onChange={(e) => s.setEdge(i, { flow: e.currentTarget.value as Flow })}>
                    <option value="all">all</option>
                    <option value="unresolved">unresolved</option>
                  </select>
                </label>
                <button type="button" class="btn small ghost danger" onClick={() => s.removeEdge(i)} aria-label={`Remove edge ${i + 1}`}>
                  ✕
                </button>
                <FieldError for={at} message={err(at)} />
                <FieldError for={`${at}.from`} message={err(`${at}.from`)} />
                <FieldError for={`${at}.to`} message={err(`${at}.to`)} />
                <FieldError for={`${at}.flow`} message={err(`${at}.flow`)} />
              </div>
            );
          }}
        </Index>
      </div>
      <div class="row">
        <button type="button" class="btn small" data-testid="add-edge" disabled={p.draft.stages.length < 2} onClick={() => s.addEdge()}>
          Add edge
        </button>
      </div>
    </fieldset>
  );
};

export const StageSettings = (p: { store: ProfilesStore; draft: ProfileDraft; stage: string }) => {
  const s = p.store;
  const info = () => s.stageInfo(p.stage);
  const fields = () => fieldsOf(info()?.schema ?? {});
  const value = (key: string) => getPath(p.draft.values[p.stage] ?? {}, key);
  const changed = (key: string) => !sameValue(value(key), getPath(info()?.defaults ?? {}, key));
  const troubled = () => Object.keys(s.errors()).some((k) => k === `configs.${p.stage}` || k.startsWith(`configs.${p.stage}.`));
  const changes = () => fields().filter((f) => changed(f.key)).length;
  let box: HTMLDetailsElement | undefined;
  // Opened when it holds a message; never closed under the user's hands once the message goes.
  createEffect(() => {
    if (troubled() && box) box.open = true;
  });
  return (
    <Show when={fields().length > 0}>
      <details ref={box} class="stage-settings" classList={{ troubled: troubled() }} data-testid="stage-settings" data-stage={p.stage}>
        <summary>
          {p.stage}
          <span class="small muted"> · {changes() === 0 ? 'defaults' : `${changes()} changed`}</span>
        </summary>
        <p class="small muted">{info()?.description}</p>
        <FieldError for={`configs.${p.stage}`} message={s.errors()[`configs.${p.stage}`]} />
        <div class="settings-grid">
          <For each={fields()}>
            {(f) => (
              <SchemaField
                field={f}
                path={`configs.${p.stage}.${f.key}`}
                value={value(f.key)}
                error={s.errors()[`configs.${p.stage}.${f.key}`]}
                changed={changed(f.key)}
                onChange={(v) => s.setValue(p.stage, f.key, v)}
                onReset={() => s.resetValue(p.stage, f.key)}
              />
            )}
          </For>
        </div>
      </details>
    </Show>
  );
};
