/**
 * The app: the login gate, then the shell (navigation, system status strip,
 * user menu, the routed page, and the live feed panel), made only once
 * someone is logged in and dropped, with its stream and polling, when the
 * session ends.
 */
import { Match, createEffect, on, onCleanup, onMount, Show, Suspense, Switch, createSignal, lazy } from 'solid-js';
import { api } from './api.ts';
import { UserMenu } from './components/user-menu.tsx';
import { AppContext, type AppContextValue } from './context.ts';
import { NARROW, createMediaQuery } from './media-query.ts';
import { createRouter, href } from './router.ts';
import { createAuthStore, type AuthStore } from './stores/auth.ts';
import { createLiveStore } from './stores/live.ts';
import { createPresetsStore } from './stores/presets.ts';
import { createSystemStore } from './stores/system.ts';
import { StatusStrip } from './components/status-strip.tsx';
import { LogReplacedBanner } from './components/log-replaced-banner.tsx';
import { Loading } from './components/bits.tsx';
import { AuthGate } from './views/login-view.tsx';

const AssetsPage = lazy(() => import('./pages/assets-page.tsx').then((m) => ({ default: m.AssetsPage })));
const JobsPage = lazy(() => import('./pages/jobs-page.tsx').then((m) => ({ default: m.JobsPage })));
const WorkersPage = lazy(() => import('./pages/workers-page.tsx').then((m) => ({ default: m.WorkersPage })));
const JobPage = lazy(() => import('./pages/job-page.tsx').then((m) => ({ default: m.JobPage })));
const PresetsPage = lazy(() => import('./pages/presets-page.tsx').then((m) => ({ default: m.PresetsPage })));
const KeysPage = lazy(() => import('./pages/keys-page.tsx').then((m) => ({ default: m.KeysPage })));
const UsersPage = lazy(() => import('./pages/users-page.tsx').then((m) => ({ default: m.UsersPage })));
const DetectPage = lazy(() => import('./pages/detect-page.tsx').then((m) => ({ default: m.DetectPage })));
const DetectRunPage = lazy(() => import('./pages/detect-run-page.tsx').then((m) => ({ default: m.DetectRunPage })));
const DetectTimelinesPage = lazy(() => import('./pages/detect-timelines-page.tsx').then((m) => ({ default: m.DetectTimelinesPage })));
const DetectTimelinePage = lazy(() => import('./pages/detect-timelines-page.tsx').then((m) => ({ default: m.DetectTimelinePage })));
const DetectProfilesPage = lazy(() => import('./pages/detect-setup-page.tsx').then((m) => ({ default: m.DetectProfilesPage })));
const DetectBrandsPage = lazy(() => import('./pages/detect-setup-page.tsx').then((m) => ({ default: m.DetectBrandsPage })));
const LiveFeed = lazy(() => import('./views/live-feed.tsx').then((m) => ({ default: m.LiveFeed })));

type Router = ReturnType<typeof createRouter>;

export const App = () => {
  const auth = createAuthStore(api);
  const router = createRouter();
  onMount(() => void auth.start());
  return (
    <AuthGate auth={auth}>
      <Shell auth={auth} router={router} />
    </AuthGate>
  );
};

