/** Container: the workers and the dead-letter list, polling while the page is open. */
import { lazy, onCleanup, onMount } from 'solid-js';
import { useApp } from '../context.ts';
import { createDeadItemsStore } from '../stores/dead-items.ts';
import { createWorkersStore } from '../stores/workers.ts';

const WorkersView = lazy(() => import('../views/workers-view.tsx').then((m) => ({ default: m.WorkersView })));
const DeadItemsView = lazy(() => import('../views/dead-items-view.tsx').then((m) => ({ default: m.DeadItemsView })));

export const WorkersPage = () => {
  const { api, auth } = useApp();
  const store = createWorkersStore(api);
  const dead = createDeadItemsStore(api);
  onMount(() => {
    onCleanup(store.poll());
    onCleanup(dead.poll());
  });
  return (
    <>
      <WorkersView store={store} />
      <DeadItemsView store={dead} canAct={auth.isAdmin()} />
    </>
  );
};
