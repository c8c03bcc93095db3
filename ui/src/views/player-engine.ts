/**
 * What plays the media behind the player's own controls: hls.js where Media
 * Source Extensions exist, the browser's native HLS where they don't
 * (Safari, iOS), else a plain MP4 or audio file. Each reports the same
 * things — video levels, subtitle tracks, the size playing — so the view
 * knows nothing of which one runs (and tests hand it a fake).
 */
import Hls from 'hls.js';

export interface EngineLevel {
  index: number;
  height: number;
  width: number;
  bitrate: number;
  uri: string | null;
}

export interface EngineSubtitle {
  index: number;
  name: string;
  lang: string | null;
}

export interface EngineEvents {
  levels(levels: EngineLevel[]): void;
  /** The level now on screen (hls.js); native playback reports sizes through the video element. */
  switched(size: { w: number; h: number }): void;
  subtitles(tracks: EngineSubtitle[]): void;
  /** The subtitle track showing, -1 for none. */
  subtitle(index: number): void;
  error(message: string): void;
  /** Native HLS: no level switching. */
  native(): void;
}

export interface Engine {
  /** -1: automatic. */
  setLevel(index: number): void;
  /** -1: off. */
  setSubtitle(index: number): void;
  destroy(): void;
}

export type StartEngine = (video: HTMLVideoElement, src: { master: string | null; mp4: string | null }, on: EngineEvents) => Engine;

const hlsEngine = (video: HTMLVideoElement, master: string, on: EngineEvents): Engine => {
  const hls = new Hls({ capLevelToPlayerSize: false });
  hls.on(Hls.Events.MANIFEST_PARSED, (_e, d) => {
    on.levels(d.levels.map((l, index) => ({ index, height: l.height, width: l.width, bitrate: l.bitrate, uri: l.uri ?? l.url[0] ?? null })));
  });
  hls.on(Hls.Events.LEVEL_SWITCHED, (_e, d) => {
    const l = hls.levels[d.level];
    if (l) on.switched({ w: l.width, h: l.height });
  });
  // The master's #EXT-X-MEDIA:TYPE=SUBTITLES entries, once hls.js has read them.
  hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, (_e, d) => {
    on.subtitles(d.subtitleTracks.map((t, index) => ({ index, name: t.name, lang: t.lang ?? null })));
  });
  hls.on(Hls.Events.SUBTITLE_TRACK_SWITCH, (_e, d) => on.subtitle(d.id));
  hls.on(Hls.Events.ERROR, (_e, d) => {
    if (d.fatal) on.error(`Playback failed: ${d.details}.`);
  });
  hls.loadSource(master);
  hls.attachMedia(video);
  return {
    setLevel: (i) => {
      hls.currentLevel = i; // immediate switch (flushes the buffer); -1 back to automatic
    },
    setSubtitle: (i) => {
      hls.subtitleDisplay = i >= 0;
      hls.subtitleTrack = i;
      on.subtitle(i);
    },
    destroy: () => hls.destroy(),
  };
};

/** The video element's own text tracks: what native HLS makes of the master's subtitle renditions. */
const nativeTracks = (video: HTMLVideoElement, on: EngineEvents): Pick<Engine, 'setSubtitle' | 'destroy'> => {
  const tracks = () => [...video.textTracks].filter((t) => t.kind === 'subtitles' || t.kind === 'captions');
  const publish = () => {
    const list = tracks();
    on.subtitles(list.map((t, index) => ({ index, name: t.label, lang: t.language || null })));
    on.subtitle(list.findIndex((t) => t.mode === 'showing'));
  };
  video.textTracks.addEventListener('addtrack', publish);
  video.textTracks.addEventListener('removetrack', publish);
  return {
    setSubtitle: (i) => {
      tracks().forEach((t, j) => {
        t.mode = j === i ? 'showing' : 'disabled';
      });
      on.subtitle(i);
    },
    destroy: () => {
      video.textTracks.removeEventListener('addtrack', publish);
      video.textTracks.removeEventListener('removetrack', publish);
    },
  };
};

export const startEngine: StartEngine = (video, src, on) => {
  if (src.master && Hls.isSupported()) return hlsEngine(video, src.master, on);
  const text = nativeTracks(video, on);
  if (src.master && video.canPlayType('application/vnd.apple.mpegurl')) {
    on.native();
    video.src = src.master;
  } else if (src.mp4) {
    video.src = src.mp4;
  } else if (src.master) {
    on.error('This browser cannot play HLS.');
  }
  return { setLevel: () => {}, ...text };
};
