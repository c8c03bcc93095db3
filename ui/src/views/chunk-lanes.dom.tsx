/** Component tests for the job page's chunk lanes: by attempt, with a picker for older ones (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { Show } from 'solid-js';
import { createJobDetailStore, type JobDetailApi } from '../stores/job-detail.ts';
import type { Chunk } from '../types.ts';
import { chunk, job } from '../../test/fixtures.ts';
import { ChunkLanes } from './chunk-lanes.tsx';

const byAttempt: Record<number, Chunk[]> = {
  1: [chunk(0, 1, 'SUCCEEDED'), chunk(1, 1, 'FAILED', { error: 'ffmpeg exited with code 1' }), chunk(2, 1, 'CANCELLED')],
  2: [chunk(0, 2, 'RUNNING'), chunk(1, 2, 'QUEUED'), chunk(2, 2, 'SUCCEEDED')],
};

const mount = async () => {
  const asked: (number | undefined)[] = [];
  const api: JobDetailApi = {
    getJob: async () => job({ attempt: 2, status: 'PROCESSING' }),
    // As the server answers: no attempt means the job's current one.
    jobChunks: async (_id, attempt) => {
      asked.push(attempt);
      return { items: byAttempt[attempt ?? 2] ?? [] };
    },
    jobEvents: async () => ({ items: [] }),
    jobStateAt: async () => Promise.reject(new Error('not in this test')),
    forkJob: async () => Promise.reject(new Error('not in this test')),
    cancelJob: async () => Promise.reject(new Error('not in this test')),
    retryJob: async () => Promise.reject(new Error('not in this test')),
    live: () => () => {},
  };
  const store = createJobDetailStore(api, 'j1');
  await store.refresh();
  const view = render(() => <Show when={store.job()}>{(j) => <ChunkLanes store={store} job={j()} />}</Show>);
  const lanes = () => [...view.container.querySelectorAll('[data-testid="lane"]')] as HTMLElement[];
  return { ...view, store, asked, lanes };
};

describe('chunk lanes', () => {
  test('the current attempt by default, labelled with it; each status has its own look', async () => {
    const { lanes, getByTestId, store } = await mount();
    expect(getByTestId('lanes-attempt').textContent).toBe('attempt 2 (current)');
    expect(lanes().map((l) => [l.dataset.attempt, l.dataset.status])).toEqual([
      ['2', 'RUNNING'],
      ['2', 'QUEUED'],
      ['2', 'SUCCEEDED'],
    ]);
    const bar = (i: number) => lanes()[i]!.querySelector('.lane-bar')!.className;
    expect(bar(0)).toContain('lane-running');
    expect(bar(1)).toContain('lane-queued');
    expect(bar(1)).not.toContain('lane-running');
    expect(bar(2)).toContain('lane-succeeded');
    // Live progress of the running chunk of this attempt.
    store.onTelemetry({ topic: 'job:j1', kind: 'chunk-progress', data: { jobId: 'j1', percent: 40, fps: null, etaSeconds: null, n: 0, attempt: 2 }, at: '' });
    expect(lanes()[0]!.querySelector('.lane-status')!.textContent).toBe('40%');
    expect((lanes()[0]!.querySelector('.lane-fill') as HTMLElement).style.width).toBe('40%');
    // An older attempt's tick does not move this lane.
    store.onTelemetry({ topic: 'job:j1', kind: 'chunk-progress', data: { jobId: 'j1', percent: 90, fps: null, etaSeconds: null, n: 0, attempt: 1 }, at: '' });
    expect(lanes()[0]!.querySelector('.lane-status')!.textContent).toBe('40%');
  });

  test('the attempt picker shows an older attempt, and picking the current one follows it again', async () => {
    const { lanes, getByTestId, asked } = await mount();
    const picker = getByTestId('attempt-picker') as HTMLSelectElement;
    expect([...picker.options].map((o) => o.textContent)).toEqual(['attempt 2 (current)', 'attempt 1']);
    fireEvent.change(picker, { target: { value: '1' } });
    await waitFor(() => expect(lanes().map((l) => l.dataset.status)).toEqual(['SUCCEEDED', 'FAILED', 'CANCELLED']));
    expect(asked.at(-1)).toBe(1);
    expect(lanes().every((l) => l.dataset.attempt === '1')).toBe(true);
    expect(getByTestId('lanes-attempt').textContent).toBe('attempt 1 of 2');
    expect(
      lanes().map((l) =>
        l
          .querySelector('.lane-bar')!
          .className.split(' ')
          .find((c) => c !== 'lane-bar'),
      ),
    ).toEqual(['lane-succeeded', 'lane-failed', 'lane-cancelled']);
    expect(lanes()[1]!.title).toContain('ffmpeg exited with code 1');
    fireEvent.change(picker, { target: { value: '2' } });
    await waitFor(() => expect(lanes().map((l) => l.dataset.attempt)).toEqual(['2', '2', '2']));
    expect(asked.at(-1)).toBeUndefined();
  });

  test('one attempt only: no picker', async () => {
    const api: JobDetailApi = {
      getJob: async () => job({ attempt: 1 }),
      jobChunks: async () => ({ items: [chunk(0, 1, 'QUEUED')] }),
      jobEvents: async () => ({ items: [] }),
      jobStateAt: async () => Promise.reject(new Error('unused')),
      forkJob: async () => Promise.reject(new Error('unused')),
      cancelJob: async () => Promise.reject(new Error('unused')),
      retryJob: async () => Promise.reject(new Error('unused')),
      live: () => () => {},
    };
    const store = createJobDetailStore(api, 'j1');
    await store.refresh();
    const { container, getByTestId } = render(() => <Show when={store.job()}>{(j) => <ChunkLanes store={store} job={j()} />}</Show>);
    expect(getByTestId('lanes-attempt').textContent).toBe('attempt 1');
    expect(container.querySelector('[data-testid="attempt-picker"]')).toBeNull();
  });
});
