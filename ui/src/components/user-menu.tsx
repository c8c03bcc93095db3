/** The top bar's account menu: who is logged in, their API keys, the users page (admins), logging out. */
import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import type { AuthStore } from '../stores/auth.ts';
import { ErrorNote } from './bits.tsx';

export const UserMenu = (p: { auth: AuthStore }) => {
  const [open, setOpen] = createSignal(false);
  const close = () => setOpen(false);
  let root: HTMLDivElement | undefined;
  onMount(() => {
    const outside = (e: MouseEvent) => {
      if (root && !root.contains(e.target as Node)) close();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close();
    };
    // A link followed (API keys, Users) closes the menu by changing the route.
    document.addEventListener('click', outside);
    document.addEventListener('keydown', onKey);
    window.addEventListener('hashchange', close);
    onCleanup(() => {
      document.removeEventListener('click', outside);
      document.removeEventListener('keydown', onKey);
      window.removeEventListener('hashchange', close);
    });
  });
  return (
    <div class="user-menu" ref={root}>
      <button
        type="button"
        class="btn ghost small user-menu-button"
        data-testid="user-menu"
        aria-haspopup="menu"
        aria-expanded={open()}
        title={p.auth.user()?.email}
        onClick={() => setOpen(!open())}
      >
        {p.auth.user()?.email}
      </button>
      <Show when={open()}>
        <div class="menu" role="menu" data-testid="user-menu-list">
          <div class="menu-head small muted">Logged in as {p.auth.user()?.role}</div>
          <a role="menuitem" href="#/keys" data-testid="menu-keys">
            API keys
          </a>
          <Show when={p.auth.isAdmin()}>
            <a role="menuitem" href="#/users" data-testid="menu-users">
              Users
            </a>
          </Show>
          <button type="button" role="menuitem" data-testid="logout" disabled={p.auth.busy()} onClick={() => void p.auth.logout()}>
            Log out
          </button>
          <button type="button" role="menuitem" data-testid="logout-all" disabled={p.auth.busy()} onClick={() => void p.auth.logout(true)}>
            Log out everywhere
          </button>
          <ErrorNote message={p.auth.error()} />
        </div>
      </Show>
    </div>
  );
};
