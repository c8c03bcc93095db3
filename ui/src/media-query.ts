/** A CSS media query as a signal (the narrow layout's switch), following the window as it resizes. */
import { createSignal, onCleanup } from 'solid-js';

export const createMediaQuery = (query: string): (() => boolean) => {
  const mql = typeof matchMedia === 'function' ? matchMedia(query) : null;
  const [matches, setMatches] = createSignal(mql?.matches ?? false);
  if (mql) {
    const on = (e: MediaQueryListEvent) => setMatches(e.matches);
    mql.addEventListener('change', on);
    onCleanup(() => mql.removeEventListener('change', on));
  }
  return matches;
};

/** Below this width the live feed is no column but a drawer, closed until asked for (styles.css agrees). */
export const NARROW = '(max-width: 760px)';
