/** Component tests for comparing two checkpoints: settings, stats, the reports' brands and intervals, what is missing (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { render, waitFor } from '@solidjs/testing-library';
import type { DetectJob } from '../detect-api.ts';
import { type CheckpointsApi, createCheckpointsStore } from '../stores/checkpoints.ts';
import { J1, J2, J3, J5, TL, checkpoints, detectJob, detectJobs } from '../../test/checkpoint-fixtures.ts';
import { CheckpointCompare } from './checkpoint-compare.tsx';

const mount = async (picks: string[], jobs: Record<string, DetectJob> = detectJobs()) => {
  const api = {
    detect: {
      checkpoints: async () => checkpoints(),
      runJob: async (id: string) => jobs[id]!,
    },
  } as unknown as CheckpointsApi;
  const store = createCheckpointsStore(api, TL);
  await store.load();
  for (const id of picks) await store.pick(id);
  const view = render(() => <CheckpointCompare store={store} />);
  const rows = (testid: string) => [...view.container.querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`)];
  const cells = (row: HTMLElement) => [...row.querySelectorAll('td')].map((td) => td.textContent!.trim());
  return { ...view, store, rows, cells, jobs };
};

describe('checkpoint comparison', () => {
  test('until two are picked it says what to do', async () => {
    const none = await mount([]);
    expect(none.getByTestId('checkpoint-compare').textContent).toContain('Pick two checkpoints in the tree');
    none.unmount();
    const one = await mount([`${J2}-compile_report`]);
    expect(one.getByTestId('checkpoint-compare').textContent).toContain('Pick one more checkpoint');
    expect(one.rows('config-diff-row')).toHaveLength(0);
  });

  test('two tries from one run: where they part, the settings and stats that differ, per stage', async () => {
    const { rows, cells, getByTestId } = await mount([`${J2}-compile_report`, `${J3}-compile_report`]);
    const box = getByTestId('checkpoint-compare');
    expect(box.querySelector('[data-side="A"]')!.textContent).toContain(`compile_report${J2.slice(0, 8)}generic_broadcastcompleted`);
    expect(box.textContent).toContain(`Their paths part after preprocess of job ${J1.slice(0, 8)}.`);
    expect(box.textContent).toContain('Each job’s whole settings of the stages on its path.');
    expect(rows('config-diff-row').map((r) => [r.dataset.stage, r.dataset.key, ...cells(r).slice(2)])).toEqual([
      ['ocr', 'det_width', '736', '960'],
      ['match_brands', 'min_similarity', '0.99', '0.8'],
    ]);
    const stats = rows('stats-diff-row');
    const hits = stats.find((r) => r.dataset.stage === 'match_brands' && r.dataset.key === 'hits')!;
    expect(cells(hits)).toEqual(['match_brands', 'hits', '24', '36', '+12']);
    const time = stats.find((r) => r.dataset.stage === 'ocr' && r.dataset.key === 'ms')!;
    expect(cells(time)).toEqual(['ocr', 'time', '14.2 s', '19.8 s', '+5600 ms']);
  });

  test('the reports: brands gained and lost, each brand’s figures A → B, intervals and hits gained and lost', async () => {
    const { rows, cells, getByTestId } = await mount([`${J2}-compile_report`, `${J3}-compile_report`]);
    const brands = rows('brand-diff-row');
    expect(brands.map((r) => [r.dataset.brand, r.dataset.change])).toEqual([
      ['Acme', 'changed'],
      ['Globex', 'changed'],
      ['Initech', 'gained'],
      ['Umbrella', 'gained'],
    ]);
    const acme = brands[0]!;
    expect(cells(acme).slice(1)).toEqual(['4.5 s → 6.25 s +1.75 s', '2 → 3 +1', '58.1% → 48.1% −10.0 pp', '10 → 14 +4']);
    expect([acme.dataset.hitsGained, acme.dataset.hitsLost]).toEqual(['4', '0']);
    expect(getByTestId('checkpoint-compare').textContent).toContain('Brands gained: Initech, Umbrellalost: none');
    expect(getByTestId('hits-gained').textContent).toBe('12'); // Acme 2 + 2, Initech 4, Umbrella 4
    expect(getByTestId('hits-lost').textContent).toBe('0');
    expect(rows('interval-diff-row').map((r) => [r.dataset.change, ...cells(r)])).toEqual([
      ['gained', 'Umbrella', '0:00.5–0:02.25', '4', 'only in B'],
      ['gained', 'Initech', '0:07.5–0:09.25', '4', 'only in B'],
      ['gained', 'Acme', '0:09–0:09.75', '2', 'only in B'],
    ]);
  });

  test('the other way round, what A had is lost', async () => {
    const { rows, getByTestId } = await mount([`${J1}-compile_report`, `${J2}-compile_report`]);
    expect(rows('brand-diff-row').find((r) => r.dataset.brand === 'Initech')!.dataset.change).toBe('lost');
    expect(rows('interval-diff-row').map((r) => r.dataset.change)).toEqual(['lost']);
    expect(getByTestId('hits-lost').textContent).toBe('6');
    expect(getByTestId('checkpoint-compare').textContent).toContain('lost: Initech');
    expect(getByTestId('checkpoint-compare').textContent).toContain(`Their paths part after ocr of job ${J1.slice(0, 8)}.`);
  });

  test('what is missing is said: a job still running, one with no report; no report tables then', async () => {
    const jobs = detectJobs();
    jobs[J3] = detectJob(J3, { report: null });
    const { rows, getByTestId, store } = await mount([`${J5}-extract_frames`, `${J3}-compile_report`], jobs);
    const box = getByTestId('checkpoint-compare');
    expect(box.textContent).toContain(`Job ${J5.slice(0, 8)} is still running: its report comes when it completes.`);
    expect(box.textContent).toContain(`Job ${J3.slice(0, 8)} has no report: its profile has no compile_report stage.`);
    expect(box.textContent).toContain('They share no checkpoint');
    expect(rows('brand-diff-row')).toHaveLength(0);
    expect(box.querySelector('[data-testid="hits-gained"]')).toBeNull();
    // Stages only J3's path reached: their stats against "not run".
    const ocr = rows('stats-diff-row').find((r) => r.dataset.stage === 'ocr' && r.dataset.key === 'lines')!;
    expect([...ocr.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['ocr', 'lines', 'not run', '61', '']);
    // J5 completes: a refresh brings its report in.
    jobs[J5] = detectJob(J5, { report: jobs[J1]!.result!.report });
    jobs[J3] = detectJobs()[J3]!;
    await store.refresh();
    await waitFor(() => expect(box.textContent).not.toContain('is still running'));
    expect(box.textContent).toContain('has no report'); // J3 had ended: not fetched again
  });

  test('one job twice: one report; a pick on the other’s path', async () => {
    const { getByTestId } = await mount([`${J1}-ocr`, `${J1}-compile_report`]);
    const box = getByTestId('checkpoint-compare');
    expect(box.textContent).toContain(`Both checkpoints are of job ${J1.slice(0, 8)}: there is one report, nothing to compare it with.`);
    expect(box.textContent).toContain('A is on B’s path: B carries on from it.');
    expect(box.textContent).toContain('The same settings on both paths.');
  });
});
