/**
 * Names for the player's buttons and menus (pure, tested in
 * player-tracks.test.ts): a video level is called by its rendition's name
 * ("360p", or whatever the preset named the rung), found by its playlist
 * URL, else by its size; a subtitle track by its name and language.
 */
import type { Rendition } from '../types.ts';

export interface LevelInfo {
  height: number;
  width: number;
  /** The level's media playlist, as the player resolved it. */
  uri: string | null;
}

export interface SubtitleInfo {
  name: string;
  lang: string | null;
}

const pathOf = (u: string): string | null => {
  try {
    return decodeURIComponent(new URL(u, 'http://x.invalid/').pathname);
  } catch {
    return null;
  }
};

export const rungLabel = (level: LevelInfo, renditions: readonly Rendition[]): string => {
  const videos = renditions.filter((r) => r.type === 'video');
  const path = level.uri ? pathOf(level.uri) : null;
  const byUrl = path ? videos.find((r) => pathOf(r.url) === path) : undefined;
  // HLS renditions list before MP4 ones of the same rung; either carries the rung's name.
  const bySize = videos.find((r) => r.height === level.height && (!r.width || !level.width || r.width === level.width));
  return (byUrl ?? bySize)?.name ?? `${level.height}p`;
};

const LANGUAGE_NAMES = typeof Intl !== 'undefined' && 'DisplayNames' in Intl ? new Intl.DisplayNames(['en'], { type: 'language' }) : null;

/** "English (en)"; a track named by its language code alone reads "English"; 'und' adds nothing. */
export const subtitleLabel = (t: SubtitleInfo): string => {
  const lang = t.lang && t.lang !== 'und' ? t.lang : null;
  const name = t.name.trim();
  if (!lang) return name || 'Subtitles';
  if (!name || name.toLowerCase() === lang.toLowerCase()) {
    let spoken: string | undefined;
    try {
      spoken = LANGUAGE_NAMES?.of(lang);
    } catch {
      spoken = undefined;
    }
    return spoken && spoken !== lang ? `${spoken} (${lang})` : lang;
  }
  return `${name} (${lang})`;
};
