/** A tiny hash router: `#/assets` (default), `#/jobs`, `#/jobs/:id`, `#/presets`, `#/keys`, `#/users`. */
import { createSignal } from 'solid-js';

export type Route =
  | { name: 'assets' }
  | { name: 'jobs' }
  | { name: 'job'; id: string }
  | { name: 'presets' }
  | { name: 'keys' }
  | { name: 'users' }
  | { name: 'not-found'; path: string };

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
  if (head === 'jobs' && id && rest.length === 0) return { name: 'job', id };
  return { name: 'not-found', path: `/${parts.join('/')}` };
};

export const href = (r: Route): string => {
  switch (r.name) {
    case 'job':
      return `#/jobs/${encodeURIComponent(r.id)}`;
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
