/** Container: the timelines list, or one timeline in the builder (`new` for a new one). */
import { lazy, onMount, Show } from 'solid-js';
import { DetectNav } from '../components/detect-nav.tsx';
import { useApp } from '../context.ts';
import { createTimelineBuilderStore, createTimelineListStore } from '../stores/timeline-builder.ts';

const TimelineList = lazy(() => import('../views/timeline-list.tsx').then((m) => ({ default: m.TimelineList })));
const TimelineBuilder = lazy(() => import('../views/timeline-builder.tsx').then((m) => ({ default: m.TimelineBuilder })));

export const DetectTimelinesPage = () => {
  const { api } = useApp();
  const store = createTimelineListStore(api);
  onMount(() => void store.load());
  return (
    <>
      <DetectNav />
      <TimelineList store={store} />
    </>
  );
};

export const DetectTimelinePage = (p: { id: string }) => {
  const { api, go } = useApp();
  const store = createTimelineBuilderStore(api, p.id === 'new' ? null : p.id);
  onMount(() => void store.load());
  return (
    <>
      <DetectNav />
      <Show when={true}>
        <TimelineBuilder store={store} onSaved={(id) => id !== p.id && go({ name: 'detect-timeline', id })} />
      </Show>
    </>
  );
};
