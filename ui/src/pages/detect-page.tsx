/** Container: detection runs (the new-run form and the list). */
import { lazy, onMount } from 'solid-js';
import { DetectNav } from '../components/detect-nav.tsx';
import { useApp } from '../context.ts';
import { createDetectRunsStore } from '../stores/detect-runs.ts';

const DetectRunsView = lazy(() => import('../views/detect-runs-view.tsx').then((m) => ({ default: m.DetectRunsView })));

export const DetectPage = () => {
  const { api, go } = useApp();
  const store = createDetectRunsStore(api);
  onMount(() => void store.load());
  return (
    <>
      <DetectNav />
      <DetectRunsView store={store} onOpenRun={(id) => go({ name: 'detect-run', id })} />
    </>
  );
};
