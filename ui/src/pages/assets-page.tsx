/**
 * Container: owns the assets store and hands it to the lazily loaded view,
 * with the uploads store, which outlives the page (one per user, made on
 * first visit) so uploads go on while other pages are open.
 */
import { lazy, onCleanup, onMount } from 'solid-js';
import type { Api } from '../api.ts';
import { useApp } from '../context.ts';
import { createAssetsStore } from '../stores/assets.ts';
import { createUploadsStore, type UploadsStore } from '../stores/uploads.ts';
import { browserResumeStore } from '../uploads/resume-store.ts';

const AssetsView = lazy(() => import('../views/assets-view.tsx').then((m) => ({ default: m.AssetsView })));

const uploadsByUser = new WeakMap<Api, Map<string, UploadsStore>>();
const uploadsFor = (api: Api, userId: string): UploadsStore => {
  const mine = uploadsByUser.get(api) ?? new Map<string, UploadsStore>();
  uploadsByUser.set(api, mine);
  let s = mine.get(userId);
  if (!s) {
    s = createUploadsStore(api, { resume: browserResumeStore(userId) });
    mine.set(userId, s);
  }
  return s;
};

export const AssetsPage = () => {
  const { api, auth } = useApp();
  const store = createAssetsStore(api);
  const uploads = uploadsFor(api, auth.user()?.id ?? 'anonymous');
  onCleanup(uploads.onUploaded(() => void store.load()));
  onMount(() => {
    void store.load();
    void uploads.restore();
  });
  return <AssetsView store={store} uploads={uploads} />;
};
