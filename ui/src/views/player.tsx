/**
 * HLS playback (hls.js, or native HLS where the browser has it), a rung
 * switcher over the video levels, and a seek bar whose hover shows the
 * sprite-sheet tile for that moment (from the thumbnails VTT).
 */
import Hls from 'hls.js';
import { For, Show, createSignal, onCleanup, onMount } from 'solid-js';
import { useApp } from '../context.ts';
import { duration as fmtDuration, errorText } from '../format.ts';
import { cueAt, parseVtt, type SpriteCue } from '../vtt.ts';

interface Level {
  index: number;
  height: number;
  width: number;
  bitrate: number;
}

export const Player = (p: { master: string | null; mp4: string | null; poster: string | null; vtt: string | null }) => {
  const { api } = useApp();
  let video!: HTMLVideoElement;
  let bar!: HTMLDivElement;
  let hls: Hls | null = null;
  const [levels, setLevels] = createSignal<Level[]>([]);
  const [chosen, setChosen] = createSignal(-1); // -1: automatic
  const [playing, setPlaying] = createSignal<{ w: number; h: number } | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [time, setTime] = createSignal(0);
  const [length, setLength] = createSignal(0);
  const [buffered, setBuffered] = createSignal(0);
  const [cues, setCues] = createSignal<SpriteCue[]>([]);
  const [hover, setHover] = createSignal<{ x: number; t: number } | null>(null);
  const [native, setNative] = createSignal(false);

  onMount(() => {
    const src = p.master;
    if (src && Hls.isSupported()) {
      hls = new Hls({ capLevelToPlayerSize: false });
      hls.on(Hls.Events.MANIFEST_PARSED, (_e, d) => {
        setLevels(d.levels.map((l, index) => ({ index, height: l.height, width: l.width, bitrate: l.bitrate })));
      });
      hls.on(Hls.Events.LEVEL_SWITCHED, (_e, d) => {
        const l = hls?.levels[d.level];
        if (l) setPlaying({ w: l.width, h: l.height });
      });
      hls.on(Hls.Events.ERROR, (_e, d) => {
        if (d.fatal) setError(`Playback failed: ${d.details}.`);
      });
      hls.loadSource(src);
      hls.attachMedia(video);
    } else if (src && video.canPlayType('application/vnd.apple.mpegurl')) {
      setNative(true);
      video.src = src;
    } else if (p.mp4) {
      video.src = p.mp4;
    } else if (src) {
      setError('This browser cannot play HLS.');
    }
    if (p.vtt) {
      const vtt = p.vtt;
      api.text(vtt).then(
        (text) => setCues(parseVtt(text, new URL(vtt, location.href).href)),
        (e) => setError(errorText(e)),
      );
    }
  });
  onCleanup(() => hls?.destroy());

  const choose = (index: number) => {
    setChosen(index);
    if (hls) hls.currentLevel = index; // immediate switch (flushes the buffer); -1 back to automatic
  };

  const at = (clientX: number) => {
    const r = bar.getBoundingClientRect();
    const x = Math.max(0, Math.min(r.width, clientX - r.left));
    return { x, t: length() > 0 ? (x / r.width) * length() : 0 };
  };

  const cue = () => {
    const h = hover();
    return h ? cueAt(cues(), h.t) : undefined;
  };

  return (
    <div class="player">
      <video
        ref={video}
        data-testid="player"
        controls
        playsinline
        poster={p.poster ?? undefined}
        onTimeUpdate={() => setTime(video.currentTime)}
        onDurationChange={() => setLength(Number.isFinite(video.duration) ? video.duration : 0)}
        onProgress={() => setBuffered(video.buffered.length ? video.buffered.end(video.buffered.length - 1) : 0)}
        onResize={() => setPlaying(video.videoWidth ? { w: video.videoWidth, h: video.videoHeight } : null)}
      />
      <div
        class="seekbar"
        ref={bar}
        data-testid="seekbar"
        onMouseMove={(e) => setHover(at(e.clientX))}
        onMouseLeave={() => setHover(null)}
        onClick={(e) => {
          const { t } = at(e.clientX);
          video.currentTime = t;
        }}
      >
        <div class="seek-buffered" style={{ width: `${length() ? (buffered() / length()) * 100 : 0}%` }} />
        <div class="seek-played" style={{ width: `${length() ? (time() / length()) * 100 : 0}%` }} />
        <Show when={hover()}>
          {(h) => (
            <div class="seek-preview" data-testid="seek-preview" style={{ left: `${h().x}px` }}>
              <Show when={cue()}>
                {(c) => (
                  <div
                    class="sprite"
                    style={{
                      width: `${c().w}px`,
                      height: `${c().h}px`,
                      'background-image': `url("${c().url}")`,
                      'background-position': `-${c().x}px -${c().y}px`,
                    }}
                  />
                )}
              </Show>
              <span class="seek-time">{fmtDuration(h().t)}</span>
            </div>
          )}
        </Show>
      </div>
      <div class="player-bar">
        <span class="small muted">
          {fmtDuration(time())} / {fmtDuration(length())}
        </span>
        <div class="spacer" />
        <Show when={levels().length > 0}>
          <div class="rungs" role="group" aria-label="Rendition">
            <button class={`rung ${chosen() === -1 ? 'active' : ''}`} onClick={() => choose(-1)} data-testid="rung-auto">
              auto
            </button>
            <For each={levels()}>
              {(l) => (
                <button
                  class={`rung ${chosen() === l.index ? 'active' : ''}`}
                  data-testid="rung"
                  data-height={l.height}
                  title={`${l.width}×${l.height}, ${Math.round(l.bitrate / 1000)} kb/s`}
                  onClick={() => choose(l.index)}
                >
                  {l.height}p
                </button>
              )}
            </For>
          </div>
        </Show>
        <Show when={native()}>
          <span class="small muted">native HLS</span>
        </Show>
        <span class="resolution mono small" data-testid="resolution">
          {playing() ? `${playing()!.w}×${playing()!.h}` : '—'}
        </span>
      </div>
      <Show when={error()}>
        <div class="error-note">{error()}</div>
      </Show>
    </div>
  );
};
