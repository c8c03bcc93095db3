/** Component tests for the jobs page: names over ids, QUEUED, outputs deleted, and the new-job form's trim (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import type { Api } from '../api.ts';
import { AppContext } from '../context.ts';
import { createJobsStore } from '../stores/jobs.ts';
import type { TimeRange } from '../../../src/types/api.ts';
import type { Job } from '../types.ts';
import { appContext, asset, job } from '../../test/fixtures.ts';
import { JobsView } from './jobs-view.tsx';

const fakeApi = (jobs: Job[]) => {
  const created: [string, string, TimeRange | null | undefined][] = [];
  const api: Partial<Api> = {
    listJobs: async () => ({ items: jobs, total: jobs.length }),
    getJob: async (id) => jobs.find((j) => j.id === id)!,
    createJob: async (assetId, presetId, range) => {
      created.push([assetId, presetId, range]);
      return job({ id: 'new', status: 'PENDING' });
    },
    cancelJob: async (id) => jobs.find((j) => j.id === id)!,
    retryJob: async (id) => jobs.find((j) => j.id === id)!,
    listAssets: async () => ({ items: [asset({ duration: 5.06 })], total: 1 }),
  };
  return { api, created };
};

const mount = async (jobs: Job[]) => {
  const { api, created } = fakeApi(jobs);
  const { ctx, went } = await appContext(api);
  const store = createJobsStore(api as Api);
  await store.load();
  const view = render(() => (
    <AppContext.Provider value={ctx}>
      <JobsView store={store} />
    </AppContext.Provider>
  ));
  return { ...view, created, went };
};

const input = (root: HTMLElement, path: string) => root.querySelector(`[data-field="${path}"]`) as HTMLInputElement;
const type = (root: HTMLElement, path: string, value: string) => fireEvent.input(input(root, path), { target: { value } });
const errorFor = (root: HTMLElement, path: string) => root.querySelector(`[data-error-for="${path}"]`)?.textContent ?? null;

describe('jobs list', () => {
  test('rows name the source file and the preset, falling back to ids; a job waiting for a worker is QUEUED', async () => {
    const { container } = await mount([
      job({ id: 'j1', status: 'QUEUED', progress: 0, range: { start: 1.5, end: 4 } }),
      job({ id: 'j2', sourceName: undefined, sourceKey: undefined, presetName: undefined, assetId: 'asset-7', presetId: 'my-preset' }),
    ]);
    const rows = [...container.querySelectorAll('[data-testid="job-row"]')];
    const cell = (row: Element, id: string) => row.querySelector(`[data-testid="${id}"]`)!.textContent!.trim();
    expect(cell(rows[0]!, 'job-source')).toStartWith('clip.mp4');
    expect(cell(rows[0]!, 'job-range')).toBe('0:01.5 – 0:04');
    expect(cell(rows[0]!, 'job-preset-name')).toBe('HLS ladder');
    expect(cell(rows[0]!, 'status')).toBe('queued');
    expect(rows[0]!.querySelector('[data-testid="progress"]')!.className).toContain('progress-queued');
    expect(rows[0]!.textContent).toContain('waiting for a worker');
    expect(rows[0]!.querySelector('[data-testid="cancel"]')).not.toBeNull(); // a queued job can be cancelled
    // An older server: ids only.
    expect(cell(rows[1]!, 'job-source')).toBe('asset-7');
    expect(cell(rows[1]!, 'job-preset-name')).toBe('my-preset');
    expect(rows[1]!.querySelector('[data-testid="job-range"]')).toBeNull();
    const filter = container.querySelector('select[aria-label="Status filter"]') as HTMLSelectElement;
    expect([...filter.options].map((o) => o.value)).toContain('QUEUED');
  });
});

describe('jobs list: outputs deleted', () => {
  test('a completed job whose outputs were deleted shows the badge; others (and older servers) do not', async () => {
    const { container } = await mount([
      job({ id: 'gone', status: 'COMPLETED', progress: 100, outputsDeleted: { at: '2026-02-01T10:00:00Z' } }),
      job({ id: 'kept', status: 'COMPLETED', progress: 100, outputsDeleted: null }),
      job({ id: 'old', status: 'COMPLETED', progress: 100 }),
    ]);
    const badge = (id: string) => container.querySelector(`[data-testid="job-row"][data-id="${id}"] [data-testid="outputs-deleted"]`);
    expect(badge('gone')!.textContent).toBe('outputs deleted');
    expect(badge('kept')).toBeNull();
    expect(badge('old')).toBeNull();
  });
});

describe('new job form: trim', () => {
  test('start and end are checked beside each field before anything is sent, then sent as range in seconds', async () => {
    const { container, getByTestId, created, went } = await mount([]);
    fireEvent.click(getByTestId('new-job'));
    await waitFor(() => expect((getByTestId('job-asset') as HTMLSelectElement).value).toBe('a1'));
    const form = getByTestId('new-job-form');
    expect(input(container, 'range.end').placeholder).toBe('0:05.06');

    type(container, 'range.start', '2');
    type(container, 'range.end', '1.5');
    fireEvent.submit(form);
    expect(errorFor(container, 'range.end')).toBe('The end must come after the start.');
    expect(errorFor(container, 'range.start')).toBeNull();
    expect(input(container, 'range.end').closest('label')!.classList.contains('invalid')).toBe(true);

    // Once shown, the messages follow the typing.
    type(container, 'range.end', '9');
    expect(errorFor(container, 'range.end')).toBe('The end is past the end of the asset (0:05.06).');
    type(container, 'range.start', '1:75');
    expect(errorFor(container, 'range.start')).toBe('Type the start as hh:mm:ss.fff or seconds, like 1:05.5 or 65.5.');
    fireEvent.submit(form);
    expect(created).toEqual([]);

    type(container, 'range.start', '0:00:01');
    type(container, 'range.end', '0:03.5');
    expect(container.querySelectorAll('[data-error-for]').length).toBe(0);
    fireEvent.submit(form);
    await waitFor(() => expect(created).toEqual([['a1', 'hls-abr', { start: 1, end: 3.5 }]]));
    await waitFor(() => expect(went).toEqual([{ name: 'job', id: 'new' }]));
  });

  test('blank fields transcode the whole asset (no range sent)', async () => {
    const { getByTestId, created } = await mount([]);
    fireEvent.click(getByTestId('new-job'));
    await waitFor(() => expect((getByTestId('job-asset') as HTMLSelectElement).value).toBe('a1'));
    fireEvent.submit(getByTestId('new-job-form'));
    await waitFor(() => expect(created).toEqual([['a1', 'hls-abr', null]]));
  });
});
