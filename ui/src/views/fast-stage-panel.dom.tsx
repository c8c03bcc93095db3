/** The fast-stage panel with a fake fast path and a fake api: sliders from the schema, a redraw per change, errors in words, the replay (DOM: happy-dom). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import type { Api } from '../api.ts';
import { ApiError } from '../api.ts';
import type { StageInfo } from '../detect-api.ts';
import type { FastAsk, FastOutcome, FastStageClient } from '../cv/fast-stage-client.ts';
import type { FastResult } from '../cv/fast-stage-core.ts';
import { FastStagePanel } from './fast-stage-panel.tsx';

const fieldInfo: StageInfo = {
  name: 'segment_field',
  description: 'Playing-field mask',
  available: true,
  schema: {
    type: 'object',
    properties: {
      hue: { type: 'array', items: { type: 'number', minimum: 0, maximum: 180 }, minItems: 2, maxItems: 2, default: [35, 85], description: 'field hue range' },
      saturation_min: { type: 'integer', minimum: 0, maximum: 255, default: 40, description: 'least saturation of field pixels' },
      min_region_share: { type: 'number', minimum: 0, maximum: 1, default: 0.002, description: 'smallest candidate region' },
    },
  },
  defaults: { hue: [35, 85], saturation_min: 40, min_region_share: 0.002 },
};

const edgeInfo: StageInfo = {
  name: 'detect_edges',
  description: 'Canny and Hough',
  available: true,
  schema: { type: 'object', properties: { canny_low: { type: 'integer', minimum: 0, maximum: 255, default: 60, description: 'Canny low threshold' } } },
  defaults: { canny_low: 60 },
};

/** A field result whose share is the saturation_min it was asked with, over 100: each redraw shows which settings it came from. */
const answer = (ask: FastAsk): FastResult =>
  ask.stage === 'segment_field'
    ? {
        stage: 'segment_field',
        width: 64,
        height: 36,
        share: (ask.settings.saturation_min as number) / 100,
        scale: 1,
        mask: { width: 64, height: 36, data: new Uint8Array(64 * 36) },
        regions: [{ box: { x: 0, y: 0, w: 64, h: 10 }, kind: 'region', area: 640 }],
      }
    : {
        stage: 'detect_edges',
        width: 64,
        height: 36,
        scale: 1,
        segments: [],
        proposals: Array.from({ length: (ask.settings.canny_low as number) % 7 }, (_, i) => ({
          box: { x: i, y: 0, w: 20, h: 5 },
          source: 'lines' as const,
          score: 1,
          angle: 0,
        })),
      };

const fakeClient = (fail?: (ask: FastAsk) => string | null) => {
  const asks: FastAsk[] = [];
  let disposed = 0;
  const client: FastStageClient = {
    view: () => ({
      run: async (ask): Promise<FastOutcome> => {
        asks.push(ask);
        const why = fail?.(ask);
        if (why) return { status: 'failed', ask, error: why };
        return { status: 'done', ask, result: answer(ask), timings: { loadMs: asks.length === 1 ? 812 : null, decodeMs: 4, stageMs: 17.3 }, totalMs: 23 };
      },
      dispose: () => {
        disposed++;
      },
    }),
    started: () => asks.length > 0,
    terminate: () => {},
  };
  return { client, asks, disposed: () => disposed };
};

const fakeApi = (o: { frameFails?: number } = {}) => {
  const frameCalls: [string, number][] = [];
  const stageCalls: string[] = [];
  const api = {
    detect: {
      stage: async (name: string) => {
        stageCalls.push(name);
        return name === 'segment_field' ? fieldInfo : edgeInfo;
      },
      frameImage: async (jobId: string, seq: number) => {
        frameCalls.push([jobId, seq]);
        if (seq === o.frameFails) throw new ApiError(404, 'not_found', 'frame 7 is not in the cache of run job-1');
        return new Blob([new Uint8Array([0xff, 0xd8, seq])], { type: 'image/jpeg' });
      },
    },
  } as unknown as Pick<Api, 'detect'>;
  return { api, frameCalls, stageCalls };
};

