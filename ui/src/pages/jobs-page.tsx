/** Container: the jobs store, fed by the shared live connection while the page is open. */
import { lazy, onCleanup, onMount } from 'solid-js';
import { useApp } from '../context.ts';
import { createJobsStore } from '../stores/jobs.ts';

const JobsView = lazy(() => import('../views/jobs-view.tsx').then((m) => ({ default: m.JobsView })));

export const JobsPage = () => {
  const { api, live } = useApp();
  const store = createJobsStore(api);
  onMount(() => {
    void store.load();
    const offLog = live.onLog(store.onLog);
    const offTel = live.onTelemetry(store.onTelemetry);
    // Back from a disconnect: whatever changed meanwhile is in the list again.
    let was = live.state();
    const poll = setInterval(() => {
      const now = live.state();
      if (now === 'open' && was !== 'open') void store.load();
      was = now;
    }, 1000);
    onCleanup(() => {
      offLog();
      offTel();
      clearInterval(poll);
    });
  });
  return <JobsView store={store} />;
};
