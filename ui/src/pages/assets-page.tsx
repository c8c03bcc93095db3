/** Container: owns the assets store and hands it to the lazily loaded view. */
import { lazy, onMount } from 'solid-js';
import { useApp } from '../context.ts';
import { createAssetsStore } from '../stores/assets.ts';

const AssetsView = lazy(() => import('../views/assets-view.tsx').then((m) => ({ default: m.AssetsView })));

export const AssetsPage = () => {
  const { api } = useApp();
  const store = createAssetsStore(api);
  onMount(() => void store.load());
  return <AssetsView store={store} />;
};
