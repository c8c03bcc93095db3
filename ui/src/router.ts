/**
 * A tiny hash router: `#/assets` (default), `#/jobs`, `#/jobs/:id`, `#/workers`, `#/presets`, `#/keys`, `#/users`, and detection's
 * `#/detect` (runs), `#/detect/runs/:id`, `#/detect/timelines`, `#/detect/timelines/:id` (`new` for a new one),
 * `#/detect/profiles`, `#/detect/brands`.
 */
import { createSignal } from 'solid-js';

export type Route =
  | { name: 'assets' }
  | { name: 'jobs' }
  | { name: 'workers' }
  | { name: 'job'; id: string }
  | { name: 'presets' }
  | { name: 'keys' }
  | { name: 'users' }
  | { name: 'detect' }
  | { name: 'detect-run'; id: string }
  | { name: 'detect-timelines' }
  | { name: 'detect-timeline'; id: string }
  | { name: 'detect-profiles' }
  | { name: 'detect-brands' }
  | { name: 'not-found'; path: string };

/** The detection pages under `#/detect/`: a list, or one item of it. */
const detectRoute = (rest: string[]): Route | null => {
  const [section, id, ...more] = rest;
  if (more.length > 0) return null;
  if (!section) return { name: 'detect' };
  if (section === 'runs') return id ? { name: 'detect-run', id } : { name: 'detect' };
  if (section === 'timelines') return id ? { name: 'detect-timeline', id } : { name: 'detect-timelines' };
  if (section === 'profiles' && !id) return { name: 'detect-profiles' };
  if (section === 'brands' && !id) return { name: 'detect-brands' };
  return null;
};

export const parseHash = (hash: string): Route => {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').replace(/\/+$/, '').split('?')[0] ?? '';
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  if (parts.length === 0) return { name: 'assets' };
  const [head, id, ...rest] = parts;
  if (head === 'assets' && !id) return { name: 'assets' };
  if (head === 'presets' && !id) return { name: 'presets' };
  if (head === 'keys' && !id) return { name: 'keys' };
  if (head === 'users' && !id) return { name: 'users' };
  if (head === 'jobs' && !id) return { name: 'jobs' };
  if (head === 'workers' && !id) return { name: 'workers' };
  if (head === 'jobs' && id && rest.length === 0) return { name: 'job', id };
  const detect = head === 'detect' ? detectRoute(parts.slice(1)) : null;
  if (detect) return detect;
  return { name: 'not-found', path: `/${parts.join('/')}` };
};

export const href = (r: Route): string => {
  switch (r.name) {
    case 'job':
      return `#/jobs/${encodeURIComponent(r.id)}`;
    case 'detect':
      return '#/detect';
    case 'detect-run':
      return `#/detect/runs/${encodeURIComponent(r.id)}`;
    case 'detect-timelines':
      return '#/detect/timelines';
    case 'detect-timeline':
      return `#/detect/timelines/${encodeURIComponent(r.id)}`;
    case 'detect-profiles':
      return '#/detect/profiles';
    case 'detect-brands':
      return '#/detect/brands';
    case 'not-found':
      return `#${r.path}`;
    default:
      return `#/${r.name}`;
  }
};

/** The current route as a signal, following `hashchange`. */
export const createRouter = (w: Pick<Window, 'location' | 'addEventListener'> = window) => {
  const [route, setRoute] = createSignal<Route>(parseHash(w.location.hash));
  w.addEventListener('hashchange', () => setRoute(parseHash(w.location.hash)));
  return {
    route,
    go: (r: Route) => {
      w.location.hash = href(r).slice(1);
    },
  };
};
