/** Component tests for the player: one seek bar, rung buttons by rendition name, the subtitle selector (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render } from '@solidjs/testing-library';
import { AppContext, type AppContextValue } from '../context.ts';
import type { Rendition } from '../types.ts';
import type { EngineEvents, StartEngine } from './player-engine.ts';
import { Player } from './player.tsx';

const rendition = (name: string, type: Rendition['type'], key: string, width: number | null, height: number | null, language?: string): Rendition => ({
  name,
  type,
  key,
  url: `/api/outputs/${key}`,
  codec: null,
  width,
  height,
  bitrate: null,
  averageBitrate: null,
  bytes: null,
  duration: null,
  language,
});

const RENDITIONS = [
  rendition('small', 'video', 'jobs/j1/hls/small/index.m3u8', 640, 360),
  rendition('hd', 'video', 'jobs/j1/hls/hd/index.m3u8', 1280, 720),
  rendition('English', 'subtitles', 'jobs/j1/hls/subs/0/index.m3u8', null, null, 'en'),
  rendition('Deutsch', 'subtitles', 'jobs/j1/hls/subs/1/index.m3u8', null, null, 'de'),
];

/** An engine that plays nothing: the test speaks for it through `on`, and reads what the view asked of it. */
const fakeEngine = () => {
  const calls: string[] = [];
  let on!: EngineEvents;
  const start: StartEngine = (_video, src, events) => {
    on = events;
    calls.push(`start ${src.master}`);
    return { setLevel: (i) => calls.push(`level ${i}`), setSubtitle: (i) => calls.push(`subtitle ${i}`), destroy: () => calls.push('destroy') };
  };
  return { start, calls, on: () => on };
};

const mount = () => {
  const engine = fakeEngine();
  const ctx = { api: { text: async () => '' } } as unknown as AppContextValue;
  const view = render(() => (
    <AppContext.Provider value={ctx}>
      <Player master="/api/outputs/jobs/j1/hls/master.m3u8" mp4={null} poster={null} vtt={null} renditions={RENDITIONS} engine={engine.start} />
    </AppContext.Provider>
  ));
  return { ...view, engine };
};

describe('player', () => {
  test('one seek bar: no native controls, the sprite preview sits on the player’s own bar', () => {
    const { container, getByTestId } = mount();
    expect(getByTestId('player').hasAttribute('controls')).toBe(false);
    expect(container.querySelectorAll('[data-testid="seekbar"], [role="slider"], input[type="range"]').length).toBe(1);
    const bar = getByTestId('seekbar');
    expect(bar.closest('.player-controls')).not.toBeNull();
    fireEvent.mouseMove(bar, { clientX: 10 });
    expect(bar.querySelector('[data-testid="seek-preview"]')).not.toBeNull();
    fireEvent.mouseLeave(bar);
    expect(bar.querySelector('[data-testid="seek-preview"]')).toBeNull();
  });

  test('rung buttons carry the renditions’ names, matched by playlist URL', () => {
    const { container, engine } = mount();
    engine.on().levels([
      { index: 0, height: 360, width: 640, bitrate: 900_000, uri: 'http://127.0.0.1:8080/api/outputs/jobs/j1/hls/small/index.m3u8' },
      { index: 1, height: 720, width: 1280, bitrate: 2_600_000, uri: 'http://127.0.0.1:8080/api/outputs/jobs/j1/hls/hd/index.m3u8' },
    ]);
    const rungs = [...container.querySelectorAll('[data-testid="rung"]')] as HTMLElement[];
    expect(rungs.map((b) => b.textContent)).toEqual(['small', 'hd']);
    expect(rungs.map((b) => b.dataset.height)).toEqual(['360', '720']);
    fireEvent.click(rungs[1]!);
    expect(engine.calls).toContain('level 1');
  });

  test('the subtitle selector lists each track by name and language, and switches through the engine', () => {
    const { container, engine } = mount();
    expect(container.querySelector('[data-testid="subtitles"]')).toBeNull(); // no tracks, no selector
    engine.on().subtitles([
      { index: 0, name: 'English', lang: 'en' },
      { index: 1, name: 'Deutsch', lang: 'de' },
    ]);
    const select = container.querySelector('[data-testid="subtitles"]') as HTMLSelectElement;
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      ['-1', 'off'],
      ['0', 'English (en)'],
      ['1', 'Deutsch (de)'],
    ]);
    expect(select.value).toBe('-1'); // off until picked (the master says DEFAULT=NO)
    fireEvent.change(select, { target: { value: '1' } });
    expect(engine.calls).toContain('subtitle 1');
    expect(select.value).toBe('1');
    // The engine reports what is showing (e.g. hls.js switched on its own): the selector follows.
    engine.on().subtitle(0);
    expect(select.value).toBe('0');
    fireEvent.change(select, { target: { value: '-1' } });
    expect(engine.calls.at(-1)).toBe('subtitle -1');
  });
});
