/** Container: the workers store, polling while the page is open. */
import { lazy, onCleanup, onMount } from 'solid-js';
import { useApp } from '../context.ts';
import { createWorkersStore } from '../stores/workers.ts';

const WorkersView = lazy(() => import('../views/workers-view.tsx').then((m) => ({ default: m.WorkersView })));

export const WorkersPage = () => {
  const { api } = useApp();
  const store = createWorkersStore(api);
  onMount(() => onCleanup(store.poll()));
  return <WorkersView store={store} />;
};