const mount = (o: { frameFails?: number; fail?: (ask: FastAsk) => string | null; configs?: Record<string, Record<string, unknown>> } = {}) => {
  const f = fakeClient(o.fail);
  const a = fakeApi(o);
  const replays: [string, Record<string, unknown>][] = [];
  const view = render(() => (
    <FastStagePanel
      api={a.api}
      jobId="job-1"
      frames={12}
      configs={o.configs ?? { segment_field: { saturation_min: 50 }, detect_edges: { canny_low: 60 } }}
      onReplay={(stage, overrides) => replays.push([stage, overrides])}
      client={f.client}
    />
  ));
  return { ...view, ...f, ...a, replays };
};

const canvas = (root: HTMLElement) => root.querySelector('[data-testid="fast-canvas"]') as HTMLCanvasElement;
const setting = (root: HTMLElement, path: string) => root.querySelector(`[data-testid="fast-setting"][data-field="${path}"]`) as HTMLElement;
const slide = (root: HTMLElement, path: string, value: string) =>
  fireEvent.input(setting(root, path).querySelector('input[type="range"]')!, { target: { value } });

describe('fast stage panel', () => {
  test("opens on segment_field at frame 0 with the run's settings, and draws the result with its share and time", async () => {
    const { container, asks, stageCalls, frameCalls, getByTestId } = mount();
    await waitFor(() => expect(canvas(container).dataset.share).toBe('0.500'));
    expect(stageCalls).toEqual(['segment_field']);
    expect(frameCalls).toEqual([['job-1', 0]]);
    // The stage's defaults under the run's config.
    expect(asks[0]).toMatchObject({ key: 'job-1:0', stage: 'segment_field', settings: { hue: [35, 85], saturation_min: 50, min_region_share: 0.002 } });
    expect(canvas(container).dataset.seq).toBe('0');
    expect(canvas(container).dataset.proposals).toBeUndefined();
    expect(getByTestId('fast-time').textContent).toBe('23 ms in your browser (decode 4.0 ms, segment_field 17 ms) · OpenCV.js started in 812 ms');
    const paths = [...container.querySelectorAll('[data-testid="fast-setting"]')].map((e) => e.getAttribute('data-field'));
    expect(paths).toEqual(['hue[0]', 'hue[1]', 'saturation_min', 'min_region_share']);
    const sat = setting(container, 'saturation_min').querySelector('input[type="range"]') as HTMLInputElement;
    expect([sat.min, sat.max, sat.step, sat.value]).toEqual(['0', '255', '1', '50']);
    expect(setting(container, 'saturation_min').textContent).toContain('Saturation min');
  });

  test('every slider move redraws from the worker, without fetching the frame again', async () => {
    const { container, asks, frameCalls } = mount();
    await waitFor(() => expect(asks.length).toBe(1));
    slide(container, 'saturation_min', '73');
    await waitFor(() => expect(canvas(container).dataset.share).toBe('0.730'));
    slide(container, 'hue[1]', '95');
    await waitFor(() => expect(asks.at(-1)!.settings.hue).toEqual([35, 95]));
    // A range end never crosses the other.
    slide(container, 'hue[0]', '120');
    await waitFor(() => expect(asks.at(-1)!.settings.hue).toEqual([95, 95]));
    // The typed value box is clamped to the schema's bounds.
    fireEvent.change(setting(container, 'saturation_min').querySelector('input[type="number"]')!, { target: { value: '900' } });
    await waitFor(() => expect(canvas(container).dataset.share).toBe('2.550'));
    expect(frameCalls).toEqual([['job-1', 0]]);
    expect(setting(container, 'saturation_min').classList.contains('changed')).toBe(true);
    expect(setting(container, 'min_region_share').classList.contains('changed')).toBe(false);
  });

  test('another frame: fetched and drawn, its seq on the canvas', async () => {
    const { container, asks, frameCalls, getByTestId } = mount();
    await waitFor(() => expect(asks.length).toBe(1));
    fireEvent.change(getByTestId('fast-seq'), { target: { value: '5' } });
    await waitFor(() => expect(canvas(container).dataset.seq).toBe('5'));
    expect(asks.at(-1)!.key).toBe('job-1:5');
    fireEvent.click(container.querySelector('button[aria-label="Next frame"]')!);
    await waitFor(() => expect(canvas(container).dataset.seq).toBe('6'));
    // Past the last frame is the last frame.
    fireEvent.change(getByTestId('fast-seq'), { target: { value: '40' } });
    await waitFor(() => expect(canvas(container).dataset.seq).toBe('11'));
    expect(frameCalls.map(([, q]) => q)).toEqual([0, 5, 6, 11]);
  });

  test('detect_edges: its own sliders, the number of board proposals on the canvas', async () => {
    const { container, asks, stageCalls, getByTestId } = mount();
    await waitFor(() => expect(asks.length).toBe(1));
    fireEvent.change(getByTestId('fast-stage-select'), { target: { value: 'detect_edges' } });
    await waitFor(() => expect(canvas(container).dataset.proposals).toBe('4')); // 60 % 7
    expect(stageCalls).toEqual(['segment_field', 'detect_edges']);
    expect(canvas(container).dataset.share).toBeUndefined();
    expect([...container.querySelectorAll('[data-testid="fast-setting"]')].map((e) => e.getAttribute('data-field'))).toEqual(['canny_low']);
    slide(container, 'canny_low', '62');
    await waitFor(() => expect(canvas(container).dataset.proposals).toBe('6'));
    expect(asks.at(-1)).toMatchObject({ stage: 'detect_edges', settings: { canny_low: 62 } });
  });

  test('the replay sends the stage and only the settings moved from the run', async () => {
    const { container, asks, replays, getByTestId } = mount();
    await waitFor(() => expect(asks.length).toBe(1));
    slide(container, 'saturation_min', '30');
    slide(container, 'min_region_share', '0.002'); // moved back to the run's value: not an override
    await waitFor(() => expect(canvas(container).dataset.share).toBe('0.300'));
    expect(getByTestId('fast-stage').textContent).toContain("The server's result is the record");
    fireEvent.click(getByTestId('fast-replay'));
    expect(replays).toEqual([['segment_field', { saturation_min: 30 }]]);
    expect(getByTestId('fast-replay').textContent).toBe('Replay on the server with these settings');
  });

  test('a frame the server does not have: its message in words, and the next frame still works', async () => {
    const { container, getByTestId, queryByTestId } = mount({ frameFails: 7 });
    await waitFor(() => expect(canvas(container).dataset.seq).toBe('0'));
    fireEvent.change(getByTestId('fast-seq'), { target: { value: '7' } });
    await waitFor(() => expect(getByTestId('fast-error').textContent).toBe('Frame 7 is not in the cache of run job-1.'));
    fireEvent.change(getByTestId('fast-seq'), { target: { value: '8' } });
    await waitFor(() => expect(canvas(container).dataset.seq).toBe('8'));
    expect(queryByTestId('fast-error')).toBeNull();
  });

  test("the worker's failure is shown in words beside the preview", async () => {
    const { getByTestId, container } = mount({
      fail: (ask) => (ask.settings.saturation_min === 3 ? 'The in-browser preview failed: OpenCV.js did not initialise within 30 s.' : null),
    });
    await waitFor(() => expect(canvas(container).dataset.share).toBe('0.500'));
    slide(container, 'saturation_min', '3');
    await waitFor(() => expect(getByTestId('fast-error').textContent).toBe('The in-browser preview failed: OpenCV.js did not initialise within 30 s.'));
    expect(getByTestId('fast-error').getAttribute('role')).toBe('alert');
  });

  test("a stage's settings that cannot be read: the error, and no preview", async () => {
    const f = fakeClient();
    const api = {
      detect: {
        stage: async () => {
          throw new ApiError(503, 'unavailable', 'the server is starting');
        },
        frameImage: async () => new Blob([]),
      },
    } as unknown as Pick<Api, 'detect'>;
    const { getByTestId } = render(() => <FastStagePanel api={api} jobId="j" frames={1} configs={{}} onReplay={() => {}} client={f.client} />);
    await waitFor(() => expect(getByTestId('fast-error').textContent).toBe('The server is starting.'));
    expect(f.asks.length).toBe(0);
  });

  test('a run without cached frames says so and fetches none', async () => {
    const f = fakeClient();
    const a = fakeApi();
    const { getByTestId } = render(() => <FastStagePanel api={a.api} jobId="j" frames={0} configs={{}} onReplay={() => {}} client={f.client} />);
    await waitFor(() => expect(getByTestId('fast-stage').textContent).toContain('This run has no cached frames to preview.'));
    await waitFor(() => expect(a.stageCalls).toEqual(['segment_field']));
    expect(a.frameCalls).toEqual([]);
    expect(f.asks).toEqual([]);
  });

  test('closing the panel closes its view of the fast path', async () => {
    const { asks, unmount, disposed } = mount();
    await waitFor(() => expect(asks.length).toBe(1));
    unmount();
    expect(disposed()).toBe(1);
  });
});
