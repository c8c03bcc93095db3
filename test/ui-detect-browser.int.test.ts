/**
 * Brand detection in a real browser (Debian's Chromium through
 * playwright-core) against the compiled binary: a labelled clip with
 * brand names drawn on boards is scanned, a timeline is built from it on
 * the filmstrip, a run is started from the runs page and its stage graph
 * watched to the end, the brand timeline shows the brands the clip's truth
 * says, match_brands' min_ocr_confidence is raised and the stage replayed
 * (with downstream) from the inspector, the new branch's checkpoints are compared with the first
 * run's (config diff, hits lost), and an overlay is opened from a brand's
 * interval; the brand list and profile pages work, and every detection page
 * fits 420 px. Screenshots go to test-artifacts/ui-detect/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureBinary, freePort, launchChromium, logIn, makeKey, ROOT, startServer, waitText, widths } from './browser-harness.ts';
import { type LabelledClip, makeLabelledClips } from './detect-clips.ts';

const SHOTS = join(ROOT, 'test-artifacts/ui-detect');
const SECONDS = 10;

let dir: string;
let server: ReturnType<typeof Bun.spawn>;
let browser: Browser;
let page: Page;
let base: string;
let key = '';
let clip: LabelledClip;
const consoleErrors: string[] = [];

const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const jobOfUrl = () => page.url().split('/').at(-1)!;
/** Every node of the stage graph has ended (completed or skipped), and the run says COMPLETED. */
const runEnds = async (timeout: number) => {
  await page.waitForFunction(
    () => {
      const nodes = [...(globalThis as any).document.querySelectorAll('[data-testid="stage-node"]')];
      return nodes.length > 0 && nodes.every((n: any) => ['completed', 'skipped'].includes(n.dataset.status));
    },
    null,
    { timeout },
  );
  await waitText(page, '[data-testid="run-status"]', /completed/i, timeout);
};
/** The brands the clip's truth shows, as the report spells them. */
const truthBrands = () => [...new Set(clip.truth.map((t) => t.brand))].sort();