const Shell = (p: { auth: AuthStore; router: Router }) => {
  const router = p.router;
  const live = createLiveStore(api);
  const presets = createPresetsStore(api);
  const system = createSystemStore(api);
  const ctx: AppContextValue = { api, auth: p.auth, route: router.route, go: router.go, live, presets, system };
  const [feedOpen, setFeedOpen] = createSignal(localStorage.getItem('mpr.feed') !== 'closed');
  // On a narrow screen the feed collapses into a drawer over the page, closed until asked for.
  const narrow = createMediaQuery(NARROW);
  const [drawer, setDrawer] = createSignal(false);
  const feedShown = () => (narrow() ? drawer() : feedOpen());
  const toggleFeed = () => {
    if (narrow()) return setDrawer(!drawer());
    const next = !feedOpen();
    setFeedOpen(next);
    localStorage.setItem('mpr.feed', next ? 'open' : 'closed');
  };
  createEffect(on(router.route, () => setDrawer(false), { defer: true }));

  onMount(() => {
    void presets.load();
    // Start the feed a little in the past so it is not empty on first load.
    void system.refresh().then(() => live.start(Math.max(0, (system.status()?.log.position ?? 0) - 100)));
    const poll = setInterval(async () => {
      if (await system.refresh()) live.resume();
      else live.suspend();
    }, 3000);
    let statusSoon: ReturnType<typeof setTimeout> | undefined;
    const offLog = live.onLog((e) => {
      system.sawPosition(e.position);
      statusSoon ??= setTimeout(() => {
        statusSoon = undefined;
        void system.refresh();
      }, 500);
    });
    onCleanup(() => {
      clearInterval(poll);
      clearTimeout(statusSoon);
      offLog();
      live.stop();
    });
  });

  const r = router.route;
  /** The id of the current route when it is `name`, else null (keyed matches remount per id). */
  const idOf = (name: 'detect-run' | 'detect-timeline') => {
    const x = r();
    return x.name === name ? x.id : null;
  };
  const navClass = (names: string[]) => (names.includes(r().name) ? 'nav-link active' : 'nav-link');

  return (
    <AppContext.Provider value={ctx}>
      <div class={`shell ${feedShown() && !narrow() ? 'with-feed' : ''}`}>
        <header class="topbar">
          <a class="brand" href="#/assets">
            <span class="logo">▶</span> MPR
          </a>
          <nav>
            <a class={navClass(['assets'])} href={href({ name: 'assets' })}>
              Assets
            </a>
            <a class={navClass(['jobs', 'job'])} href={href({ name: 'jobs' })}>
              Jobs
            </a>
            <a class={navClass(['workers'])} href={href({ name: 'workers' })} data-testid="nav-workers">
              Workers
            </a>
            <a class={navClass(['presets'])} href={href({ name: 'presets' })}>
              Presets
            </a>
            <a
              class={navClass(['detect', 'detect-run', 'detect-timelines', 'detect-timeline', 'detect-profiles', 'detect-brands'])}
              href={href({ name: 'detect' })}
              data-testid="nav-detect"
            >
              Detect
            </a>
          </nav>
          <StatusStrip />
          <button type="button" class="btn ghost small feed-toggle" data-testid="feed-toggle" onClick={toggleFeed} aria-pressed={feedShown()}>
            {feedShown() ? 'Hide feed' : 'Live feed'}
          </button>
          <UserMenu auth={p.auth} />
        </header>
        <main class="main">
          <LogReplacedBanner />
          <Suspense fallback={<Loading />}>
            <Switch>
              <Match when={r().name === 'assets'}>
                <AssetsPage />
              </Match>
              <Match when={r().name === 'workers'}>
                <WorkersPage />
              </Match>
              <Match when={r().name === 'jobs'}>
                <JobsPage />
              </Match>
              <Match
                when={(() => {
                  const x = r();
                  return x.name === 'job' ? x.id : null;
                })()}
                keyed
              >
                {(id) => <JobPage id={id} />}
              </Match>
              <Match when={r().name === 'presets'}>
                <PresetsPage />
              </Match>
              <Match when={r().name === 'keys'}>
                <KeysPage />
              </Match>
              <Match when={r().name === 'users'}>
                <UsersPage />
              </Match>
              <Match when={r().name === 'detect'}>
                <DetectPage />
              </Match>
              <Match when={idOf('detect-run')} keyed>
                {(id) => <DetectRunPage id={id} />}
              </Match>
              <Match when={r().name === 'detect-timelines'}>
                <DetectTimelinesPage />
              </Match>
              <Match when={idOf('detect-timeline')} keyed>
                {(id) => <DetectTimelinePage id={id} />}
              </Match>
              <Match when={r().name === 'detect-profiles'}>
                <DetectProfilesPage />
              </Match>
              <Match when={r().name === 'detect-brands'}>
                <DetectBrandsPage />
              </Match>
              <Match when={r().name === 'not-found'}>
                <div class="empty">
                  There is no page at {(r() as { path: string }).path}. <a href="#/assets">Go to the assets.</a>
                </div>
              </Match>
            </Switch>
          </Suspense>
        </main>
        <Show when={feedShown()}>
          <aside class={narrow() ? 'feed feed-drawer' : 'feed'}>
            <Suspense fallback={<Loading />}>
              <LiveFeed />
            </Suspense>
          </aside>
        </Show>
      </div>
    </AppContext.Provider>
  );
};
