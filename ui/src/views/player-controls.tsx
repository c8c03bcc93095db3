/**
 * The player's own controls (player.tsx): the control bar over the video
 * (play, seek bar with the sprite preview, time, mute, full screen) and the
 * bar under it (rungs, subtitles, what is playing). They show what they are
 * given and report what the user does; the player owns the video.
 */
import { For, Show, createSignal } from 'solid-js';
import { FullscreenIcon, PauseIcon, PlayIcon, VolumeIcon } from '../components/icons.tsx';
import { duration as fmtDuration } from '../format.ts';
import type { Rendition } from '../types.ts';
import { cueAt, type SpriteCue } from '../vtt.ts';
import type { EngineLevel, EngineSubtitle } from './player-engine.ts';
import { rungLabel, subtitleLabel } from './player-tracks.ts';

const SEEK_STEP_SECONDS = 5;

export interface ControlsProps {
  paused: boolean;
  muted: boolean;
  /** Seconds played, of `length`; `buffered`: seconds loaded. */
  time: number;
  length: number;
  buffered: number;
  cues: SpriteCue[];
  onToggle: () => void;
  onSeek: (t: number) => void;
  /** Seconds forward (or back, when negative) from where the video is now. */
  onStep: (seconds: number) => void;
  onMute: () => void;
  onFullscreen: () => void;
}

export const PlayerControls = (p: ControlsProps) => (
  <div class="player-controls">
    <button
      type="button"
      class="ctl"
      data-testid="play"
      onClick={() => p.onToggle()}
      aria-label={p.paused ? 'Play' : 'Pause'}
      title={p.paused ? 'Play' : 'Pause'}
    >
      {p.paused ? <PlayIcon /> : <PauseIcon />}
    </button>
    <SeekBar time={p.time} length={p.length} buffered={p.buffered} cues={p.cues} onSeek={p.onSeek} onStep={p.onStep} />
    <span class="player-time small mono">
      {fmtDuration(p.time)} / {fmtDuration(p.length)}
    </span>
    <button
      type="button"
      class="ctl"
      data-testid="mute"
      aria-pressed={p.muted}
      aria-label={p.muted ? 'Unmute' : 'Mute'}
      title={p.muted ? 'Unmute' : 'Mute'}
      onClick={() => p.onMute()}
    >
      <VolumeIcon muted={p.muted} />
    </button>
    <button type="button" class="ctl" data-testid="fullscreen" aria-label="Full screen" title="Full screen" onClick={() => p.onFullscreen()}>
      <FullscreenIcon />
    </button>
  </div>
);

/** The one seek bar: click or arrow keys to seek; hovering shows that moment's sprite tile. */
const SeekBar = (p: Pick<ControlsProps, 'time' | 'length' | 'buffered' | 'cues' | 'onSeek' | 'onStep'>) => {
  let bar!: HTMLDivElement;
  const [hover, setHover] = createSignal<{ x: number; t: number } | null>(null);
  /** Where a pointer at `clientX` is on the bar, in pixels and seconds. */
  const at = (clientX: number) => {
    const r = bar.getBoundingClientRect();
    const x = Math.max(0, Math.min(r.width, clientX - r.left));
    return { x, t: p.length > 0 && r.width > 0 ? (x / r.width) * p.length : 0 };
  };
  const pct = (v: number) => `${p.length ? Math.min(100, (v / p.length) * 100) : 0}%`;
  return (
    <div
      class="seekbar"
      ref={bar}
      data-testid="seekbar"
      role="slider"
      tabIndex={0}
      aria-label="Seek"
      aria-valuemin={0}
      aria-valuemax={Math.round(p.length)}
      aria-valuenow={Math.round(p.time)}
      aria-valuetext={`${fmtDuration(p.time)} of ${fmtDuration(p.length)}`}
      onMouseMove={(e) => setHover(at(e.clientX))}
      onMouseLeave={() => setHover(null)}
      onClick={(e) => p.onSeek(at(e.clientX).t)}
      onKeyDown={(e) => {
        if (e.key === 'ArrowRight') p.onStep(SEEK_STEP_SECONDS);
        else if (e.key === 'ArrowLeft') p.onStep(-SEEK_STEP_SECONDS);
        else return;
        e.preventDefault();
      }}
    >
      <div class="seek-buffered" style={{ width: pct(p.buffered) }} />
      <div class="seek-played" style={{ width: pct(p.time) }} />
      <Show when={hover()}>{(h) => <SeekPreview x={h().x} t={h().t} cue={cueAt(p.cues, h().t)} />}</Show>
    </div>
  );
};

const SeekPreview = (p: { x: number; t: number; cue: SpriteCue | undefined }) => (
  <div class="seek-preview" data-testid="seek-preview" style={{ left: `${p.x}px` }}>
    <Show when={p.cue}>
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
    <span class="seek-time">{fmtDuration(p.t)}</span>
  </div>
);

export interface TrackBarProps {
  levels: EngineLevel[];
  /** The level index picked; -1: automatic. */
  chosen: number;
  renditions: readonly Rendition[];
  subtitles: EngineSubtitle[];
  /** The subtitle index shown; -1: off. */
  subtitle: number;
  native: boolean;
  playing: { w: number; h: number } | null;
  onChoose: (index: number) => void;
  onSubtitle: (index: number) => void;
}

export const TrackBar = (p: TrackBarProps) => (
  <div class="player-bar">
    <Show when={p.levels.length > 0}>
      {/* biome-ignore lint/a11y/useSemanticElements: a fieldset would bring its own border and legend; a div with role=group reads the same to assistive tech */}
      <div class="rungs" role="group" aria-label="Rendition">
        <button type="button" class={`rung ${p.chosen === -1 ? 'active' : ''}`} onClick={() => p.onChoose(-1)} data-testid="rung-auto">
          auto
        </button>
        <For each={p.levels}>
          {(l) => (
            <button
              type="button"
              class={`rung ${p.chosen === l.index ? 'active' : ''}`}
              data-testid="rung"
              data-height={l.height}
              title={`${l.width}×${l.height}, ${Math.round(l.bitrate / 1000)} kb/s`}
              onClick={() => p.onChoose(l.index)}
            >
              {rungLabel(l, p.renditions)}
            </button>
          )}
        </For>
      </div>
    </Show>
    <Show when={p.subtitles.length > 0}>
      <label class="subtitle-pick small muted">
        subtitles
        <select data-testid="subtitles" value={String(p.subtitle)} onChange={(e) => p.onSubtitle(Number(e.currentTarget.value))} aria-label="Subtitles">
          <option value="-1">off</option>
          <For each={p.subtitles}>{(t) => <option value={String(t.index)}>{subtitleLabel(t)}</option>}</For>
        </select>
      </label>
    </Show>
    <div class="spacer" />
    <Show when={p.native}>
      <span class="small muted">native HLS</span>
    </Show>
    <span class="resolution mono small" data-testid="resolution">
      {p.playing ? `${p.playing.w}×${p.playing.h}` : '—'}
    </span>
  </div>
);
