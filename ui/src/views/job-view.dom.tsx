/** Component tests for the job page: source and preset by name, the trim range, outputs deleted and Run again (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { ApiError, type Api } from '../api.ts';
import { AppContext } from '../context.ts';
import { createJobDetailStore, type JobDetailApi } from '../stores/job-detail.ts';
import type { Asset, Job, StoredEvent } from '../types.ts';
import { appContext, asset, job } from '../../test/fixtures.ts';
import { JobView } from './job-view.tsx';

const mount = async (j: Job, extra: Partial<Api> = {}, events: StoredEvent[] = []) => {
  const api: JobDetailApi = {
    getJob: async () => j,
    jobChunks: async () => ({ items: [] }),
    jobEvents: async () => ({ items: events }),
    jobStateAt: async () => Promise.reject(new Error('unused')),
    forkJob: async () => Promise.reject(new Error('unused')),
    cancelJob: async () => Promise.reject(new Error('unused')),
    retryJob: async () => Promise.reject(new Error('unused')),
    live: () => () => {},
  };
  const { ctx, went } = await appContext({ ...api, ...extra } as Partial<Api>);
  const store = createJobDetailStore(api, j.id);
  await store.refresh();
  const view = render(() => (
    <AppContext.Provider value={ctx}>
      <JobView store={store} />
    </AppContext.Provider>
  ));
  await waitFor(() => expect(view.getByTestId('job-source')).toBeTruthy());
  return { ...view, went };
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

describe('job page: outputs deleted with the asset', () => {
  const deletedAt = '2026-02-01T10:00:00Z';
  const gone = job({ id: 'j1', status: 'COMPLETED', progress: 100, completedAt: '2026-01-01T00:01:00Z', outputsDeleted: { at: deletedAt } });
  const event = (stream: string, position: number, type: string): StoredEvent => ({
    stream,
    version: 1,
    position,
    type,
    data: {},
    meta: { at: '2026-01-01T00:00:00Z', actor: 'api', causationId: null, correlationId: null },
  });
  // The job's log as the page reads it: a chunk's event comes first, the job's own first event after it.
  const log = [event('chunk:j1:0', 3, 'ChunkCreated'), event('job:j1', 7, 'JobCreated'), event('job:j1', 9, 'JobCompleted')];
  const forked = () => {
    const calls: [string, unknown][] = [];
    const forkJob: Api['forkJob'] = async (id, body) => {
      calls.push([id, body]);
      return job({ id: 'j2', parent: 'j1', status: 'PENDING' });
    };
    return { calls, forkJob };
  };

  test('a notice replaces the outputs; Run again forks the job from its first event with no overrides and opens the new job', async () => {
    const fork = forked();
    const assetsAsked: string[] = [];
    const getAsset = async (id: string): Promise<Asset> => {
      assetsAsked.push(id);
      return asset({ id });
    };
    const { getByTestId, queryByText, went } = await mount(gone, { forkJob: fork.forkJob, getAsset }, log);
    expect(getByTestId('outputs-deleted').textContent).toBe('outputs deleted');
    expect(getByTestId('outputs-deleted-notice').textContent).toContain('deleted with its asset');
    expect(queryByText('Outputs appear here when the job completes.')).toBeNull();
    expect(queryByText('This job kind has no media outputs.')).toBeNull();
    await waitFor(() => expect((getByTestId('run-again') as HTMLButtonElement).disabled).toBe(false));
    expect(assetsAsked).toEqual(['a1']);
    fireEvent.click(getByTestId('run-again'));
    await waitFor(() => expect(went).toEqual([{ name: 'job', id: 'j2' }]));
    expect(fork.calls).toEqual([['j1', { fromPosition: 7 }]]);
  });

  test('the asset is gone: it says why and offers nothing to press', async () => {
    const fork = forked();
    const getAsset = async (): Promise<Asset> => Promise.reject(new ApiError(404, 'not_found', 'no asset a1'));
    const { getByTestId, queryByTestId } = await mount(gone, { forkJob: fork.forkJob, getAsset }, log);
    await waitFor(() => expect(getByTestId('run-again-blocked').textContent).toContain('was deleted with these outputs'));
    expect(getByTestId('run-again-blocked').textContent).toContain('shows/day one/clip.mp4');
    expect(getByTestId('run-again-blocked').textContent).toContain('rescan');
    expect(queryByTestId('run-again')).toBeNull();
    expect(fork.calls).toEqual([]);
  });

  test('the source file went missing: it says so', async () => {
    const getAsset = async (): Promise<Asset> => asset({ status: 'missing', reason: 'not in the input store' });
    const { getByTestId, queryByTestId } = await mount(gone, { getAsset }, log);
    await waitFor(() => expect(getByTestId('run-again-blocked').textContent).toContain('is missing from the input store'));
    expect(queryByTestId('run-again')).toBeNull();
  });

  test('a refused fork shows the server’s sentence and stays on the page', async () => {
    const getAsset = async (id: string): Promise<Asset> => asset({ id });
    const forkJob: Api['forkJob'] = async () => Promise.reject(new ApiError(409, 'conflict', 'too many jobs queued; try again later'));
    const { getByTestId, findByRole, went } = await mount(gone, { getAsset, forkJob }, log);
    await waitFor(() => expect((getByTestId('run-again') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(getByTestId('run-again'));
    expect((await findByRole('alert')).textContent).toBe('Too many jobs queued; try again later.');
    expect(went).toEqual([]);
  });

  test('a completed job with its outputs shows no notice', async () => {
    const { queryByTestId, getByText } = await mount(job({ status: 'COMPLETED', progress: 100, outputsDeleted: null }));
    expect(queryByTestId('outputs-deleted')).toBeNull();
    expect(queryByTestId('outputs-deleted-notice')).toBeNull();
    expect(getByText('This job kind has no media outputs.')).toBeTruthy();
  });
});
