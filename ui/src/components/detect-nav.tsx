/** The detection pages' own navigation: runs, timelines, profiles, brand lists. */
import { For } from 'solid-js';
import '../detect-pages.css';
import { useApp } from '../context.ts';
import { href, type Route } from '../router.ts';

const SECTIONS: { label: string; route: Route; also: Route['name'][] }[] = [
  { label: 'Runs', route: { name: 'detect' }, also: ['detect-run'] },
  { label: 'Timelines', route: { name: 'detect-timelines' }, also: ['detect-timeline'] },
  { label: 'Profiles', route: { name: 'detect-profiles' }, also: [] },
  { label: 'Brand lists', route: { name: 'detect-brands' }, also: [] },
];

export const DetectNav = () => {
  const { route } = useApp();
  const current = (s: (typeof SECTIONS)[number]) => route().name === s.route.name || s.also.includes(route().name);
  return (
    <nav class="detect-nav" aria-label="Brand detection" data-testid="detect-nav">
      <For each={SECTIONS}>
        {(s) => (
          <a class={current(s) ? 'detect-tab active' : 'detect-tab'} href={href(s.route)} aria-current={current(s) ? 'page' : undefined}>
            {s.label}
          </a>
        )}
      </For>
    </nav>
  );
};
