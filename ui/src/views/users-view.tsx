/** Users (admins): add one (a generated password shown once), change role, disable or enable, remove. */
import { createSignal, For, Show } from 'solid-js';
import { Empty, ErrorNote, Loading } from '../components/bits.tsx';
import { OneTimeSecret } from '../components/one-time-secret.tsx';
import { time } from '../format.ts';
import type { UsersStore } from '../stores/users.ts';
import type { Role, UserDto } from '../../../src/types/accounts.ts';
import { ConfirmRow } from '../components/confirm-row.tsx';

/** `me`: the admin's own id, whose row offers no change that could lock them out. */
export const UsersView = (p: { store: UsersStore; me: string | null }) => {
  const s = p.store;
  return (
    <section class="page">
      <div class="page-head">
        <h1>Users</h1>
        <span class="muted">{s.items().length} users</span>
      </div>
      <ErrorNote message={s.error()} onDismiss={s.clearError} />
      <Show when={s.created()}>
        {(u) => (
          <Show
            when={u().password}
            fallback={
              <div class="card" role="status" data-testid="user-added">
                {u().email} can log in with the password you chose.{' '}
                <button type="button" class="btn small ghost" onClick={s.dismissCreated}>
                  Done
                </button>
              </div>
            }
          >
            {(pw) => (
              <OneTimeSecret testid="new-user-password" value={pw()} onDone={s.dismissCreated}>
                A one-time password for <b>{u().email}</b>. Pass it on: they choose their own when they first log in.
              </OneTimeSecret>
            )}
          </Show>
        )}
      </Show>
      <NewUserForm store={s} />
      <Show when={s.loaded()} fallback={<Loading />}>
        <Show when={s.items().length > 0} fallback={<Empty>No users.</Empty>}>
          <table class="table stack">
            <thead>
              <tr>
                <th>Email</th>
                <th>Role</th>
                <th>Status</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              <For each={s.items()}>{(u) => <UserRow store={s} user={u} self={u.id === p.me} />}</For>
            </tbody>
          </table>
        </Show>
      </Show>
    </section>
  );
};

const NewUserForm = (p: { store: UsersStore }) => {
  const [email, setEmail] = createSignal('');
  const [role, setRole] = createSignal<Role>('member');
  const [password, setPassword] = createSignal('');
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (await p.store.add(email(), role(), password())) {
      setEmail('');
      setPassword('');
      setRole('member');
    }
  };
  return (
    <form class="card inline-form" data-testid="new-user-form" onSubmit={(e) => void submit(e)}>
      <label>
        Email
        <input type="email" data-testid="user-email" data-field="email" value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
      </label>
      <label>
        Role
        <select data-testid="user-role" data-field="role" value={role()} onChange={(e) => setRole(e.currentTarget.value as Role)}>
          <option value="member">member</option>
          <option value="admin">admin</option>
        </select>
      </label>
      <label>
        Password
        <input
          type="password"
          autocomplete="new-password"
          data-testid="user-password"
          data-field="password"
          placeholder="blank: a one-time one"
          value={password()}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </label>
      <button type="submit" class="btn primary" data-testid="add-user" disabled={p.store.saving()}>
        {p.store.saving() ? 'Adding…' : 'Add user'}
      </button>
      <ErrorNote message={p.store.formError()} />
    </form>
  );
};

const UserRow = (p: { store: UsersStore; user: UserDto; self: boolean }) => {
  const [confirming, setConfirming] = createSignal(false);
  const u = () => p.user;
  return (
    <>
      <tr data-testid="user-row" data-id={u().id} data-disabled={String(u().disabled)} class={u().disabled ? 'row-dim' : ''}>
        <td class="name" data-label="Email">
          {u().email}{' '}
          <Show when={p.self}>
            <span class="muted small">(you)</span>
          </Show>
        </td>
        <td data-label="Role">
          <select
            data-testid="user-role-select"
            value={u().role}
            disabled={p.self}
            title={p.self ? 'Another admin can change your role' : undefined}
            onChange={(e) => void p.store.setRole(u().id, e.currentTarget.value as Role)}
          >
            <option value="member">member</option>
            <option value="admin">admin</option>
          </select>
        </td>
        <td data-label="Status" data-testid="user-status">
          <span class={`badge badge-${u().disabled ? 'failed' : 'ready'}`}>{u().disabled ? 'disabled' : 'active'}</span>{' '}
          <Show when={u().mustChangePassword}>
            <span class="small muted">one-time password</span>
          </Show>
        </td>
        <td data-label="Created">{time(u().createdAt)}</td>
        <td class="actions">
          <Show when={!p.self}>
            <button type="button" class="btn small" data-testid="toggle-user" onClick={() => void p.store.setDisabled(u().id, !u().disabled)}>
              {u().disabled ? 'Enable' : 'Disable'}
            </button>
            <button type="button" class="btn small ghost danger" data-testid="remove-user" onClick={() => setConfirming(true)}>
              Remove
            </button>
          </Show>
        </td>
      </tr>
      <Show when={p.store.rowErrors()[u().id]}>
        <tr class="subrow">
          <td colSpan={5}>
            <ErrorNote message={p.store.rowErrors()[u().id]} onDismiss={() => p.store.dismissRowError(u().id)} />
          </td>
        </tr>
      </Show>
      <Show when={confirming()}>
        <ConfirmRow
          colSpan={5}
          action="Remove"
          keep="Keep"
          testId="confirm-remove"
          onConfirm={() => {
            setConfirming(false);
            void p.store.remove(u().id);
          }}
          onKeep={() => setConfirming(false)}
        >
          Remove <b>{u().email}</b>? Their sessions and API keys stop working.
        </ConfirmRow>
      </Show>
    </>
  );
};
