/** What every page shares: the api, who is logged in, the router, the one live connection, presets and the status strip. */
import { createContext, useContext } from 'solid-js';
import type { Api } from './api.ts';
import type { Route } from './router.ts';
import type { AuthStore } from './stores/auth.ts';
import type { LiveStore } from './stores/live.ts';
import type { PresetsStore } from './stores/presets.ts';
import type { SystemStore } from './stores/system.ts';

export interface AppContextValue {
  api: Api;
  auth: AuthStore;
  route: () => Route;
  go: (r: Route) => void;
  live: LiveStore;
  presets: PresetsStore;
  system: SystemStore;
}

export const AppContext = createContext<AppContextValue>();

export const useApp = (): AppContextValue => {
  const v = useContext(AppContext);
  if (!v) throw new Error('useApp outside <AppContext.Provider>');
  return v;
};
