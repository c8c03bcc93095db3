/** How the CLI prints events and progress. Pure: strings in, strings out. */
import { CORRUPT_EVENT, type StoredEvent } from '../events/types.ts';

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export const formatEvent = (e: StoredEvent, opts: { width?: number; color?: boolean } = {}): string => {
  const width = opts.width ?? 160;
  const paint = (code: number, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const head = `${paint(2, `#${e.position}`.padStart(8))} ${e.meta.at.replace('T', ' ').slice(0, 23)} ${paint(36, e.stream)} v${e.version}`;
  const type = e.type === CORRUPT_EVENT ? paint(31, 'CORRUPT') : paint(1, e.type);
  const data = JSON.stringify(e.data);
  const rest = Math.max(20, width - head.length - e.type.length - 2);
  return `${head} ${type} ${clip(data, rest)}${e.meta.actor ? paint(2, `  ← ${e.meta.actor}`) : ''}`;
};

export const progressBar = (percent: number, width = 30): string => {
  const p = Math.max(0, Math.min(100, percent));
  const full = Math.round((p / 100) * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${p.toFixed(1).padStart(5)}%`;
};
