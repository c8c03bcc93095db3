/** Container: one job's store (its own SSE `?job=` stream), opened on mount and closed on leave. */
import { lazy, onCleanup, onMount } from 'solid-js';
import { useApp } from '../context.ts';
import { reopenWhenBack } from '../live-reopen.ts';
import { createJobDetailStore } from '../stores/job-detail.ts';

const JobView = lazy(() => import('../views/job-view.tsx').then((m) => ({ default: m.JobView })));

export const JobPage = (p: { id: string }) => {
  const { api, live } = useApp();
  const store = createJobDetailStore(api, p.id);
  onMount(() => void store.start());
  // The app-wide stream was suspended (server gone) and is back: this page's stream follows.
  reopenWhenBack(live.state, () => store.reopen());
  onCleanup(() => store.stop());
  return <JobView store={store} />;
};
