/** Component tests for the job page header: source and preset by name, the trim range (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { render, waitFor } from '@solidjs/testing-library';
import type { Api } from '../api.ts';
import { AppContext } from '../context.ts';
import { createJobDetailStore, type JobDetailApi } from '../stores/job-detail.ts';
import type { Job } from '../types.ts';
import { appContext, job } from '../../test/fixtures.ts';
import { JobView } from './job-view.tsx';

const mount = async (j: Job) => {
  const api: JobDetailApi = {
    getJob: async () => j,
    jobChunks: async () => ({ items: [] }),
    jobEvents: async () => ({ items: [] }),
    jobStateAt: async () => Promise.reject(new Error('unused')),
    forkJob: async () => Promise.reject(new Error('unused')),
    cancelJob: async () => Promise.reject(new Error('unused')),
    retryJob: async () => Promise.reject(new Error('unused')),
    live: () => () => {},
  };
  const { ctx } = await appContext(api as Partial<Api>);
  const store = createJobDetailStore(api, j.id);
  await store.refresh();
  const view = render(() => (
    <AppContext.Provider value={ctx}>
      <JobView store={store} />
    </AppContext.Provider>
  ));
  await waitFor(() => expect(view.getByTestId('job-source')).toBeTruthy());
  return view;
};

describe('job page', () => {
  test('names the source file and the preset, and shows the trim range', async () => {
    const { getByTestId } = await mount(job({ range: { start: 1.5, end: 4.25 }, status: 'QUEUED' }));
    expect(getByTestId('job-source').textContent).toBe('clip.mp4');
    expect(getByTestId('job-source').title).toContain('shows/day one/clip.mp4');
    expect(getByTestId('job-preset-name').textContent).toBe('HLS ladder');
    expect(getByTestId('job-range').textContent).toBe('0:01.5 – 0:04.25 (0:02.75)');
    expect(getByTestId('status').textContent).toBe('queued');
  });

  test('an older server: ids, the preset named from the loaded list, the range from the params', async () => {
    const { getByTestId } = await mount(
      job({ sourceName: undefined, sourceKey: undefined, presetName: undefined, range: undefined, params: { range: { start: 0, end: 2 } } }),
    );
    expect(getByTestId('job-source').textContent).toBe('a1');
    expect(getByTestId('job-preset-name').textContent).toBe('HLS ladder');
    expect(getByTestId('job-range').textContent).toBe('0:00 – 0:02 (0:02)');
  });

  test('no range: the whole source', async () => {
    const { getByTestId } = await mount(job());
    expect(getByTestId('job-range').textContent).toBe('whole source');
  });
});
