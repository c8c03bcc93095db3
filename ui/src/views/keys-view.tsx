/** API keys: the new-key form, the key just made (shown once), and the list with revoke. */
import { createSignal, For, Show } from 'solid-js';
import { Empty, ErrorNote, Loading } from '../components/bits.tsx';
import { OneTimeSecret } from '../components/one-time-secret.tsx';
import { time } from '../format.ts';
import type { KeysStore } from '../stores/keys.ts';
import type { ApiKeyDto, Scope } from '../../../src/types/accounts.ts';
import { ConfirmRow } from '../components/confirm-row.tsx';

const SCOPES: { scope: Scope; what: string }[] = [
  { scope: 'read', what: 'look: lists, jobs, events' },
  { scope: 'write', what: 'act: scan, start and cancel jobs, edit presets' },
  { scope: 'admin', what: 'everything, users included' },
];

/** A date input's day as the end of that day, local time, in ISO. */
const endOfDay = (day: string): string => new Date(`${day}T23:59:59`).toISOString();
const tomorrow = () => {
  const d = new Date(Date.now() + 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

export const KeysView = (p: { store: KeysStore; isAdmin: boolean }) => {
  const s = p.store;
  return (
    <section class="page">
      <div class="page-head">
        <h1>API keys</h1>
        <span class="muted">{s.items().length} keys</span>
      </div>
      <p class="muted small">
        A program sends a key as <span class="mono">Authorization: Bearer &lt;key&gt;</span>. It can do what its scopes allow, and never more than you can.
      </p>
      <ErrorNote message={s.error()} onDismiss={s.clearError} />
      <Show when={s.created()}>
        {(k) => (
          <OneTimeSecret testid="new-key" value={k().key} onDone={s.dismissCreated}>
            The key <b>{k().name}</b> ({k().scopes.join(', ')}). Copy it now.
          </OneTimeSecret>
        )}
      </Show>
      <NewKeyForm store={s} isAdmin={p.isAdmin} />
      <Show when={s.loaded()} fallback={<Loading />}>
        <Show when={s.items().length > 0} fallback={<Empty>No API keys yet.</Empty>}>
          <table class="table stack">
            <thead>
              <tr>
                <th>Name</th>
                <th>Scopes</th>
                <th>Key</th>
                <th>Created</th>
                <th>Expires</th>
                <th>Last used</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              <For each={s.items()}>{(k) => <KeyRow store={s} k={k} />}</For>
            </tbody>
          </table>
        </Show>
      </Show>
    </section>
  );
};

const NewKeyForm = (p: { store: KeysStore; isAdmin: boolean }) => {
  const [name, setName] = createSignal('');
  const [scopes, setScopes] = createSignal<Scope[]>(['read']);
  const [expires, setExpires] = createSignal('');
  const toggle = (scope: Scope, on: boolean) => setScopes((list) => (on ? [...list.filter((x) => x !== scope), scope] : list.filter((x) => x !== scope)));
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const ok = await p.store.create({ name: name(), scopes: scopes(), ...(expires() ? { expiresAt: endOfDay(expires()) } : {}) });
    if (ok) {
      setName('');
      setExpires('');
    }
  };
  return (
    <form class="card inline-form key-form" data-testid="new-key-form" onSubmit={(e) => void submit(e)}>
      <label>
        Name
        <input data-testid="key-name" data-field="name" placeholder="nightly ingest" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <For each={SCOPES.filter((x) => x.scope !== 'admin' || p.isAdmin)}>
        {(x) => (
          <label class="check" title={x.what}>
            <input
              type="checkbox"
              data-testid="key-scope"
              data-scope={x.scope}
              checked={scopes().includes(x.scope)}
              onChange={(e) => toggle(x.scope, e.currentTarget.checked)}
            />
            {x.scope}
          </label>
        )}
      </For>
      <label>
        Expires
        <input
          type="date"
          data-testid="key-expires"
          data-field="expiresAt"
          min={tomorrow()}
          value={expires()}
          onInput={(e) => setExpires(e.currentTarget.value)}
        />
      </label>
      <button type="submit" class="btn primary" data-testid="create-key" disabled={p.store.saving()}>
        {p.store.saving() ? 'Creating…' : 'Create key'}
      </button>
      <ErrorNote message={p.store.formError()} />
    </form>
  );
};

const KeyRow = (p: { store: KeysStore; k: ApiKeyDto }) => {
  const [confirming, setConfirming] = createSignal(false);
  const k = () => p.k;
  const expired = () => k().expiresAt !== null && Date.parse(k().expiresAt!) <= Date.now();
  return (
    <>
      <tr data-testid="key-row" data-id={k().id} data-revoked={String(k().revoked)} class={k().revoked || expired() ? 'row-dim' : ''}>
        <td class="name" data-label="Name">
          {k().name}
        </td>
        <td data-label="Scopes">{k().scopes.join(', ')}</td>
        <td class="mono small" data-label="Key">
          {k().prefix}…
        </td>
        <td data-label="Created">{time(k().createdAt)}</td>
        <td data-label="Expires">{k().expiresAt ? time(k().expiresAt) : 'never'}</td>
        <td data-label="Last used">{k().lastUsedAt ? time(k().lastUsedAt) : 'never'}</td>
        <td data-label="Status" data-testid="key-status">
          <span class={`badge badge-${k().revoked ? 'failed' : expired() ? 'cancelled' : 'ready'}`}>
            {k().revoked ? 'revoked' : expired() ? 'expired' : 'active'}
          </span>
        </td>
        <td class="actions">
          <Show when={!k().revoked}>
            <button type="button" class="btn small ghost danger" data-testid="revoke-key" onClick={() => setConfirming(true)}>
              Revoke
            </button>
          </Show>
        </td>
      </tr>
      <Show when={p.store.rowErrors()[k().id]}>
        <tr class="subrow">
          <td colSpan={8}>
            <ErrorNote message={p.store.rowErrors()[k().id]} onDismiss={() => p.store.dismissRowError(k().id)} />
          </td>
        </tr>
      </Show>
      <Show when={confirming() && !k().revoked}>
        <ConfirmRow
          colSpan={8}
          action="Revoke"
          keep="Keep it"
          testId="confirm-revoke"
          onConfirm={() => {
            setConfirming(false);
            void p.store.revoke(k().id);
          }}
          onKeep={() => setConfirming(false)}
        >
          Revoke <b>{k().name}</b>? Programs using it stop working at once.
        </ConfirmRow>
      </Show>
    </>
  );
};
