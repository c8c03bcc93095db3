/** Component tests for a detection run's page: header, controls, live graph, inspector and replay (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { ApiError, type Api, type LiveHandlers } from '../api.ts';
import type { DetectJob, DetectStatus, StageInfo } from '../detect-api.ts';
import { createDetectRunStore } from '../stores/detect-run.ts';
import { detectStatus, runEvent, stageRow as row } from '../../test/detect-fixtures.ts';
import { DetectRunView } from './detect-run-view.tsx';

const status = (over: Partial<DetectStatus> = {}) =>
  detectStatus({
    stages: [
      row('extract_frames', 'completed', { ms: 900, stats: { frames: 40, segments: 1 } }),
      row('ocr', 'running', { chunks: 4, chunksDone: 1 }),
      row('match_brands', 'waiting'),
    ],
    ...over,
  });

const ended = (over: Partial<DetectStatus> = {}) =>
  status({
    status: 'COMPLETED',
    progress: 100,
    stage: null,
    stages: [row('extract_frames', 'completed', { ms: 900 }), row('ocr', 'completed', { ms: 4000, stats: { lines: 30 } }), row('match_brands', 'completed')],
    ...over,
  });

const num = (description: string, minimum: number, maximum: number) => ({ description, type: 'number', minimum, maximum });
const info = (name: string, properties: Record<string, unknown>): StageInfo => ({
  name,
  description: `${name} stage`,
  available: true,
  schema: { type: 'object', properties },
  defaults: {},
});

const fake = (first: DetectStatus) => {
  const calls: string[] = [];
  const s = { status: first };
  let h: LiveHandlers = {};
  const answer = (name: string, next: Partial<DetectStatus>) => async () => {
    calls.push(name);
    s.status = { ...s.status, ...next };
    return s.status;
  };
  const detect = {
    status: async () => s.status,
    runJob: async () =>
      ({
        id: 'r1',
        status: s.status.status,
        params: {
          order: ['extract_frames', 'ocr', 'match_brands'],
          configs: { extract_frames: { fps: 2 }, ocr: { det_width: 960 }, match_brands: { min_similarity: 0.8 } },
        },
      }) as unknown as DetectJob,
    stages: async () => [
      info('extract_frames', { fps: num('frames a second', 0.1, 30) }),
      info('ocr', { det_width: { ...num('width', 320, 2048), type: 'integer' } }),
      info('match_brands', { min_similarity: num('least similarity', 0, 1) }),
    ],
    pipeline: async () => ({ edges: [] }),
    timeline: async () => ({ name: 'Derby, first half' }),
    brandList: async () => ({ name: 'Stadium sponsors' }),
    pause: answer('pause', { paused: true, pauseReason: 'paused by ada@example.com' }),
    resume: answer('resume', { paused: false, pauseReason: null }),
    step: answer('step', { paused: false, stepping: true }),
    stop: answer('stop', { status: 'CANCELLED' }),
    pauseAfterStage: async (_id: string, stage: string | null) => answer(`pause-after ${stage}`, { pauseAfter: stage })(),
    replayStage: async (r: { stage: string; overrides?: Record<string, unknown>; downstream?: boolean }) => {
      calls.push(`replay ${r.stage} ${JSON.stringify(r.overrides)} ${r.downstream}`);
      if (r.overrides?.fps === 25) throw new ApiError(400, 'validation', 'overrides.fps: must be at most 24 for this timeline, got 25');
      return { jobId: 'r2' };
    },
  };
  const api = {
    detect: detect as unknown as Api['detect'],
    live: (_o: unknown, handlers: LiveHandlers) => {
      h = handlers;
      return () => {};
    },
  };
  return {
    api,
    calls,
    s,
    emit: (position: number) => h.onLog!(runEvent(position)),
  };
};

const mount = async (first: DetectStatus) => {
  const f = fake(first);
  const store = createDetectRunStore(f.api, 'r1', { refetchDelayMs: 1 });
  await store.start();
  const replayed: string[] = [];
  const view = render(() => (
    <DetectRunView store={store} onReplayed={(id) => replayed.push(id)}>
      <div data-testid="tabs">report tabs</div>
    </DetectRunView>
  ));
  return { ...view, ...f, store, replayed };
};

const nodeStatus = (root: HTMLElement) =>
  Object.fromEntries([...root.querySelectorAll('[data-testid="stage-node"]')].map((n) => [n.getAttribute('data-stage'), n.getAttribute('data-status')]));

describe('detect run page', () => {
  test('a running run: what it runs, its controls, the graph, the running stage inspected, the children below', async () => {
    const { getByTestId, queryByTestId, container } = await mount(status());
    expect(getByTestId('run-status').getAttribute('data-status')).toBe('PROCESSING');
    expect(getByTestId('run-timeline-name').textContent).toBe('Derby, first half');
    expect(getByTestId('run-brands-name').textContent).toBe('Stadium sponsors');
    expect(getByTestId('run-profile-name').textContent).toBe('soccer_broadcast');
    expect(queryByTestId('detect-pause')).not.toBeNull();
    expect(queryByTestId('detect-stop')).not.toBeNull();
    expect(queryByTestId('detect-resume')).toBeNull();
    expect(queryByTestId('detect-step')).toBeNull();
    expect(queryByTestId('run-error')).toBeNull();
    expect(nodeStatus(container)).toEqual({ extract_frames: 'completed', ocr: 'running', match_brands: 'waiting' });
    expect(container.querySelectorAll('path.sg-edge')).toHaveLength(2); // no edges: a chain
    await waitFor(() => expect(getByTestId('stage-inspector').getAttribute('data-stage')).toBe('ocr'));
    expect((container.querySelector('[data-field="det_width"]') as HTMLInputElement).value).toBe('960');
    expect((getByTestId('replay-stage') as HTMLButtonElement).disabled).toBe(true);
    expect(getByTestId('tabs').textContent).toBe('report tabs');
  });

  test('the inspector follows the running stage until the user works in it', async () => {
    const { getByTestId, container, s, emit } = await mount(status());
    await waitFor(() => expect(getByTestId('stage-inspector').getAttribute('data-stage')).toBe('ocr'));
    s.status = status({ stage: 'match_brands', stages: [row('extract_frames', 'completed'), row('ocr', 'completed'), row('match_brands', 'running')] });
    emit(1);
    await waitFor(() => expect(getByTestId('stage-inspector').getAttribute('data-stage')).toBe('match_brands'));
    fireEvent.focusIn(container.querySelector('[data-field="min_similarity"]')!);
    s.status = ended();
    emit(2);
    await waitFor(() => expect(getByTestId('run-status').getAttribute('data-status')).toBe('COMPLETED'));
    expect(getByTestId('stage-inspector').getAttribute('data-stage')).toBe('match_brands'); // not back to the first
  });

  test('events light the graph up; the end hides the controls', async () => {
    const { getByTestId, queryByTestId, container, s, emit } = await mount(status());
    s.status = status({
      stages: [row('extract_frames', 'completed'), row('ocr', 'completed', { ms: 4000, stats: { lines: 30 } }), row('match_brands', 'running', { chunks: 2 })],
      stage: 'match_brands',
    });
    emit(1);
    await waitFor(() => expect(nodeStatus(container)).toEqual({ extract_frames: 'completed', ocr: 'completed', match_brands: 'running' }));
    s.status = ended();
    emit(2);
    await waitFor(() => expect(getByTestId('run-status').getAttribute('data-status')).toBe('COMPLETED'));
    expect(queryByTestId('detect-pause')).toBeNull();
    expect(queryByTestId('detect-stop')).toBeNull();
    expect(queryByTestId('pause-after')).toBeNull();
  });

  test('pause shows why, with resume and step; pause after a stage is sent', async () => {
    const { getByTestId, queryByTestId, calls } = await mount(status());
    fireEvent.click(getByTestId('detect-pause'));
    await waitFor(() => expect(getByTestId('run-paused').textContent).toContain('paused by ada@example.com'));
    expect(getByTestId('run-status').textContent).toBe('paused');
    expect(queryByTestId('detect-pause')).toBeNull();
    fireEvent.click(getByTestId('detect-step'));
    await waitFor(() => expect(calls).toContain('step'));
    await waitFor(() => expect(queryByTestId('detect-pause')).not.toBeNull());
    const select = getByTestId('pause-after') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['', 'extract_frames', 'ocr', 'match_brands']);
    fireEvent.change(select, { target: { value: 'match_brands' } });
    await waitFor(() => expect(calls).toContain('pause-after match_brands'));
    expect(select.value).toBe('match_brands');
  });

  test('a failed replay: its error, its parent, what it reused', async () => {
    const { getByTestId } = await mount(
      status({
        status: 'FAILED',
        error: 'ocr: the OCR model could not be loaded',
        parent: 'r0',
        replay: { of: 'r0', stage: 'ocr', downstream: true, reuse: ['extract_frames'] },
        stages: [row('extract_frames', 'completed', { reusedFrom: 'r0' }), row('ocr', 'failed', { reason: 'model missing' }), row('match_brands', 'waiting')],
      }),
    );
    expect(getByTestId('run-error').textContent).toBe('ocr: the OCR model could not be loaded');
    expect(getByTestId('run-parent').getAttribute('href')).toBe('#/detect/runs/r0');
    expect(getByTestId('run-parent').parentElement!.textContent).toContain('from ocr on, reusing extract_frames');
  });

  test('replay a finished stage: a refusal at its field, then the new branch without leaving the page', async () => {
    const { getByTestId, container, calls, replayed } = await mount(ended());
    await waitFor(() => expect(getByTestId('stage-inspector').getAttribute('data-stage')).toBe('extract_frames'));
    fireEvent.keyDown(container.querySelector('[data-stage="match_brands"][data-testid="stage-node"]')!, { key: 'Enter' });
    await waitFor(() => expect(getByTestId('stage-inspector').getAttribute('data-stage')).toBe('match_brands'));
    fireEvent.click(container.querySelector('[data-stage="extract_frames"][data-testid="stage-node"]')!);
    await waitFor(() => expect(getByTestId('stage-inspector').getAttribute('data-stage')).toBe('extract_frames'));
    const fps = container.querySelector('[data-field="fps"]') as HTMLInputElement;
    fireEvent.input(fps, { target: { value: '25' } });
    fireEvent.click(getByTestId('replay-stage'));
    await waitFor(() => expect(container.querySelector('[data-error-for="fps"]')?.textContent).toBe('Must be at most 24 for this timeline, got 25.'));
    expect(replayed).toEqual([]);
    fireEvent.input(fps, { target: { value: '4' } });
    fireEvent.click(getByTestId('replay-stage'));
    await waitFor(() => expect(replayed).toEqual(['r2']));
    expect(calls).toContain('replay extract_frames {"fps":4} false');
    expect(getByTestId('replay-branch').querySelector('a')!.getAttribute('href')).toBe('#/detect/runs/r2');
  });

  test('a refused control is said in words', async () => {
    const { getByTestId, api } = await mount(status());
    (api.detect as unknown as { stop: () => Promise<never> }).stop = async () => Promise.reject(new ApiError(409, 'invalid_state', 'job r1 has ended'));
    fireEvent.click(getByTestId('detect-stop'));
    await waitFor(() => expect(getByTestId('detect-stop').closest('section')!.textContent).toContain('Job r1 has ended.'));
  });
});
