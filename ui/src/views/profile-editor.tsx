/**
 * Detection profiles: the list (built-ins first), and the one opened. A
 * built-in is shown read-only, to duplicate; a user profile is a form: its
 * description, stages, edges and settings, saved with only the settings that
 * differ from the defaults, or deleted after a question.
 */
import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { Empty, ErrorNote, FieldError, Loading } from '../components/bits.tsx';
import { ErrorAt } from '../components/error-at.tsx';
import type { ProfileDto } from '../detect-api.ts';
import { time } from '../format.ts';
import type { ProfileDraft } from '../profile-draft.ts';
import type { ProfilesStore } from '../stores/detect-profiles.ts';
import { AskFirst } from './detect-setup-bits.tsx';
import { EdgeList, StageList, StageSettings } from './profile-pipeline.tsx';
import '../detect-setup.css';

export const ProfileEditor = (p: { store: ProfilesStore }) => {
  const s = p.store;
  return (
    <section class="page detect-setup profile-editor">
      <div class="page-head">
        <h1>Profiles</h1>
        <span class="muted">{s.profiles().length} profiles</span>
      </div>
      <p class="small muted">
        A profile is the stages a detection run goes through and their settings. Built-in profiles are read-only: duplicate one to change the copy.
      </p>
      <ErrorNote message={s.error()} />
      <Show when={s.loaded()} fallback={<Loading />}>
        <div class="profiles-grid">
          <ProfileList store={s} />
          <Show when={s.current()} fallback={<Empty>Choose a profile.</Empty>}>
            {(cur) => <ProfilePanel store={s} profile={cur()} />}
          </Show>
        </div>
      </Show>
    </section>
  );
};

