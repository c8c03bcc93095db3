/** Container: owns the API keys store and hands it to the lazily loaded view. */
import { lazy, onMount } from 'solid-js';
import { useApp } from '../context.ts';
import { createKeysStore } from '../stores/keys.ts';

const KeysView = lazy(() => import('../views/keys-view.tsx').then((m) => ({ default: m.KeysView })));

export const KeysPage = () => {
  const { api, auth } = useApp();
  const store = createKeysStore(api);
  onMount(() => void store.load());
  return <KeysView store={store} isAdmin={auth.isAdmin()} />;
};
