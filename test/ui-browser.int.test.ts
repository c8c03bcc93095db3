/**
 * The web UI in a real browser (Debian's Chromium through playwright-core)
 * against the compiled binary `dist/mpr`, started on a free loopback port
 * with a fresh data folder: log in, scan, drop a file on the upload area and
 * play its transcode, start an hls-abr job, watch its progress
 * bar reach 100% live, open it, play the HLS output, switch rungs and turn
 * on its subtitles, scrub the event log, fork from an earlier event, and
 * lay every page out at 420 px wide, log out. Screenshots go to
 * test-artifacts/ui/. The test's own API calls use an API key it makes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runFfmpeg } from '../src/media/ffmpeg.ts';
import {
  ADMIN,
  BINARY,
  ensureBinary,
  freePort,
  launchChromium,
  makeKey,
  ROOT,
  startServer as start,
  waitText as waitTextOn,
  widths,
} from './browser-harness.ts';
import { corpusFile } from './corpus.ts';

const SHOTS = join(ROOT, 'test-artifacts/ui');

let dir: string;
let server: ReturnType<typeof Bun.spawn>;
let browser: Browser;
let page: Page;
let base: string;
const consoleErrors: string[] = [];

let port = 0;
let key = '';
/** The test's own calls to the API, with its key. */
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${base}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${key}` } });
const startServer = async () => {
  server = await start(dir, port);
};
const waitText = (selector: string, re: RegExp, timeout: number) => waitTextOn(page, selector, re, timeout);

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

/** From the assets page: an hls-abr job of the asset named `name`, started from its row; the page moves to the job. Answers its id. */
const startTranscode = async (name: string): Promise<string> => {
  const row = page.getByTestId('asset-row').filter({ hasText: name });
  await row.getByTestId('transcode').click();
  await page.getByTestId('preset-select').selectOption('hls-abr');
  await page.getByTestId('start-job').click();
  await page.waitForURL(/#\/jobs\/[\w-]+/);
  return page.url().split('/').at(-1)!;
};

/** On a job's page: its player plays (muted) past half a second. */
const playerPlays = async () => {
  await page.getByTestId('player').waitFor();
  await page.evaluate(() => {
    const v = (globalThis as any).document.querySelector('[data-testid="player"]');
    v.muted = true;
    return v.play();
  });
  await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-testid="player"]').currentTime > 0.5, null, { timeout: 20_000 });
};

beforeAll(async () => {
  ensureBinary();
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'mpr-ui-'));
  const input = join(dir, 'data/media/in');
  mkdirSync(input, { recursive: true });
  // The corpus has no file with a text subtitle track: the flower gets one (streams copied, nothing encoded).
  await Bun.write(join(dir, 'flower.srt'), '1\n00:00:00,500 --> 00:00:04,500\nA flower in the wind\n');
  await runFfmpeg([
    '-i',
    corpusFile('video/mdn_flower.mp4'),
    '-i',
    join(dir, 'flower.srt'),
    '-map',
    '0',
    '-map',
    '1',
    '-c',
    'copy',
    '-c:s',
    'mov_text',
    '-metadata:s:s:0',
    'language=eng',
    '-metadata:s:s:0',
    'title=English',
    join(input, 'flower.mp4'),
  ]);
  await Bun.write(join(input, 'broken.mp4'), Bun.file(corpusFile('derived/text_file_renamed.mp4')));
  port = freePort();
  base = `http://127.0.0.1:${port}`;
  await startServer();
  key = await makeKey(base);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.kill();
  await server?.exited;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the web UI on the compiled binary', () => {
  let jobId = '';

  test('a stranger gets the login page; a wrong password is said in words; the right one opens the app', async () => {
    await page.goto(`${base}/#/assets`);
    await page.getByTestId('login-form').waitFor();
    await shot('0-login');
    await page.getByTestId('login-email').fill(ADMIN.email);
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error').textContent()).resolves.toMatch(/do not match/);
    await page.getByTestId('login-password').fill(ADMIN.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('scan').waitFor();
    expect(await page.getByTestId('user-menu').textContent()).toContain(ADMIN.email);
  }, 60_000);

  test('scan the input folder: the flower is ready, the text file is invalid with its reason', async () => {
    await page.goto(`${base}/#/assets`);
    await page.getByTestId('scan').click();
    await expect(page.getByTestId('scan-result').textContent()).resolves.toMatch(/found 2.*registered 2/);
    await page.getByTestId('asset-row').nth(1).waitFor();
    const rows = await page.getByTestId('asset-row').allTextContents();
    expect(rows.join('\n')).toContain('flower.mp4');
    expect(rows.find((r) => r.includes('broken.mp4'))).toMatch(/not a supported media file|damaged/);
    await shot('1-assets');
  }, 60_000);

  test('drop a file on the upload area: its row says ready, the asset is listed, and its hls-abr transcode plays', async () => {
    // The bytes go into the page as base64 and become a File in a DataTransfer there (a function: the CSP forbids eval).
    const b64 = Buffer.from(await Bun.file(corpusFile('video/mdn_friday.mp4')).arrayBuffer()).toString('base64');
    await page.getByTestId('upload-folder').fill('uploads');
    const dataTransfer = await page.evaluateHandle((data) => {
      const bin = atob(data);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const dt = new (globalThis as any).DataTransfer();
      dt.items.add(new File([bytes], 'friday.mp4', { type: 'video/mp4', lastModified: 1_700_000_000_000 }));
      return dt;
    }, b64);
    const zone = page.getByTestId('upload-drop');
    for (const type of ['dragenter', 'dragover', 'drop']) await zone.dispatchEvent(type, { dataTransfer });
    const status = '[data-testid="upload-row"][data-name="friday.mp4"] [data-testid="upload-status"]';
    await waitText(status, /^Ready: uploads\/friday\.mp4$/, 30_000);
    // The list refreshed by itself: the asset is there, in its folder, ready.
    const asset = page.getByTestId('asset-row').filter({ hasText: 'friday.mp4' });
    await asset.waitFor();
    expect(await asset.getByTestId('asset-folder').textContent()).toBe('uploads');
    expect(await asset.getAttribute('data-status')).toBe('ready');
    await shot('1b-uploaded');
    const uploaded = await startTranscode('friday.mp4');
    await waitText('[data-testid="status"]', /completed/i, 60_000);
    expect(page.url()).toEndWith(uploaded);
    await playerPlays();
    await page.goto(`${base}/#/assets`);
    await page.getByTestId('asset-row').filter({ hasText: 'flower.mp4' }).waitFor();
  }, 120_000);

  test('start an hls-abr job and watch its progress bar reach 100% without a reload', async () => {
    jobId = await startTranscode('flower.mp4');
    await page.goto(`${base}/#/jobs`);
    const bar = page.locator(`[data-testid="job-row"][data-id="${jobId}"] [data-testid="progress"]`);
    const seen = new Set<number>();
    const t0 = Date.now();
    for (;;) {
      const p = Number(await bar.first().getAttribute('data-percent'));
      seen.add(p);
      if (p >= 100) break;
      if (Date.now() - t0 > 60_000) throw new Error(`progress stuck at ${p}`);
      await Bun.sleep(50);
    }
    // 100% of the chunks; packaging follows, then the status flips.
    await waitText(`[data-testid="job-row"][data-id="${jobId}"] [data-testid="status"]`, /completed/i, 30_000);
    expect(seen.size).toBeGreaterThan(1); // it moved, live
    await shot('2-jobs');
  }, 90_000);

  test('open the job: the HLS output plays, the rung switcher changes the resolution, subtitles turn on', async () => {
    await page.goto(`${base}/#/jobs/${jobId}`);
    await page.getByTestId('rung').first().waitFor();
    await playerPlays();
    const heights = await page.getByTestId('rung').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-height'))));
    expect(heights.sort((a, b) => a - b)).toEqual([360, 540]);
    // The buttons carry the renditions' names, and there is one seek bar: the player's own.
    const job = (await (await api(`/api/jobs/${jobId}`)).json()) as { renditions: { name: string; type: string }[] };
    const names = job.renditions.filter((r) => r.type === 'video').map((r) => r.name);
    expect((await page.getByTestId('rung').allTextContents()).sort()).toEqual([...new Set(names)].sort());
    expect(await page.getByTestId('player').getAttribute('controls')).toBeNull();
    expect(await page.locator('[role="slider"], [data-testid="seekbar"]').count()).toBe(1);
    for (const [h, text] of [
      [360, '640×360'],
      [540, '960×540'],
    ] as const) {
      await page.locator(`[data-testid="rung"][data-height="${h}"]`).click();
      await page.waitForFunction((t) => (globalThis as any).document.querySelector('[data-testid="resolution"]')?.textContent?.includes(t), text, {
        timeout: 20_000,
      });
    }
    // The master's WebVTT track, through hls.js: listed by name and language, off until picked, then its cues load.
    expect(job.renditions.some((r) => r.type === 'subtitles')).toBe(true);
    const subtitles = page.getByTestId('subtitles');
    await subtitles.waitFor();
    expect(await subtitles.locator('option').allTextContents()).toEqual(['off', 'English (en)']);
    expect(await subtitles.inputValue()).toBe('-1');
    await subtitles.selectOption({ label: 'English (en)' });
    await page.waitForFunction(
      () =>
        [...(globalThis as any).document.querySelector('[data-testid="player"]').textTracks].some(
          (t: any) => t.mode === 'showing' && t.cues && [...t.cues].some((c: any) => c.text.includes('A flower in the wind')),
        ),
      null,
      { timeout: 20_000 },
    );
    await page.getByTestId('seekbar').hover();
    await page.getByTestId('seek-preview').waitFor();
    await shot('3-player');
  }, 60_000);

  test('scrub the event log, then re-run from an earlier event: the fork completes', async () => {
    const scrubber = page.getByTestId('scrubber');
    await scrubber.waitFor();
    // The event right after planning: the plan exists, no chunk has reported.
    const rows = await page.getByTestId('event-row').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    expect(rows.some((r) => r.includes('JobPlanned'))).toBe(true);
    await scrubber.fill('1');
    await waitText('[data-testid="state-at"]', /planned/i, 10_000);
    await page.locator('details.fork summary').click();
    await page.getByTestId('fork').click();
    await page.waitForURL((u) => /#\/jobs\/[\w-]+/.test(u.hash) && !u.hash.endsWith(jobId));
    const forkId = page.url().split('/').at(-1)!;
    await waitText('[data-testid="status"]', /completed/i, 60_000);
    const job = (await (await api(`/api/jobs/${forkId}`)).json()) as { status: string; parent: string };
    expect(job).toMatchObject({ status: 'COMPLETED', parent: jobId });
    await shot('4-fork');
  }, 90_000);

  test('after a server restart the page reconnects by itself and the live feed resumes without duplicates', async () => {
    const positions = () => page.locator('[data-testid="feed-row"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-position'))));
    const before = await positions();
    expect(before.length).toBeGreaterThan(0);
    server.kill();
    await server.exited;
    await waitText('[data-testid="system-status"]', /reconnecting/, 20_000);
    await startServer();
    await waitText('[data-testid="system-status"]', /live/, 30_000);
    // Something new happens after the restart: a comment on the flower.
    const flower = ((await (await api('/api/assets?q=flower')).json()) as { items: { id: string }[] }).items[0]!;
    await api(`/api/assets/${flower.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ comment: 'after the restart' }),
    });
    await page.waitForFunction(
      () => [...(globalThis as any).document.querySelectorAll('[data-testid="feed-row"]')].some((e: any) => e.textContent.includes('AssetCommented')),
      null,
      {
        timeout: 20_000,
      },
    );
    const after = await positions();
    expect(new Set(after).size).toBe(after.length);
    expect(Math.max(...after)).toBeGreaterThan(Math.max(...before));
    await shot('5-reconnected');
    // Errors while the server was down are the browser reporting the dropped connection; nothing else.
    expect(consoleErrors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource|net::|EventSource/i.test(e))).toEqual([]);
  }, 90_000);
});

describe('the web UI at 420 px wide', () => {
  test('assets, jobs, a job and presets fit the width with nothing overflowing sideways; the live feed collapses into a drawer', async () => {
    await page.setViewportSize({ width: 420, height: 900 });
    const jobs = (await (await api('/api/jobs')).json()) as { items: { id: string; parent: string | null }[] };
    const first = jobs.items.find((j) => !j.parent)!.id;
    const pages: [string, string, () => Promise<unknown>][] = [
      [
        'assets',
        '#/assets',
        async () => {
          await page.getByTestId('asset-row').first().waitFor();
          // The Transcode form with its trim fields is part of the row.
          await page.getByTestId('asset-row').filter({ hasText: 'flower.mp4' }).getByTestId('transcode').click();
          await page.locator('[data-field="range.end"]').waitFor();
        },
      ],
      ['jobs', '#/jobs', () => page.getByTestId('job-row').first().waitFor()],
      [
        'job',
        `#/jobs/${first}`,
        async () => {
          await page.getByTestId('lane').first().waitFor();
          await page.getByTestId('rung').first().waitFor();
        },
      ],
      ['presets', '#/presets', () => page.getByTestId('preset-row').first().waitFor()],
    ];
    for (const [name, hash, ready] of pages) {
      await page.goto(`${base}/${hash}`);
      await ready();
      expect(await page.getByTestId('live-feed').count()).toBe(0);
      const w = await widths(page);
      expect({ page: name, ...w }).toEqual({ page: name, doc: Math.min(w.doc, 420), main: Math.min(w.main, 0) });
      await shot(`6-narrow-${name}`);
    }
    await page.getByTestId('feed-toggle').click();
    await page.getByTestId('live-feed').waitFor();
    expect((await widths(page)).doc).toBeLessThanOrEqual(420);
    await shot('6-narrow-feed');
    // Back to a wide window, the feed is a column again.
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.getByTestId('live-feed').waitFor();
  }, 60_000);
});

describe('logging out', () => {
  test('the user menu logs out: the login page comes back, and a reload does not bring the session back', async () => {
    await page.goto(`${base}/#/jobs`);
    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    await page.reload();
    await page.getByTestId('login-form').waitFor();
    expect(await page.getByTestId('scan').count()).toBe(0);
    await shot('7-logged-out');
  }, 30_000);
});

test('dist/mpr is one self-contained executable', () => {
  expect(statSync(BINARY).size).toBeGreaterThan(1_000_000);
});