const ProfileList = (p: { store: ProfilesStore }) => (
  <div class="profile-list">
    <table class="table compact">
      <tbody>
        <For each={p.store.profiles()}>
          {(x) => (
            <tr
              classList={{ selected: p.store.selected() === x.name }}
              data-testid="profile-row"
              data-name={x.name}
              data-builtin={x.builtIn ? 'true' : 'false'}
            >
              <td class="name">
                <button type="button" class="link" onClick={() => p.store.open(x.name)} aria-current={p.store.selected() === x.name ? 'true' : undefined}>
                  {x.name}
                </button>
              </td>
              <td class="actions">
                <Show when={x.builtIn}>
                  <span class="badge badge-builtin">built-in</span>
                </Show>
              </td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
    <NewProfile store={p.store} />
  </div>
);

/** Asks a name, then makes the profile (a copy of `from`, or a new one). */
const NameForm = (p: {
  store: ProfilesStore;
  initial: string;
  action: string;
  testId: string;
  onDone: () => void;
  make: (name: string) => Promise<boolean>;
}) => {
  const [name, setName] = createSignal(p.initial);
  const [busy, setBusy] = createSignal(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const ok = await p.make(name());
    setBusy(false);
    if (ok) p.onDone();
  };
  return (
    <form class="inline-form" onSubmit={submit}>
      <label classList={{ invalid: !!p.store.copyError() }}>
        Name
        <input value={name()} data-testid={`${p.testId}-name`} data-field="name" onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <button type="submit" class="btn small primary" data-testid={`confirm-${p.testId}`} disabled={busy()}>
        {p.action}
      </button>
      <button
        type="button"
        class="btn small ghost"
        onClick={() => {
          p.store.clearCopyError();
          p.onDone();
        }}
      >
        Cancel
      </button>
      <FieldError for="name" message={p.store.copyError()} />
    </form>
  );
};

const NewProfile = (p: { store: ProfilesStore }) => {
  const [open, setOpen] = createSignal(false);
  return (
    <div class="row">
      <Show
        when={open()}
        fallback={
          <button type="button" class="btn small" data-testid="new-profile" onClick={() => setOpen(true)}>
            New profile
          </button>
        }
      >
        <NameForm store={p.store} initial="" action="Create" testId="create-profile" onDone={() => setOpen(false)} make={(n) => p.store.create(n)} />
      </Show>
    </div>
  );
};

const ProfilePanel = (p: { store: ProfilesStore; profile: ProfileDto }) => {
  const s = p.store;
  const [copying, setCopying] = createSignal(false);
  createEffect(
    on(
      () => p.profile.name,
      () => setCopying(false),
      { defer: true },
    ),
  );
  return (
    <div class="card profile-panel">
      <div class="card-head">
        <h2 class="mono">{p.profile.name}</h2>
        <Show when={p.profile.basedOn}>
          <span class="small muted">copy of {p.profile.basedOn}</span>
        </Show>
        <Show when={p.profile.updatedAt}>
          <span class="small muted">changed {time(p.profile.updatedAt)}</span>
        </Show>
        <div class="spacer" />
        <button type="button" class="btn small" data-testid="duplicate-profile" onClick={() => setCopying(true)} disabled={copying()}>
          Duplicate
        </button>
      </div>
      <Show when={copying()}>
        <NameForm
          store={s}
          initial={`${p.profile.name}_copy`.slice(0, 64)}
          action="Duplicate"
          testId="duplicate-profile"
          onDone={() => setCopying(false)}
          make={(n) => s.duplicate(p.profile.name, n)}
        />
      </Show>
      <Show when={s.draft()}>
        {(d) => (
          <Show when={!p.profile.builtIn} fallback={<ReadOnlyProfile store={s} profile={p.profile} />}>
            <ProfileForm store={s} draft={d()} />
          </Show>
        )}
      </Show>
    </div>
  );
};

const ReadOnlyProfile = (p: { store: ProfilesStore; profile: ProfileDto }) => (
  <div class="profile-readonly">
    <p>{p.profile.description || <span class="muted">No description.</span>}</p>
    <h2>Stages</h2>
    <ol class="stage-list">
      <For each={p.profile.pipeline.stages}>
        {(x) => (
          <li class="stage-item" classList={{ unavailable: p.store.stageInfo(x)?.available === false }} data-testid="profile-stage" data-stage={x}>
            <span class="stage-name">{x}</span>
            <Show when={p.store.stageInfo(x)?.available === false}>
              <span class="small muted">not available yet: reports skipped</span>
            </Show>
          </li>
        )}
      </For>
    </ol>
    <Show when={p.profile.pipeline.edges.length > 0}>
      <h2>Edges</h2>
      <ul class="small mono">
        <For each={p.profile.pipeline.edges}>
          {(e) => (
            <li>
              {e.from} → {e.to}
              {e.flow === 'unresolved' ? ' (unresolved)' : ''}
            </li>
          )}
        </For>
      </ul>
    </Show>
    <h2>Settings changed from the defaults</h2>
    <Show when={Object.keys(p.profile.configs).length > 0} fallback={<p class="small muted">None: every stage runs with its defaults.</p>}>
      <pre class="readonly-configs" data-testid="profile-configs">
        {JSON.stringify(p.profile.configs, null, 2)}
      </pre>
    </Show>
  </div>
);

const ProfileForm = (p: { store: ProfilesStore; draft: ProfileDraft }) => {
  const s = p.store;
  const save = async (e: Event) => {
    e.preventDefault();
    await s.save();
  };
  return (
    <form class="profile-form" data-testid="profile-form" onSubmit={save}>
      <label classList={{ invalid: !!s.errors().description }}>
        Description
        <input value={p.draft.description} maxLength={500} data-field="description" onInput={(e) => s.setDescription(e.currentTarget.value)} />
        <FieldError for="description" message={s.errors().description} />
      </label>
      <StageList store={s} draft={p.draft} />
      <EdgeList store={s} draft={p.draft} />
      <div class="stage-settings-list">
        <h2>Settings</h2>
        <For each={p.draft.stages}>{(stage) => <StageSettings store={s} draft={p.draft} stage={stage} />}</For>
      </div>
      <ErrorAt testId="profile-error" message={s.formError()} />
      <div class="row">
        <button type="submit" class="btn primary" data-testid="save-profile" disabled={s.saving()}>
          {s.saving() ? 'Saving…' : 'Save'}
        </button>
        <Show when={s.dirty()}>
          <span class="small muted">unsaved changes</span>
        </Show>
        <div class="spacer" />
        <AskFirst label="Delete" testId="delete-profile" action="Delete" confirmTestId="confirm-delete-profile" onConfirm={() => void s.remove()}>
          Delete the profile {p.draft.name}?
        </AskFirst>
      </div>
    </form>
  );
};
