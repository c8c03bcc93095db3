/** Container: presets live in the app-wide store (the transcode pickers use them too). */
import { lazy, onMount } from 'solid-js';
import { useApp } from '../context.ts';

const PresetsView = lazy(() => import('../views/presets-view.tsx').then((m) => ({ default: m.PresetsView })));

export const PresetsPage = () => {
  const { presets } = useApp();
  onMount(() => void presets.load());
  return <PresetsView store={presets} />;
};
