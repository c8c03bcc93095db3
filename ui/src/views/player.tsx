/**
 * The player: the video with one control bar of its own (no native
 * controls, so there is one seek bar, not two). Hovering the seek bar shows
 * the sprite-sheet tile for that moment (from the thumbnails VTT); rung
 * buttons carry the renditions' names; subtitles can be picked from the
 * master's WebVTT tracks. Playback itself is the engine's (player-engine.ts).
 */
import { For, Show, createSignal, onCleanup, onMount } from 'solid-js';
import { FullscreenIcon, PauseIcon, PlayIcon, VolumeIcon } from '../components/icons.tsx';
import { useApp } from '../context.ts';
import { duration as fmtDuration, errorText } from '../format.ts';
import type { Rendition } from '../types.ts';
import { cueAt, parseVtt, type SpriteCue } from '../vtt.ts';
import { startEngine, type Engine, type EngineLevel, type EngineSubtitle, type StartEngine } from './player-engine.ts';
import { rungLabel, subtitleLabel } from './player-tracks.ts';

export interface PlayerProps {
  master: string | null;
  mp4: string | null;
  poster: string | null;
  vtt: string | null;
  renditions?: readonly Rendition[];
  /** Tests pass a fake; the app plays through hls.js or the browser. */
  engine?: StartEngine;
}

const SEEK_STEP_SECONDS = 5;

export const Player = (p: PlayerProps) => {
  const { api } = useApp();
  let video!: HTMLVideoElement;
  let bar!: HTMLDivElement;
  let box!: HTMLDivElement;
  let engine: Engine | null = null;
  const [levels, setLevels] = createSignal<EngineLevel[]>([]);
  const [chosen, setChosen] = createSignal(-1); // -1: automatic
  const [subtitles, setSubtitles] = createSignal<EngineSubtitle[]>([]);
  const [subtitle, setSubtitle] = createSignal(-1); // -1: off
  const [playing, setPlaying] = createSignal<{ w: number; h: number } | null>(null);
  const [paused, setPaused] = createSignal(true);
  const [muted, setMuted] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [time, setTime] = createSignal(0);
  const [length, setLength] = createSignal(0);
  const [buffered, setBuffered] = createSignal(0);
  const [cues, setCues] = createSignal<SpriteCue[]>([]);
  const [hover, setHover] = createSignal<{ x: number; t: number } | null>(null);
  const [native, setNative] = createSignal(false);

  onMount(() => {
    engine = (p.engine ?? startEngine)(video, { master: p.master, mp4: p.mp4 }, {
      levels: setLevels,
      switched: setPlaying,
      subtitles: setSubtitles,
      subtitle: setSubtitle,
      error: setError,
      native: () => setNative(true),
    });
    if (p.vtt) {
      const vtt = p.vtt;
      api.text(vtt).then(
        (text) => setCues(parseVtt(text, new URL(vtt, location.href).href)),
        (e) => setError(errorText(e)),
      );
    }
  });
  onCleanup(() => engine?.destroy());

  const choose = (index: number) => {
    setChosen(index);
    engine?.setLevel(index);
  };
  const pickSubtitle = (index: number) => {
    setSubtitle(index);
    engine?.setSubtitle(index);
  };
  const toggle = () => (video.paused ? void video.play()?.catch((e: unknown) => setError(errorText(e))) : video.pause());
  const seekTo = (t: number) => {
    video.currentTime = Math.max(0, Math.min(length() || t, t));
  };

  const at = (clientX: number) => {
    const r = bar.getBoundingClientRect();
    const x = Math.max(0, Math.min(r.width, clientX - r.left));
    return { x, t: length() > 0 && r.width > 0 ? (x / r.width) * length() : 0 };
  };

  const cue = () => {
    const h = hover();
    return h ? cueAt(cues(), h.t) : undefined;
  };
  const pct = (v: number) => `${length() ? Math.min(100, (v / length()) * 100) : 0}%`;

  return (
    <div class="player" ref={box}>
      <video
        ref={video}
        data-testid="player"
        playsinline
        poster={p.poster ?? undefined}
        onClick={toggle}
        onPlay={() => setPaused(false)}
        onPause={() => setPaused(true)}
        onVolumeChange={() => setMuted(video.muted)}
        onTimeUpdate={() => setTime(video.currentTime)}
        onDurationChange={() => setLength(Number.isFinite(video.duration) ? video.duration : 0)}
        onProgress={() => setBuffered(video.buffered.length ? video.buffered.end(video.buffered.length - 1) : 0)}
        onResize={() => setPlaying(video.videoWidth ? { w: video.videoWidth, h: video.videoHeight } : null)}
      />
      <div class="player-controls">
        <button class="ctl" data-testid="play" onClick={toggle} aria-label={paused() ? 'Play' : 'Pause'} title={paused() ? 'Play' : 'Pause'}>
          {paused() ? <PlayIcon /> : <PauseIcon />}
        </button>
        <div
          class="seekbar"
          ref={bar}
          data-testid="seekbar"
          role="slider"
          tabindex="0"
          aria-label="Seek"
          aria-valuemin={0}
          aria-valuemax={Math.round(length())}
          aria-valuenow={Math.round(time())}
          aria-valuetext={`${fmtDuration(time())} of ${fmtDuration(length())}`}
          onMouseMove={(e) => setHover(at(e.clientX))}
          onMouseLeave={() => setHover(null)}
          onClick={(e) => seekTo(at(e.clientX).t)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowRight') seekTo(video.currentTime + SEEK_STEP_SECONDS);
            else if (e.key === 'ArrowLeft') seekTo(video.currentTime - SEEK_STEP_SECONDS);
            else return;
            e.preventDefault();
          }}
        >
          <div class="seek-buffered" style={{ width: pct(buffered()) }} />
          <div class="seek-played" style={{ width: pct(time()) }} />
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
        <span class="player-time small mono">
          {fmtDuration(time())} / {fmtDuration(length())}
        </span>
        <button
          class="ctl"
          data-testid="mute"
          aria-pressed={muted()}
          aria-label={muted() ? 'Unmute' : 'Mute'}
          title={muted() ? 'Unmute' : 'Mute'}
          onClick={() => (video.muted = !video.muted)}
        >
          <VolumeIcon muted={muted()} />
        </button>
        <button
          class="ctl"
          data-testid="fullscreen"
          aria-label="Full screen"
          title="Full screen"
          onClick={() => (document.fullscreenElement ? void document.exitFullscreen() : void box.requestFullscreen?.())}
        >
          <FullscreenIcon />
        </button>
      </div>
      <div class="player-bar">
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
                  {rungLabel(l, p.renditions ?? [])}
                </button>
              )}
            </For>
          </div>
        </Show>
        <Show when={subtitles().length > 0}>
          <label class="subtitle-pick small muted">
            subtitles
            <select data-testid="subtitles" value={String(subtitle())} onChange={(e) => pickSubtitle(Number(e.currentTarget.value))} aria-label="Subtitles">
              <option value="-1">off</option>
              <For each={subtitles()}>{(t) => <option value={String(t.index)}>{subtitleLabel(t)}</option>}</For>
            </select>
          </label>
        </Show>
        <div class="spacer" />
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
