/** The playback engine where hls.js cannot run (no Media Source: Safari's native HLS): its text tracks (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import type { EngineSubtitle } from './player-engine.ts';
import { startEngine } from './player-engine.ts';

/** The parts of a video element the native path touches; the browser adds text tracks from the master as it reads it. */
const fakeVideo = () => {
  const list: { kind: string; label: string; language: string; mode: string }[] = [];
  const textTracks = Object.assign(new EventTarget(), { [Symbol.iterator]: () => list[Symbol.iterator]() });
  const video = { textTracks, src: '', canPlayType: (t: string) => (t === 'application/vnd.apple.mpegurl' ? 'maybe' : '') };
  const add = (t: (typeof list)[number]) => {
    list.push(t);
    textTracks.dispatchEvent(new Event('addtrack'));
  };
  return { video: video as unknown as HTMLVideoElement, list, add };
};

describe('native playback', () => {
  test("subtitles are the video's own text tracks, listed and switched there", () => {
    const { video, list, add } = fakeVideo();
    const seen: { native: number; tracks: EngineSubtitle[][]; showing: number[] } = { native: 0, tracks: [], showing: [] };
    const engine = startEngine(
      video,
      { master: '/api/outputs/j/hls/master.m3u8', mp4: null },
      {
        levels: () => {},
        switched: () => {},
        subtitles: (t) => seen.tracks.push(t),
        subtitle: (i) => seen.showing.push(i),
        error: (m) => {
          throw new Error(m);
        },
        native: () => seen.native++,
      },
    );
    expect(seen.native).toBe(1);
    expect(video.src).toBe('/api/outputs/j/hls/master.m3u8');
    add({ kind: 'metadata', label: 'id3', language: '', mode: 'hidden' });
    add({ kind: 'subtitles', label: 'English', language: 'en', mode: 'disabled' });
    add({ kind: 'subtitles', label: 'Deutsch', language: 'de', mode: 'disabled' });
    expect(seen.tracks.at(-1)).toEqual([
      { index: 0, name: 'English', lang: 'en' },
      { index: 1, name: 'Deutsch', lang: 'de' },
    ]);
    engine.setSubtitle(1);
    expect(list.map((t) => t.mode)).toEqual(['hidden', 'disabled', 'showing']);
    engine.setSubtitle(-1);
    expect(list.map((t) => t.mode)).toEqual(['hidden', 'disabled', 'disabled']);
    expect(seen.showing.slice(-2)).toEqual([1, -1]);
    engine.destroy();
    add({ kind: 'subtitles', label: 'Late', language: 'fr', mode: 'disabled' });
    expect(seen.tracks.at(-1)).toHaveLength(2); // no longer listening
  });
});
