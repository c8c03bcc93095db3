/** Component tests for the presets page (DOM: happy-dom; run by ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { ApiError } from '../api.ts';
import { createPresetsStore, type PresetDraft, type PresetsApi } from '../stores/presets.ts';
import type { Preset, Rung } from '../types.ts';
import { PresetsView } from './presets-view.tsx';

const fakeApi = (reply: (body: PresetDraft) => Preset) => {
  const sent: PresetDraft[] = [];
  const api: PresetsApi = {
    listPresets: async () => ({ items: [] }) as unknown as Awaited<ReturnType<PresetsApi['listPresets']>>,
    createPreset: async (body) => {
      sent.push(structuredClone(body));
      return reply(body);
    },
    updatePreset: async (_id, body) => reply(body),
    deletePreset: async () => undefined as never,
  };
  return { api, sent };
};

const field = (root: HTMLElement, path: string) => {
  const el = root.querySelector(`[data-field="${path}"]`) as HTMLInputElement | HTMLSelectElement | null;
  if (!el) throw new Error(`no input for ${path}`);
  return el;
};
const type = (root: HTMLElement, path: string, value: string) => fireEvent.input(field(root, path), { target: { value } });
const choose = (root: HTMLElement, path: string, value: string) => fireEvent.change(field(root, path), { target: { value } });

describe('preset form', () => {
  test('edits every field and sends a body the API accepts (blank rung name left out)', async () => {
    const { api, sent } = fakeApi((b) => ({ ...b, builtin: false }));
    const store = createPresetsStore(api);
    const { container, getByTestId } = render(() => <PresetsView store={store} />);
    fireEvent.click(getByTestId('new-preset'));
    type(container, 'id', 'custom');
    type(container, 'name', 'Custom');
    choose(container, 'video.encoderPreset', 'slow');
    type(container, 'video.maxFps', '30');
    choose(container, 'audio.channels', '1');
    choose(container, 'audio.sampleRate', '44100');
    type(container, 'thumbnails.width', '240');
    type(container, 'thumbnails.columns', '5');
    type(container, 'thumbnails.rows', '4');
    type(container, 'thumbnails.maxCount', '100');
    type(container, 'video.rungs[0].name', '');
    type(container, 'video.rungs[1].name', 'hd');
    expect(field(container, 'video.rungs[0].name').getAttribute('placeholder')).toBe('360p');
    fireEvent.submit(getByTestId('preset-form'));
    await waitFor(() => expect(sent.length).toBe(1));
    const body = sent[0]!;
    expect(body.video).toEqual({
      codec: 'h264',
      encoderPreset: 'slow',
      maxFps: 30,
      rungs: [
        { height: 360, videoBitrate: 800_000 },
        { name: 'hd', height: 720, videoBitrate: 2_500_000 },
      ] as Rung[],
    });
    expect(body.audio).toEqual({ codec: 'aac', bitrate: 128_000, channels: 1, sampleRate: 44100 });
    expect(body.thumbnails).toEqual({ intervalSeconds: 2, width: 240, columns: 5, rows: 4, maxCount: 100 });
    expect(Object.keys(body).sort()).toEqual(['audio', 'description', 'id', 'name', 'output', 'segmentSeconds', 'thumbnails', 'video']);
    await waitFor(() => expect(container.querySelector('[data-testid="preset-form"]')).toBeNull());
  });

  test("the server's 400 highlights the new field it names, and only that one", async () => {
    const { api } = fakeApi(() => {
      throw new ApiError(400, 'validation', 'thumbnails.columns: must be a whole number from 1 to 20, got 50');
    });
    const store = createPresetsStore(api);
    const { container, getByTestId } = render(() => <PresetsView store={store} />);
    fireEvent.click(getByTestId('new-preset'));
    type(container, 'id', 'custom');
    type(container, 'name', 'Custom');
    type(container, 'thumbnails.columns', '50');
    fireEvent.submit(getByTestId('preset-form'));
    await waitFor(() => expect(field(container, 'thumbnails.columns').closest('label')!.classList.contains('invalid')).toBe(true));
    expect(field(container, 'thumbnails.intervalSeconds').closest('label')!.classList.contains('invalid')).toBe(false);
    expect(field(container, 'thumbnails.rows').closest('label')!.classList.contains('invalid')).toBe(false);
    expect(container.querySelector('[role="alert"]')?.textContent).toContain('thumbnails.columns');
  });
});
