/** Player icons as inline SVG: emoji and symbol glyphs depend on the fonts a machine has (headless Chromium draws boxes). */
import type { JSX } from 'solid-js';

const Svg = (p: { children: JSX.Element }) => (
  <svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" fill="currentColor">
    {p.children}
  </svg>
);

export const PlayIcon = () => (
  <Svg>
    <path d="M4 2.5v11l9-5.5z" />
  </Svg>
);

export const PauseIcon = () => (
  <Svg>
    <path d="M4 2.5h3v11H4zM9 2.5h3v11H9z" />
  </Svg>
);

export const VolumeIcon = (p: { muted: boolean }) => (
  <Svg>
    <path d="M2 6h3l4-3.5v11L5 10H2z" />
    {p.muted ? (
      <path d="M11 5.5l4 5M15 5.5l-4 5" stroke="currentColor" stroke-width="1.5" fill="none" />
    ) : (
      <path d="M11 5a4 4 0 0 1 0 6M12.5 3a7 7 0 0 1 0 10" stroke="currentColor" stroke-width="1.3" fill="none" />
    )}
  </Svg>
);

export const FullscreenIcon = () => (
  <Svg>
    <path d="M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4" stroke="currentColor" stroke-width="1.6" fill="none" />
  </Svg>
);
