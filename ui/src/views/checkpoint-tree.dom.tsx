/** Component tests for the checkpoint tree: rows as the graph lays them out, the current run, links, picks (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { ApiError } from '../api.ts';
import type { CheckpointNode } from '../detect-api.ts';
import { type CheckpointsApi, createCheckpointsStore } from '../stores/checkpoints.ts';
import { J1, J2, J3, J5, TL, checkpoints, detectJobs } from '../../test/checkpoint-fixtures.ts';
import { CheckpointTree } from './checkpoint-tree.tsx';

const mount = async (opts: { nodes?: () => Promise<CheckpointNode[]>; currentJobId?: string | null } = {}) => {
  const asked: string[] = [];
  const opened: string[] = [];
  const jobs = detectJobs();
  const api = {
    detect: {
      checkpoints: async () => (opts.nodes ? opts.nodes() : checkpoints()),
      runJob: async (id: string) => {
        asked.push(id);
        return jobs[id]!;
      },
    },
  } as unknown as CheckpointsApi;
  const store = createCheckpointsStore(api, TL);
  await store.load();
  const view = render(() => <CheckpointTree store={store} currentJobId={opts.currentJobId ?? null} onOpenRun={(id) => opened.push(id)} />);
  const nodes = () => [...view.container.querySelectorAll<HTMLElement>('[data-testid="checkpoint-node"]')];
  const node = (id: string) => view.container.querySelector<HTMLElement>(`[data-testid="checkpoint-node"][data-id="${id}"]`)!;
  const pickOf = (id: string) => node(id).querySelector<HTMLButtonElement>('[data-testid="checkpoint-pick"]')!;
  return { ...view, store, asked, opened, nodes, node, pickOf };
};

describe('checkpoint tree', () => {
  test('one row per checkpoint, depth first: stage, job, time, key stats and overrides as chips', async () => {
    const { nodes, node, getByTestId } = await mount();
    expect(getByTestId('checkpoint-tree').textContent).toContain('14 checkpoints');
    expect(nodes().map((n) => `${n.dataset.stage}@${n.dataset.job}`)).toEqual([
      `extract_frames@${J1}`,
      `filter_scenes@${J1}`,
      `detect_edges@${J1}`,
      `preprocess@${J1}`,
      `ocr@${J1}`,
      `match_brands@${J1}`,
      `compile_report@${J1}`,
      `match_brands@${J2}`,
      `compile_report@${J2}`,
      `compile_report@Mc9gT3jN5wXa`,
      `ocr@${J3}`,
      `match_brands@${J3}`,
      `compile_report@${J3}`,
      `extract_frames@${J5}`,
    ]);
    const replay = node(`${J2}-match_brands`);
    expect(replay.querySelector('.cp-stage')!.textContent).toBe('match_brands');
    expect(replay.querySelector('a')!.textContent).toBe(J2.slice(0, 8));
    expect(replay.querySelector('a')!.getAttribute('href')).toBe(`#/detect/runs/${J2}`);
    expect(replay.textContent).toContain('90 ms');
    expect(replay.querySelector('.cp-stats')!.textContent).toBe('hits 24unresolved 9frames 20');
    expect([...replay.querySelectorAll('.cp-chip')].map((c) => c.textContent)).toEqual(['min_similarity: 0.99']);
    expect(node(`${J1}-ocr`).querySelector('.cp-chips')).toBeNull(); // no overrides, no chips
    expect(node(`${J1}-ocr`).textContent).toContain('14.2 s');
    expect(node(`${J1}-compile_report`).querySelector('.cp-stats')!.textContent).toBe('brands 3intervals 4');
    expect(node(`${J3}-ocr`).dataset.depth).toBe('4');
  });

  test('the graph: each row’s SVG has a title, lines in the lanes, a branch leaving sideways', async () => {
    const { node } = await mount();
    const svg = node(`${J1}-ocr`).querySelector('svg')!;
    expect(svg.querySelector('title')!.textContent).toBe('ocr, lane 1 of 4, a branch leaves here');
    // lane 0 through, lane 1 from the dot down (J2's branch), lane 3 through (J3's branch from preprocess), and the branch itself
    const lines = [...svg.querySelectorAll('line')].map((l) => [l.getAttribute('x1'), l.getAttribute('y1'), l.getAttribute('x2'), l.getAttribute('y2')]);
    expect(lines).toEqual([
      ['12.5%', '0', '12.5%', '100%'],
      ['37.5%', '15', '37.5%', '100%'],
      ['87.5%', '0', '87.5%', '100%'],
      ['12.5%', '15', '37.5%', '15'],
    ]);
    expect(svg.querySelector('circle')!.getAttribute('cx')).toBe('12.5%');
    expect([...svg.querySelectorAll('line, circle, title')].every((e) => e.namespaceURI === 'http://www.w3.org/2000/svg')).toBe(true);
    expect(node(`${J3}-ocr`).querySelector('circle')!.getAttribute('cx')).toBe('87.5%');
  });

  test('the current job’s checkpoints are marked; a plain click on a job opens its run in the app', async () => {
    const { node, nodes, opened } = await mount({ currentJobId: J2 });
    expect(
      nodes()
        .filter((n) => n.hasAttribute('data-current'))
        .map((n) => n.dataset.id),
    ).toEqual([`${J2}-match_brands`, `${J2}-compile_report`]);
    expect(node(`${J2}-match_brands`).textContent).toContain('this run');
    expect(node(`${J1}-ocr`).textContent).not.toContain('this run');
    fireEvent.click(node(`${J2}-match_brands`).querySelector('a')!);
    expect(opened).toEqual([J2]);
    fireEvent.click(node(`${J1}-ocr`).querySelector('a')!, { ctrlKey: true }); // a new tab: the link's own way
    expect(opened).toEqual([J2]);
  });

  test('pick buttons toggle (aria-pressed, A then B), fetch the job, and a third pick replaces the older', async () => {
    const { pickOf, asked, store } = await mount();
    const a = `${J2}-compile_report`;
    const b = `${J3}-compile_report`;
    expect(pickOf(a).getAttribute('aria-pressed')).toBe('false');
    expect(pickOf(a).textContent).toBe('Compare');
    fireEvent.click(pickOf(a));
    fireEvent.click(pickOf(b));
    expect(pickOf(a).getAttribute('aria-pressed')).toBe('true');
    expect([pickOf(a).textContent, pickOf(b).textContent]).toEqual(['A', 'B']);
    await waitFor(() => expect(asked).toEqual([J2, J3]));
    fireEvent.click(pickOf(`${J1}-ocr`));
    expect(pickOf(a).getAttribute('aria-pressed')).toBe('false');
    expect([pickOf(b).textContent, pickOf(`${J1}-ocr`).textContent]).toEqual(['A', 'B']);
    fireEvent.click(pickOf(b)); // unpick
    expect(store.picked()).toEqual([`${J1}-ocr`]);
    expect(pickOf(`${J1}-ocr`).textContent).toBe('A');
  });

  test('a failed load is said in words; an empty timeline says how checkpoints come', async () => {
    const failed = await mount({ nodes: () => Promise.reject(new ApiError(404, 'not_found', 'no timeline tl1')) });
    expect(failed.getByRole('alert').textContent).toContain('No timeline tl1.');
    failed.unmount();
    const empty = await mount({ nodes: async () => [] });
    expect(empty.getByTestId('checkpoint-tree').textContent).toContain('No checkpoints yet');
    expect(empty.nodes()).toHaveLength(0);
  });

  test('refresh fetches the tree again and shows what is new', async () => {
    let list = checkpoints().slice(0, 7);
    const { nodes, getByText } = await mount({ nodes: async () => list });
    expect(nodes()).toHaveLength(7);
    list = checkpoints();
    fireEvent.click(getByText('Refresh'));
    await waitFor(() => expect(nodes()).toHaveLength(14));
  });
});
