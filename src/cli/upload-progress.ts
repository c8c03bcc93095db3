/** `mpr upload`'s progress: one line per file, redrawn in place on a terminal, a line per 10% in a log. */
import { progressBar } from './format.ts';

/** Pure: 1536 → "1.5 KiB". */
export const humanBytes = (n: number): string => {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
};

const clip = (s: string, max: number) => (s.length <= max ? s : `…${s.slice(s.length - Math.max(0, max - 1))}`);

/** Pure: one file's progress line, at most `width` characters (the name gives way first, keeping its end). */
export const uploadLine = (
  p: { name: string; sent: number; size: number; inFlight: number; bytesPerSecond: number | null },
  width = Number.POSITIVE_INFINITY,
): string => {
  const percent = p.size > 0 ? (p.sent / p.size) * 100 : 100;
  const figures = `${humanBytes(p.sent)}/${humanBytes(p.size)}${p.inFlight ? ` ${p.inFlight} in flight` : ''}${p.bytesPerSecond ? ` ${humanBytes(Math.round(p.bytesPerSecond))}/s` : ''}`;
  const tail = (bar: number) => `${progressBar(percent, bar)} ${figures}`;
  const full = `${p.name} ${tail(30)}`;
  if (full.length <= width) return full;
  const bar = Math.max(10, Math.min(30, width - tail(0).length - 13));
  const room = width - tail(bar).length - 1;
  return room >= 8 ? `${clip(p.name, room)} ${tail(bar)}` : clip(`${percent.toFixed(1)}% ${figures}`, width);
};

/** Draws one file's line: redrawn in place on a terminal (10 times a second at most), a line per 10% otherwise. */
export const progressSink = (stream: Pick<NodeJS.WriteStream, 'isTTY' | 'columns' | 'write'>, now: () => number) => {
  let lastDraw = 0;
  let lastTenth = -1;
  return (line: () => { text: (width: number) => string; percent: number }, final: boolean) => {
    const l = line();
    if (stream.isTTY) {
      if (!final && now() - lastDraw < 100) return;
      lastDraw = now();
      const width = stream.columns > 1 ? stream.columns - 1 : Number.POSITIVE_INFINITY;
      stream.write(`\r\x1b[2K${l.text(width)}${final ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor(l.percent / 10);
    if (tenth <= lastTenth || (tenth === 0 && !final)) return;
    lastTenth = tenth;
    stream.write(`${l.text(Number.POSITIVE_INFINITY)}\n`);
  };
};
