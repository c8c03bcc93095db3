/** Component tests for the detection runs page: the new-run form and the paged list (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { ApiError, type Api } from '../api.ts';
import type { DetectJob, ProfileDto, RunInput } from '../detect-api.ts';
import { createDetectRunsStore } from '../stores/detect-runs.ts';
import { DetectRunsView } from './detect-runs-view.tsx';

const profile = (name: string, stages: string[]): ProfileDto => ({
  name,
  description: '',
  pipeline: { stages, edges: [] },
  configs: {},
  basedOn: null,
  builtIn: true,
  createdAt: null,
  updatedAt: null,
});

const run = (id: string, over: Record<string, unknown> = {}): DetectJob =>
  ({
    id,
    kind: 'detect',
    status: 'COMPLETED',
    error: null,
    parent: null,
    params: { timelineId: 't2', profile: 'soccer_broadcast', brandListId: 'b1', order: [], configs: {} },
    result: { report: { brands: [{}, {}, {}] }, keys: null, frames: 40 },
    createdAt: '2026-01-01T10:00:00Z',
    ...over,
  }) as unknown as DetectJob;

const fake = (refuse?: ApiError) => {
  const started: RunInput[] = [];
  const runs = [
    run('r1'),
    run('r0', {
      status: 'FAILED',
      error: 'ocr: out of memory',
      parent: 'rp',
      params: { timelineId: 'gone', profile: 'x', brandListId: 'b1', replay: { of: 'rp', stage: 'ocr' } },
      result: null,
    }),
    ...Array.from({ length: 8 }, (_, i) => run(`old${i}`)),
  ];
  const detect = {
    runs: async (q: { limit: number; offset: number }) => ({ items: runs.slice(q.offset, q.offset + q.limit), total: runs.length }),
    timelines: async () => ({
      items: [
        { id: 't1', name: 'Derby' },
        { id: 't2', name: 'Cup final' },
      ],
      total: 2,
    }),
    profiles: async () => [
      profile('soccer_broadcast', ['extract_frames', 'segment_field', 'ocr']),
      profile('generic_broadcast', ['extract_frames', 'ocr', 'compile_report']),
    ],
    brandLists: async () => ({
      items: [
        { id: 'b1', name: 'Kit makers' },
        { id: 'b2', name: 'Stadium sponsors' },
      ],
      total: 2,
    }),
    settings: async () => ({ defaultProfile: 'generic_broadcast', defaultBrandListId: 'b2', updatedBy: null, updatedAt: null }),
    run: async (r: RunInput) => {
      started.push(r);
      if (refuse) throw refuse;
      return { jobId: 'new' };
    },
  };
  return { api: { detect: detect as unknown as Api['detect'] }, started };
};

const mount = async (refuse?: ApiError) => {
  const f = fake(refuse);
  const store = createDetectRunsStore(f.api, { pageSize: 5 });
  await store.load();
  const opened: string[] = [];
  const view = render(() => <DetectRunsView store={store} onOpenRun={(id) => opened.push(id)} />);
  return { ...view, ...f, opened };
};

const select = (root: HTMLElement, id: string) => root.querySelector(`[data-testid="${id}"]`) as HTMLSelectElement;

describe('new run form', () => {
  test("detection's defaults are chosen; pause after lists the profile's stages; a start opens the run", async () => {
    const { container, getByTestId, started, opened } = await mount();
    expect(select(container, 'run-timeline').value).toBe('t1');
    expect(select(container, 'run-profile').value).toBe('generic_broadcast');
    expect(select(container, 'run-brands').value).toBe('b2');
    expect([...select(container, 'run-pause-after').options].map((o) => o.value)).toEqual(['', 'extract_frames', 'ocr', 'compile_report']);

    fireEvent.change(select(container, 'run-profile'), { target: { value: 'soccer_broadcast' } });
    await waitFor(() => expect([...select(container, 'run-pause-after').options].map((o) => o.value)).toEqual(['', 'extract_frames', 'segment_field', 'ocr']));
    fireEvent.change(select(container, 'run-timeline'), { target: { value: 't2' } });
    fireEvent.change(select(container, 'run-pause-after'), { target: { value: 'segment_field' } });
    fireEvent.click(getByTestId('run-step'));
    fireEvent.click(getByTestId('start-run'));
    await waitFor(() => expect(opened).toEqual(['new']));
    expect(started).toEqual([{ timelineId: 't2', profile: 'soccer_broadcast', brandListId: 'b2', pauseAfter: 'segment_field', step: true }]);
  });

  test('a refusal naming a field shows at it; any other above, in words', async () => {
    const a = await mount(new ApiError(400, 'validation', 'brandListId: brand list b2 has no brands'));
    fireEvent.click(a.getByTestId('start-run'));
    await waitFor(() => expect(a.container.querySelector('[data-error-for="brandListId"]')?.textContent).toBe('Brand list b2 has no brands.'));
    expect(a.opened).toEqual([]);
    a.unmount();

    const b = await mount(new ApiError(0, 'network', 'The server could not be reached. Is MPR running?'));
    fireEvent.click(b.getByTestId('start-run'));
    await waitFor(() => expect(b.getByTestId('run-refusal').textContent).toBe('The server could not be reached. Is MPR running?'));
  });
});

describe('runs list', () => {
  test('rows: status, timeline by name, profile, brands seen, a link; a replay names its parent; paged', async () => {
    const { container, getByTestId } = await mount();
    const rows = () => [...container.querySelectorAll('[data-testid="run-row"]')];
    expect(rows().map((r) => r.getAttribute('data-id'))).toEqual(['r1', 'r0', 'old0', 'old1', 'old2']);
    const [first, second] = rows();
    expect(first!.querySelector('a')!.getAttribute('href')).toBe('#/detect/runs/r1');
    expect(first!.querySelector('[data-label="Timeline"]')!.textContent).toBe('Cup final');
    expect(first!.querySelector('[data-label="Profile"]')!.textContent).toBe('soccer_broadcast');
    expect(first!.querySelector('[data-label="Brand list"]')!.textContent).toBe('Kit makers');
    expect(first!.querySelector('[data-label="Brands seen"]')!.textContent).toBe('3');
    expect(first!.querySelector('[data-testid="status"]')!.textContent).toBe('completed');
    expect(second!.querySelector('[data-label="Timeline"]')!.textContent).toBe('gone'); // deleted since: the id
    expect(second!.textContent).toContain('replay of rp (ocr)');
    expect(second!.querySelector('.reason')!.textContent).toBe('ocr: out of memory');
    fireEvent.click(getByTestId('next-page'));
    await waitFor(() => expect(rows().map((r) => r.getAttribute('data-id'))).toEqual(['old3', 'old4', 'old5', 'old6', 'old7']));
  });
});
