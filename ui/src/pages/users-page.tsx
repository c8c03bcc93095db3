/** Container: the users store for admins; anyone else is told the page is not theirs (the server refuses them anyway). */
import { lazy, onMount, Show } from 'solid-js';
import { Empty } from '../components/bits.tsx';
import { useApp } from '../context.ts';
import { createUsersStore } from '../stores/users.ts';

const UsersView = lazy(() => import('../views/users-view.tsx').then((m) => ({ default: m.UsersView })));

export const UsersPage = () => {
  const { api, auth } = useApp();
  const store = createUsersStore(api);
  onMount(() => {
    if (auth.isAdmin()) void store.load();
  });
  return (
    <Show when={auth.isAdmin()} fallback={<Empty>Only admins manage users.</Empty>}>
      <UsersView store={store} me={auth.user()?.id ?? null} />
    </Show>
  );
};
