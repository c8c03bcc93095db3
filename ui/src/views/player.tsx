/**
 * The player: the video with one control bar of its own (no native
 * controls, so there is one seek bar, not two). Hovering the seek bar shows
 * the sprite-sheet tile for that moment (from the thumbnails VTT); rung
 * buttons carry the renditions' names; subtitles can be picked from the
 * master's WebVTT tracks. Playback itself is the engine's (player-engine.ts);
 * the controls are player-controls.tsx.
 */
import { Show, createSignal, onCleanup, onMount } from 'solid-js';
import type { Api } from '../api.ts';
import { useApp } from '../context.ts';
import { errorText } from '../format.ts';
import type { Rendition } from '../types.ts';
import { parseVtt, type SpriteCue } from '../vtt.ts';
import { PlayerControls, TrackBar } from './player-controls.tsx';
import { startEngine, type Engine, type EngineLevel, type EngineSubtitle, type StartEngine } from './player-engine.ts';

export interface PlayerProps {
  master: string | null;
  mp4: string | null;
  poster: string | null;
  vtt: string | null;
  renditions?: readonly Rendition[];
  /** Tests pass a fake; the app plays through hls.js or the browser. */
  engine?: StartEngine;
}

/** The engine and what it reports: levels and subtitles to pick from, what plays, errors, and the sprite cues. */
const createEngineState = () => {
  let engine: Engine | null = null;
  const [levels, setLevels] = createSignal<EngineLevel[]>([]);
  const [chosen, setChosen] = createSignal(-1); // -1: automatic
  const [subtitles, setSubtitles] = createSignal<EngineSubtitle[]>([]);
  const [subtitle, setSubtitle] = createSignal(-1); // -1: off
  const [playing, setPlaying] = createSignal<{ w: number; h: number } | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [cues, setCues] = createSignal<SpriteCue[]>([]);
  const [native, setNative] = createSignal(false);

  /** Called once the video element exists; also loads the thumbnails VTT, when there is one. */
  const start = (video: HTMLVideoElement, p: PlayerProps, api: Pick<Api, 'text'>) => {
    engine = (p.engine ?? startEngine)(
      video,
      { master: p.master, mp4: p.mp4 },
      {
        levels: setLevels,
        switched: setPlaying,
        subtitles: setSubtitles,
        subtitle: setSubtitle,
        error: setError,
        native: () => setNative(true),
      },
    );
    if (p.vtt) {
      const vtt = p.vtt;
      api.text(vtt).then(
        (text) => setCues(parseVtt(text, new URL(vtt, location.href).href)),
        (e) => setError(errorText(e)),
      );
    }
  };
  const choose = (index: number) => {
    setChosen(index);
    engine?.setLevel(index);
  };
  const pickSubtitle = (index: number) => {
    setSubtitle(index);
    engine?.setSubtitle(index);
  };
  const destroy = () => engine?.destroy();
  return { levels, chosen, subtitles, subtitle, playing, setPlaying, error, setError, cues, native, start, choose, pickSubtitle, destroy };
};

export const Player = (p: PlayerProps) => {
  const { api } = useApp();
  let video!: HTMLVideoElement;
  let box!: HTMLDivElement;
  const playback = createEngineState();
  const [paused, setPaused] = createSignal(true);
  const [muted, setMuted] = createSignal(false);
  const [time, setTime] = createSignal(0);
  const [length, setLength] = createSignal(0);
  const [buffered, setBuffered] = createSignal(0);

  onMount(() => playback.start(video, p, api));
  onCleanup(() => playback.destroy());

  const toggle = () => (video.paused ? void video.play()?.catch((err: unknown) => playback.setError(errorText(err))) : video.pause());
  const seekTo = (t: number) => {
    video.currentTime = Math.max(0, Math.min(length() || t, t));
  };

  return (
    <div class="player" ref={box}>
      {/* biome-ignore lint/a11y/useMediaCaption: the captions are the source's subtitle tracks, which hls.js adds as text tracks at run time */}
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
        onResize={() => playback.setPlaying(video.videoWidth ? { w: video.videoWidth, h: video.videoHeight } : null)}
      />
      <PlayerControls
        paused={paused()}
        muted={muted()}
        time={time()}
        length={length()}
        buffered={buffered()}
        cues={playback.cues()}
        onToggle={toggle}
        onSeek={seekTo}
        onStep={(seconds) => seekTo(video.currentTime + seconds)}
        onMute={() => (video.muted = !video.muted)}
        onFullscreen={() => (document.fullscreenElement ? void document.exitFullscreen() : void box.requestFullscreen?.())}
      />
      <TrackBar
        levels={playback.levels()}
        chosen={playback.chosen()}
        renditions={p.renditions ?? []}
        subtitles={playback.subtitles()}
        subtitle={playback.subtitle()}
        native={playback.native()}
        playing={playback.playing()}
        onChoose={playback.choose}
        onSubtitle={playback.pickSubtitle}
      />
      <Show when={playback.error()}>
        <div class="error-note">{playback.error()}</div>
      </Show>
    </div>
  );
};
