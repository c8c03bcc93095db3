/** Component tests for the presets page (DOM: happy-dom; run by ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { ApiError } from '../api.ts';
import { createPresetsStore, type PresetDraft, type PresetsApi } from '../stores/presets.ts';
import type { RungSpec as Rung } from '../../../src/types/api.ts';
import type { Preset } from '../types.ts';
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
    // (A boolean: a failing toBeNull would print the whole element each poll, seconds each under happy-dom.)
    await waitFor(() => expect(container.querySelector('[data-testid="preset-form"]') === null).toBe(true));
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
    expect(container.querySelector('[data-error-for="thumbnails.columns"]')?.textContent).toBe('Must be a whole number from 1 to 20, got 50.');
    expect(container.querySelector('[role="alert"]')?.textContent).toContain('One field needs a change');
  });

  test('every bad field the server names is marked with its own message, and nothing else is', async () => {
    const { api, sent } = fakeApi(() => {
      // As src/media/presets.ts joins them: every problem found, "; " between.
      throw new ApiError(
        400,
        'validation',
        'name: must be a string of 1-80 characters, got 0 characters; video.rungs[1].height: must be an even whole number between 144 and 4320, got 721; ' +
          'audio.bitrate: must be a whole number between 32000 and 512000 b/s, got 1000; thumbnails.columns: must be a whole number between 1 and 20, got 50; ' +
          'video.rungs: videoBitrate must rise with height, but 721p has 800000 b/s and 360p 800000 b/s',
      );
    });
    const store = createPresetsStore(api);
    const { container, getByTestId } = render(() => <PresetsView store={store} />);
    fireEvent.click(getByTestId('new-preset'));
    type(container, 'id', 'custom');
    type(container, 'name', '');
    type(container, 'video.rungs[1].height', '721');
    type(container, 'audio.bitrate', '1000');
    type(container, 'thumbnails.columns', '50');
    fireEvent.submit(getByTestId('preset-form'));
    await waitFor(() => expect(sent.length).toBe(1));
    await waitFor(() => expect(container.querySelectorAll('[data-error-for]').length).toBe(5));
    const own = (path: string) => container.querySelector(`[data-error-for="${path}"]`)?.textContent;
    expect(own('name')).toBe('Must be a string of 1-80 characters, got 0 characters.');
    expect(own('video.rungs[1].height')).toBe('Must be an even whole number between 144 and 4320, got 721.');
    expect(own('audio.bitrate')).toBe('Must be a whole number between 32000 and 512000 b/s, got 1000.');
    expect(own('thumbnails.columns')).toBe('Must be a whole number between 1 and 20, got 50.');
    expect(own('video.rungs')).toBe('videoBitrate must rise with height, but 721p has 800000 b/s and 360p 800000 b/s.');
    // Each message sits with its own input, which is marked.
    for (const path of ['name', 'audio.bitrate', 'thumbnails.columns']) {
      const label = field(container, path).closest('label')!;
      expect(label.classList.contains('invalid')).toBe(true);
      expect(label.querySelector('[data-error-for]')!.getAttribute('data-error-for')).toBe(path);
    }
    const cell = field(container, 'video.rungs[1].height').closest('td')!;
    expect(cell.classList.contains('invalid')).toBe(true);
    expect(cell.querySelector('[data-error-for]')!.getAttribute('data-error-for')).toBe('video.rungs[1].height');
    expect(container.querySelector('fieldset')!.classList.contains('invalid')).toBe(true);
    // The fields nobody complained about stay clean.
    for (const path of ['id', 'description', 'segmentSeconds', 'audio.channels', 'thumbnails.rows', 'thumbnails.width', 'video.maxFps'])
      expect(field(container, path).closest('label')!.classList.contains('invalid')).toBe(false);
    for (const path of ['video.rungs[0].height', 'video.rungs[1].videoBitrate', 'video.rungs[0].name'])
      expect(field(container, path).closest('td')!.classList.contains('invalid')).toBe(false);
    expect(container.querySelector('[role="alert"]')?.textContent).toContain('5 fields need a change');
  });

  test('number inputs left blank are each marked before anything is sent', async () => {
    const { api, sent } = fakeApi((b) => ({ ...b, builtin: false }));
    const store = createPresetsStore(api);
    const { container, getByTestId } = render(() => <PresetsView store={store} />);
    fireEvent.click(getByTestId('new-preset'));
    type(container, 'id', 'custom');
    type(container, 'name', 'Custom');
    type(container, 'segmentSeconds', '');
    type(container, 'thumbnails.rows', '');
    type(container, 'video.rungs[0].videoBitrate', '');
    fireEvent.submit(getByTestId('preset-form'));
    await waitFor(() => expect(container.querySelectorAll('[data-error-for]').length).toBe(3));
    for (const path of ['segmentSeconds', 'thumbnails.rows', 'video.rungs[0].videoBitrate'])
      expect(container.querySelector(`[data-error-for="${path}"]`)?.textContent).toBe('Type a number.');
    expect(sent).toEqual([]);
    // Fixed, it goes.
    type(container, 'segmentSeconds', '4');
    type(container, 'thumbnails.rows', '5');
    type(container, 'video.rungs[0].videoBitrate', '700000');
    fireEvent.submit(getByTestId('preset-form'));
    await waitFor(() => expect(sent.length).toBe(1));
    expect(sent[0]!.segmentSeconds).toBe(4);
  });
});
