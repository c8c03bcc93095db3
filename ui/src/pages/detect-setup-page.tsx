/** Containers: detection profiles, and brand lists. */
import { lazy, onMount } from 'solid-js';
import { DetectNav } from '../components/detect-nav.tsx';
import { useApp } from '../context.ts';
import { createBrandListsStore } from '../stores/brand-lists.ts';
import { createProfilesStore } from '../stores/detect-profiles.ts';

const ProfileEditor = lazy(() => import('../views/profile-editor.tsx').then((m) => ({ default: m.ProfileEditor })));
const BrandListEditor = lazy(() => import('../views/brand-list-editor.tsx').then((m) => ({ default: m.BrandListEditor })));

export const DetectProfilesPage = () => {
  const { api } = useApp();
  const store = createProfilesStore(api);
  onMount(() => void store.load());
  return (
    <>
      <DetectNav />
      <ProfileEditor store={store} />
    </>
  );
};

export const DetectBrandsPage = () => {
  const { api } = useApp();
  const store = createBrandListsStore(api);
  onMount(() => void store.load());
  return (
    <>
      <DetectNav />
      <BrandListEditor store={store} />
    </>
  );
};