beforeAll(async () => {
  ensureBinary();
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'mpr-ui-detect-'));
  clip = (await makeLabelledClips(join(dir, 'clips'), { seconds: SECONDS }))[0]!;
  const input = join(dir, 'data/media/in');
  mkdirSync(input, { recursive: true });
  copyFileSync(clip.path, join(input, 'boards.mp4'));
  const port = freePort();
  base = `http://127.0.0.1:${port}`;
  server = await startServer(dir, port);
  key = await makeKey(base);
  await api('POST', '/api/assets/scan');
  await api('POST', '/api/detect/brands', { name: 'Sponsors', brands: clip.brands });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(`${base}/#/detect`);
  await logIn(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.kill();
  await server?.exited;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('brand detection in the web UI', () => {
  let timelineId = '';
  let firstRun = '';
  let branch = '';

  test('build a timeline on the filmstrip: drag a range, type its ends, save; its frame cache is empty', async () => {
    await page.goto(`${base}/#/detect/timelines/new`);
    await page.getByTestId('source-pick').filter({ hasText: 'boards.mp4' }).click();
    const track = page.locator('[data-testid="filmstrip"] .filmstrip-track');
    await page.locator('[data-testid="filmstrip"] img').waitFor({ timeout: 30_000 });
    const box = (await track.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.getByTestId('pick-row').first().waitFor();
    await shot('1-filmstrip');
    await page.getByTestId('pick-start').first().fill('0');
    await page.getByTestId('pick-end').first().fill(String(SECONDS));
    await page.getByTestId('timeline-name').fill('Boards');
    await page.getByTestId('save-timeline').click();
    await page.waitForURL(/#\/detect\/timelines\/(?!new)[\w-]+$/, { timeout: 15_000 });
    timelineId = jobOfUrl();
    const saved = await api<{ picks: { start: number; end: number }[] }>('GET', `/api/detect/timeline/${timelineId}`);
    expect(saved.picks).toEqual([expect.objectContaining({ start: 0, end: SECONDS })]);
    await page.getByTestId('frame-cache').waitFor();
    expect(await page.getByTestId('frame-cache').getAttribute('data-frames')).toBe('0');
  }, 90_000);

  test('run it from the runs page and watch the stage graph finish live; the brand timeline shows the brands on the boards', async () => {
    await page.goto(`${base}/#/detect`);
    await page.getByTestId('new-run-form').waitFor();
    await page.getByTestId('run-timeline').selectOption(timelineId);
    await page.getByTestId('run-profile').selectOption('generic_broadcast');
    await page.getByTestId('run-brands').selectOption({ label: 'Sponsors' });
    await page.getByTestId('start-run').click();
    await page.waitForURL(/#\/detect\/runs\/[\w-]+$/, { timeout: 15_000 });
    firstRun = jobOfUrl();
    await page.locator('[data-testid="stage-node"][data-status="running"]').first().waitFor({ timeout: 60_000 });
    await shot('2-running');
    await runEnds(240_000);
    await page.getByTestId('run-tab-report').click();
    await page.getByTestId('brand-timeline').waitFor({ timeout: 15_000 });
    const lanes = await page.getByTestId('brand-lane').evaluateAll((els) => els.map((e: any) => e.dataset.brand as string));
    expect(lanes.sort()).toEqual(truthBrands());
    await page.getByTestId('stats-row').first().waitFor();
    await shot('3-brand-timeline');
  }, 300_000);

  test("raise match_brands' least OCR confidence and replay it with downstream: a new branch, whose comparison shows the change and the hits lost", async () => {
    await page.locator('[data-testid="stage-node"][data-stage="match_brands"]').click();
    const inspector = page.locator('[data-testid="stage-inspector"][data-stage="match_brands"]');
    await inspector.waitFor();
    await inspector.locator('[data-field="min_ocr_confidence"]').fill('0.995');
    // With downstream, compile_report runs again too: the branch has a report to compare.
    await inspector.getByTestId('replay-downstream').check();
    await inspector.getByTestId('replay-stage').click();
    await page.waitForURL((u) => /#\/detect\/runs\/[\w-]+$/.test(u.hash) && !u.hash.endsWith(firstRun), { timeout: 15_000 });
    branch = jobOfUrl();
    await runEnds(120_000);
    await page.getByTestId('run-tab-checkpoints').click();
    const mine = page.locator(`[data-testid="checkpoint-node"][data-job="${branch}"][data-stage="match_brands"]`);
    await mine.waitFor({ timeout: 15_000 });
    const theirs = page.locator(`[data-testid="checkpoint-node"][data-job="${firstRun}"][data-stage="match_brands"]`);
    await theirs.getByTestId('checkpoint-pick').click();
    await mine.getByTestId('checkpoint-pick').click();
    const diff = page.locator('[data-testid="config-diff-row"][data-stage="match_brands"][data-key="min_ocr_confidence"]');
    await diff.waitFor({ timeout: 15_000 });
    expect(await diff.textContent()).toContain('0.995');
    await shot('4-checkpoints');
    await page.getByTestId('hits-lost').waitFor({ timeout: 15_000 });
    // Reads the OCR was less sure of than 0.995 no longer count.
    expect(Number(await page.getByTestId('hits-lost').textContent())).toBeGreaterThan(0);
  }, 180_000);

  test("a brand's interval opens its overlay on the first run; the layers and the frame steps work", async () => {
    await page.goto(`${base}/#/detect/runs/${firstRun}`);
    await page.getByTestId('run-tab-report').click();
    const interval = page.getByTestId('brand-interval').first();
    await interval.waitFor({ timeout: 15_000 });
    const start = Number(await interval.getAttribute('data-start'));
    await interval.click();
    const img = page.getByTestId('overlay-image');
    await img.waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => ((globalThis as any).document.querySelector('[data-testid="overlay-image"]')?.naturalWidth ?? 0) > 0, null, {
      timeout: 30_000,
    });
    const seq = Number(await img.getAttribute('data-seq'));
    expect(seq).toBe(Math.round(start / 0.5));
    await shot('5-overlay');
    await page.getByTestId('overlay-next').click();
    await page.waitForFunction((s) => (globalThis as any).document.querySelector('[data-testid="overlay-image"]')?.dataset.seq === String(s + 1), seq, {
      timeout: 30_000,
    });
  }, 120_000);

  test('the brand list and profiles pages: the list made for the test with its brands, a built-in profile duplicated into an editable one', async () => {
    await page.goto(`${base}/#/detect/brands`);
    await page.getByTestId('brand-list-row').filter({ hasText: 'Sponsors' }).getByRole('button', { name: 'Sponsors' }).click();
    await page.getByTestId('brand-row').first().waitFor({ timeout: 15_000 });
    const names = await page.getByTestId('brand-name').evaluateAll((els) => els.map((e: any) => e.value as string));
    expect(names.sort()).toEqual(clip.brands.map((b) => b.name).sort());
    await shot('6-brand-list');
    await page.goto(`${base}/#/detect/profiles`);
    const builtIn = page.locator('[data-testid="profile-row"][data-name="generic_broadcast"]');
    await builtIn.getByRole('button', { name: 'generic_broadcast' }).click();
    await page.getByTestId('duplicate-profile').click();
    await page.getByTestId('duplicate-profile-name').fill('boards-tuned');
    await page.getByTestId('confirm-duplicate-profile').click();
    await page.locator('[data-testid="profile-row"][data-name="boards-tuned"][data-builtin="false"]').waitFor({ timeout: 15_000 });
    const made = await api<{ basedOn: string | null; builtIn: boolean }>('GET', '/api/detect/config/profiles/boards-tuned');
    expect(made).toMatchObject({ basedOn: 'generic_broadcast', builtIn: false });
    await page.getByTestId('profile-form').waitFor();
    await shot('7-profile');
  }, 60_000);

  test('at 420 px every detection page fits the width with nothing overflowing sideways', async () => {
    await page.setViewportSize({ width: 420, height: 900 });
    const pages: [string, string, () => Promise<unknown>][] = [
      ['runs', '#/detect', () => page.getByTestId('run-row').first().waitFor()],
      ['run', `#/detect/runs/${firstRun}`, () => page.getByTestId('brand-timeline').waitFor()],
      ['timeline', `#/detect/timelines/${timelineId}`, () => page.getByTestId('frame-cache').waitFor()],
      ['profiles', '#/detect/profiles', () => page.getByTestId('profile-row').first().waitFor()],
      ['brands', '#/detect/brands', () => page.getByTestId('brand-list-row').first().waitFor()],
    ];
    for (const [name, hash, ready] of pages) {
      await page.goto(`${base}/${hash}`);
      await ready();
      const w = await widths(page);
      expect({ page: name, ...w }).toEqual({ page: name, doc: Math.min(w.doc, 420), main: Math.min(w.main, 0) });
      await shot(`8-narrow-${name}`);
    }
    await page.setViewportSize({ width: 1400, height: 1000 });
    expect(consoleErrors.filter((e) => !/Failed to load resource|net::|EventSource/i.test(e))).toEqual([]);
  }, 90_000);
});
