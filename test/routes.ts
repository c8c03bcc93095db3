/** The routes an app registers, from its router (not a hand list), for tests that walk every one. */

/** Registered for the web UI, outside /api: public by design. */
export const UI_ROUTES: ReadonlySet<string> = new Set(['GET /', 'GET /*']);

export interface Route {
  method: string;
  /** As registered: `/api/jobs/:id`, `/api/outputs/*`. */
  path: string;
}

/** Every route of `app` but the web UI's and the CORS preflights (OPTIONS). */
export const routesOf = (app: { routes: { method: string; path: string }[] }): Route[] =>
  app.routes.map((r) => ({ method: r.method.toUpperCase(), path: r.path })).filter((r) => !UI_ROUTES.has(`${r.method} ${r.path}`) && r.method !== 'OPTIONS');
