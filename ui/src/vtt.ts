/**
 * Thumbnail sprite cues from a WebVTT file: `start --> end` then
 * `sprite_000.jpg#xywh=x,y,w,h`, the image resolved against the VTT's URL.
 */
export interface SpriteCue {
  start: number;
  end: number;
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** `01:02:03.500`, `02:03.5` or `3.5` → seconds. */
export const parseTimestamp = (t: string): number => {
  const parts = t.trim().replace(',', '.').split(':').map(Number);
  if (parts.some((p) => !Number.isFinite(p))) return Number.NaN;
  return parts.reduce((acc, p) => acc * 60 + p, 0);
};

export const parseVtt = (text: string, base: string): SpriteCue[] => {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const cues: SpriteCue[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*([\d:.,]+)\s+-->\s+([\d:.,]+)/.exec(lines[i]!);
    if (!m) continue;
    const target = lines[i + 1]?.trim();
    if (!target) continue;
    const hash = target.lastIndexOf('#xywh=');
    if (hash < 0) continue;
    const [x, y, w, h] = target
      .slice(hash + 6)
      .split(',')
      .map(Number);
    if (![x, y, w, h].every((n) => Number.isFinite(n))) continue;
    let url: string;
    try {
      url = new URL(target.slice(0, hash), new URL(base, 'http://x.invalid/')).href.replace(/^http:\/\/x\.invalid/, '');
    } catch {
      continue;
    }
    cues.push({ start: parseTimestamp(m[1]!), end: parseTimestamp(m[2]!), url, x: x!, y: y!, w: w!, h: h! });
  }
  return cues;
};

/** The cue showing at `t` seconds (the last one past the end). */
export const cueAt = (cues: SpriteCue[], t: number): SpriteCue | undefined => {
  let lo = 0;
  let hi = cues.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = cues[mid]!;
    if (t < c.start) hi = mid - 1;
    else if (t >= c.end) lo = mid + 1;
    else return c;
  }
  return t >= (cues.at(-1)?.end ?? Infinity) ? cues.at(-1) : cues[Math.max(0, hi)];
};
