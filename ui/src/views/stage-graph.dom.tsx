/** Component tests for the stage graph (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import type { StageRow } from '../../../src/types/detect-run.ts';
import { stageRow as row } from '../../test/detect-fixtures.ts';
import { StageGraph } from './stage-graph.tsx';

const stages = (): StageRow[] => [
  row('extract_frames', 'completed', { ms: 1234, stats: { frames: 40, segments: 2, cached: 0 } }),
  row('detect_objects', 'skipped', { reason: 'not available yet' }),
  row('ocr', 'running', { chunks: 4, chunksDone: 1, ms: 5000 }),
  row('match_brands', 'failed', { reason: 'brand index could not be built: out of memory' }),
  row('escalate_vlm', 'waiting'),
];

const edges = [
  { from: 'extract_frames', to: 'detect_objects', flow: 'all' },
  { from: 'detect_objects', to: 'ocr', flow: 'all' },
  { from: 'ocr', to: 'match_brands', flow: 'all' },
  { from: 'match_brands', to: 'escalate_vlm', flow: 'unresolved' },
];

const node = (root: HTMLElement, stage: string) => root.querySelector(`[data-testid="stage-node"][data-stage="${stage}"]`) as SVGGElement;

describe('stage graph', () => {
  test('each node shows its status: progress, time and counts, why skipped, the error', () => {
    const { container, getByTestId } = render(() => <StageGraph stages={stages()} edges={edges} selected={null} onSelect={() => {}} />);
    expect(getByTestId('stage-graph').querySelector('svg > title')!.textContent).toBe('Stages of this run: ocr running');
    expect(
      [...container.querySelectorAll('[data-testid="stage-node"]')].map((n) => `${n.getAttribute('data-stage')}:${n.getAttribute('data-status')}`),
    ).toEqual(['extract_frames:completed', 'detect_objects:skipped', 'ocr:running', 'match_brands:failed', 'escalate_vlm:waiting']);
    const done = node(container, 'extract_frames');
    expect(done.querySelector('.sg-line2')!.textContent).toBe('1.23 s');
    expect(done.querySelector('.sg-line3')!.textContent).toBe('frames 40 · segments 2'); // two counts, not the third
    expect(done.querySelector('title')!.textContent).toBe('extract_frames: done in 1.23 s; frames 40, segments 2, cached 0');

    const skipped = node(container, 'detect_objects');
    expect(skipped.querySelector('title')!.textContent).toBe('detect_objects: skipped: not available yet');
    expect(skipped.querySelector('.sg-line3')!.textContent).toBe('not available yet');

    const running = node(container, 'ocr');
    expect(running.textContent).toContain('running 1/4');
    expect(running.querySelector('[data-testid="stage-progress"]')!.getAttribute('data-share')).toBe('0.25');

    const failed = node(container, 'match_brands');
    expect(failed.querySelector('.sg-error')!.textContent).toBe('brand index could not be…');
    expect(failed.querySelector('title')!.textContent).toBe('match_brands: failed: brand index could not be built: out of memory');

    const paths = [...container.querySelectorAll('path.sg-edge')];
    expect(paths).toHaveLength(4);
    expect(paths.filter((p) => p.classList.contains('sg-edge-dashed')).map((p) => p.querySelector('title')!.textContent)).toEqual([
      'match_brands → escalate_vlm: only what it could not resolve',
    ]);
  });

  test('nodes are focusable and Enter or a click selects; the selected one is marked', () => {
    const picked: string[] = [];
    const [selected, setSelected] = createSignal<string | null>('ocr');
    const { container } = render(() => (
      <StageGraph
        stages={stages()}
        edges={edges}
        selected={selected()}
        onSelect={(s) => {
          picked.push(s);
          setSelected(s);
        }}
      />
    ));
    expect(node(container, 'ocr').classList.contains('sg-selected')).toBe(true);
    expect(node(container, 'ocr').getAttribute('tabindex')).toBe('0');
    fireEvent.keyDown(node(container, 'match_brands'), { key: 'Enter' });
    fireEvent.click(node(container, 'extract_frames'));
    fireEvent.keyDown(node(container, 'ocr'), { key: 'Tab' });
    expect(picked).toEqual(['match_brands', 'extract_frames']);
    expect(node(container, 'extract_frames').classList.contains('sg-selected')).toBe(true);
    expect(node(container, 'ocr').classList.contains('sg-selected')).toBe(false);
  });

  test('no edges: a chain; a status update keeps the nodes (and so the focus)', () => {
    const [rows, setRows] = createSignal(stages());
    const { container } = render(() => <StageGraph stages={rows()} edges={[]} selected={null} onSelect={() => {}} />);
    expect(container.querySelectorAll('path.sg-edge')).toHaveLength(4);
    const before = node(container, 'ocr');
    before.focus();
    setRows(stages().map((r) => (r.stage === 'ocr' ? { ...r, status: 'completed', ms: 80_000, stats: { lines: 1200, frames: 40 } } : r)));
    const after = node(container, 'ocr');
    expect(after).toBe(before);
    expect(document.activeElement).toBe(after);
    expect(after.getAttribute('data-status')).toBe('completed');
    expect(after.textContent).toContain('1 min 20 s');
    expect(after.textContent).toContain('lines 1.2k · frames 40');
  });
});
