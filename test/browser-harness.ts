/**
 * What the browser tests share: the compiled binary (built when stale),
 * started on a free loopback port in a folder of its own with no
 * node_modules beside it, an API key for the test's own calls, Debian's
 * Chromium through playwright-core, and a wait on an element's text.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const ROOT = resolve(import.meta.dir, '..');
export const BINARY = join(ROOT, 'dist/mpr');
export const CHROMIUM = '/usr/bin/chromium';
export const ADMIN = { email: 'admin@mpr.test', password: 'browser-test-password' };

export const freePort = () => {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
};

/** Builds dist/mpr when it is missing or older than the sources it holds. */
export const ensureBinary = () => {
  const newest = Bun.spawnSync(['find', 'src', 'ui/src', 'ui/index.html', 'package.json', '-newer', BINARY], { cwd: ROOT }).stdout.toString().trim();
  if (existsSync(BINARY) && newest === '') return;
  const r = Bun.spawnSync(['bun', 'scripts/build.ts'], { cwd: ROOT, stdout: 'inherit', stderr: 'inherit' });
  if (r.exitCode !== 0) throw new Error('bun scripts/build.ts failed: the browser tests need the compiled binary');
};

/** The binary runs from `dir`, its data in `dir/data`; answers once /api/health does. */
export const startServer = async (dir: string, port: number, env: Record<string, string> = {}) => {
  const server = Bun.spawn([BINARY, 'start'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH!,
      HOME: dir,
      MPR_DATA: join(dir, 'data'),
      PORT: String(port),
      HOST: '127.0.0.1',
      MPR_WORKERS: '2',
      LOG_LEVEL: 'warn',
      MPR_ADMIN_EMAIL: ADMIN.email,
      MPR_ADMIN_PASSWORD: ADMIN.password,
      ...env,
    },
    stdout: 'inherit',
    stderr: 'inherit',
  });
  for (let i = 0; ; i++) {
    if ((await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.ok) return server;
    if (i > 100 || server.exitCode !== null) throw new Error('dist/mpr did not start');
    await Bun.sleep(100);
  }
};

/** An API key for the test's own calls: a login, then a key (it outlives server restarts and the 15-minute token). */
export const makeKey = async (base: string): Promise<string> => {
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const made = await fetch(`${base}/api/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ name: 'browser test', scopes: ['read', 'write'] }),
  });
  return ((await made.json()) as { key: string }).key;
};

export const launchChromium = (): Promise<Browser> => {
  if (!existsSync(CHROMIUM)) throw new Error('Chromium is missing at /usr/bin/chromium: run ./scripts/setup.sh --test (apt-get install chromium)');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required'],
  });
};

/**
 * Waits until the text of the element `selector` matches `re`. Page code goes
 * to the browser as a function, which Playwright calls over the DevTools
 * protocol: the app's CSP forbids eval, and a string would be eval'd in the
 * page. The test's types have no DOM: page code reaches the document
 * through `globalThis` as `any`.
 */
export const waitText = (page: Page, selector: string, re: RegExp, timeout: number) =>
  page.waitForFunction(
    ([sel, src, flags]) => new RegExp(src!, flags).test((globalThis as any).document.querySelector(sel)?.textContent ?? ''),
    [selector, re.source, re.flags],
    { timeout },
  );

/** Logs in through the login page as the admin; answers once the app shows. */
export const logIn = async (page: Page) => {
  await page.getByTestId('login-email').fill(ADMIN.email);
  await page.getByTestId('login-password').fill(ADMIN.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-menu').waitFor({ timeout: 15_000 });
};

/** How wide the document is, and how far <main> scrolls sideways (0: nothing overflows it). */
export const widths = (page: Page) =>
  page.evaluate(() => {
    const d = (globalThis as any).document;
    const m = d.querySelector('main');
    return { doc: d.documentElement.scrollWidth as number, main: (m.scrollWidth - m.clientWidth) as number };
  });
