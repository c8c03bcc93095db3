/**
 * What runs on this machine, read from /proc (Linux): a process's parent,
 * state and command line, its children, and the ffmpeg processes that name
 * a folder. The fault suite finds a worker's running ffmpeg with it, and the
 * ffmpeg orphans a kill -9 left behind. Free of bun:test: bench/ uses it too.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  /** R running, S sleeping, T stopped, Z zombie, ... */
  state: string;
  /** The executable's short name (/proc/<pid>/comm). */
  comm: string;
  /** argv, NUL-separated in /proc, joined with spaces here. */
  cmdline: string;
}

/**
 * Pure: the fields of a /proc/<pid>/stat line. The name sits in parentheses
 * and may itself hold spaces or parentheses, so the fields after it are
 * read from the last ')'.
 */
export const parseStat = (line: string): { pid: number; comm: string; state: string; ppid: number } | null => {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = line.slice(close + 2).split(' ');
  const pid = Number(line.slice(0, open).trim());
  const ppid = Number(rest[1]);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid) || !rest[0]) return null;
  return { pid, comm: line.slice(open + 1, close), state: rest[0], ppid };
};

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // gone between the listing and the read
  }
};

/** One process, or null when it is gone. */
export const procInfo = (pid: number): ProcInfo | null => {
  const stat = read(`/proc/${pid}/stat`);
  const parsed = stat === null ? null : parseStat(stat);
  if (!parsed) return null;
  const cmdline = (read(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean).join(' ');
  return { ...parsed, cmdline };
};

/** Every process this user can see. */
export const allProcs = (): ProcInfo[] => {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = procInfo(Number(name));
    if (p) out.push(p);
  }
  return out;
};

/** Alive: present and not a zombie waiting for its parent's wait(). */
export const isAlive = (pid: number): boolean => {
  const p = procInfo(pid);
  return p !== null && p.state !== 'Z' && p.state !== 'X';
};

const isFfmpeg = (p: ProcInfo) => p.comm === 'ffmpeg' || /(^|\/)ffmpeg(\s|$)/.test(p.cmdline.split(' ')[0] ?? '');

/** The live ffmpeg processes whose parent is `pid` (what a worker is encoding now). */
export const ffmpegChildren = (pid: number): ProcInfo[] => allProcs().filter((p) => p.ppid === pid && isFfmpeg(p) && p.state !== 'Z');

/** The live ffmpeg processes whose command line names `path` (a data folder, a scratch folder, a temp root). */
export const ffmpegNaming = (path: string): ProcInfo[] => allProcs().filter((p) => isFfmpeg(p) && p.state !== 'Z' && p.cmdline.includes(path));

/**
 * Orphans: ffmpeg processes naming `path` whose parent is none of `owners`
 * (the live MPR processes that may run ffmpeg there). After a kill -9 an
 * orphan's parent is pid 1 or the nearest subreaper, so "not one of ours" is
 * the test, not "parent is 1".
 */
export const ffmpegOrphans = (path: string, owners: readonly number[]): ProcInfo[] => ffmpegNaming(path).filter((p) => !owners.includes(p.ppid));

/** Sends `signal` to a pid, ignoring one that is already gone. */
export const signalPid = (pid: number, signal: NodeJS.Signals): boolean => {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
};

/** Polls `cond` every `everyMs` until it holds; throws a sentence naming `what` after `timeoutMs`. */
export const waitFor = async <T>(
  cond: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  what: string,
  timeoutMs: number,
  everyMs = 50,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await Bun.sleep(everyMs);
  }
};
