/** Human-readable numbers for tables: pure, tested in format.test.ts. */

export const bytes = (n: number | null | undefined): string => {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[i]}`;
};

/** Seconds as m:ss or h:mm:ss (media durations). */
export const duration = (s: number | null | undefined): string => {
  if (s === null || s === undefined || !Number.isFinite(s) || s < 0) return '—';
  const t = Math.floor(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${sec}`;
  if (s < 10 && s !== t) return `0:${String(s.toFixed(1)).padStart(4, '0')}`;
  return `${m}:${sec}`;
};

/** Time left, rounded the way people read it: "12 s", "3 min 5 s", "1 h 4 min". */
export const eta = (s: number | null | undefined): string => {
  if (s === null || s === undefined || !Number.isFinite(s) || s < 0) return '—';
  const t = Math.round(s);
  if (t < 60) return `${t} s`;
  if (t < 3600) return `${Math.floor(t / 60)} min ${t % 60} s`;
  return `${Math.floor(t / 3600)} h ${Math.floor((t % 3600) / 60)} min`;
};

export const bitrate = (bps: number | null | undefined): string => {
  if (bps === null || bps === undefined || !Number.isFinite(bps)) return '—';
  if (bps >= 1_000_000) return `${(bps / 1_000_000).toFixed(bps >= 10_000_000 ? 0 : 1)} Mb/s`;
  return `${Math.round(bps / 1000)} kb/s`;
};

export const resolution = (w: number | null | undefined, h: number | null | undefined): string => (w && h ? `${w}×${h}` : '—');

/** "14:03:07" today, "24 Nov 14:03" otherwise. */
export const time = (iso: string | null | undefined, now = new Date()): string => {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const hms = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (d.toDateString() === now.toDateString()) return hms;
  return `${d.getDate()} ${d.toLocaleString('en', { month: 'short' })} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/** A server message as a sentence: capital first letter, final full stop. */
export const sentence = (msg: string): string => {
  const m = msg.trim();
  if (!m) return 'Something went wrong.';
  // A message that starts with a field path (`video.rungs[1].height: …`) keeps its case.
  const s = /^[\w.[\]]+:/.test(m) ? m : m[0]!.toUpperCase() + m.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
};

export const errorText = (e: unknown): string => sentence(e instanceof Error ? e.message : String(e));
