/**
 * The tool processes (ffmpeg, ffprobe) this process spawns, recorded on disk
 * so that the next run can find those a `kill -9` left running: a killed
 * parent does not take its children with it, and an orphaned ffmpeg runs on
 * for tens of seconds beside the rerun of its work.
 *
 * `trackChildrenIn(dir)` turns recording on (the `mpr` commands call it with
 * `<dataDir>/run/children`; until then nothing is written, so systems built
 * in-process by tests leave no records). Each child gets `<dir>/<pid>.json`
 * with its pid, start time and command name and its owner's pid and start
 * time, written when it is spawned and removed when it has exited.
 * `reapOrphans` kills a recorded child only when its owner is gone and the
 * process at that pid is still the one recorded (same start time, same
 * command): a pid reused by anything else is never touched. A crash between
 * spawn and record leaves that one child unrecorded, which is the price of
 * writing synchronously without a lock.
 *
 * Start times are field 22 of /proc/<pid>/stat (clock ticks since boot), so
 * this works on Linux only; without /proc it records nothing and reaps
 * nothing.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';

/** What /proc/<pid>/stat says about a process. */
export interface ProcStat {
  /** The command name: the executable's base name, cut to 15 characters. */
  comm: string;
  /** R, S, D, Z (a zombie: dead, waiting for its parent to reap it), T, ... */
  state: string;
  /** Clock ticks after boot at which it started: with the pid, it names one process for good. */
  startTime: number;
}

/** One record: `<dir>/<pid>.json`. */
export interface ChildRecord {
  pid: number;
  startTime: number;
  comm: string;
  /** The binary as spawned, for the log. */
  bin: string;
  owner: { pid: number; startTime: number };
}

/** Pure: parses /proc/<pid>/stat. The command name may hold spaces and parentheses, so it ends at the last ')'. */
export const parseProcStat = (text: string): ProcStat | null => {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  // Fields from 3 (state) on; field 22 (starttime) is the 20th of them.
  const rest = text
    .slice(close + 2)
    .trim()
    .split(' ');
  const startTime = Number(rest[19]);
  if (!rest[0] || !Number.isSafeInteger(startTime)) return null;
  return { comm: text.slice(open + 1, close), state: rest[0], startTime };
};

/** Where a data folder's records live: `<dataDir>/run/children`. */
export const childrenDirOf = (dataDir: string): string => join(dataDir, 'run', 'children');

const isPid = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) > 1;

/** Pure: a record read back from disk, or null when it is not one. */
export const parseRecord = (text: string): ChildRecord | null => {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  const r = v as Partial<ChildRecord> | null;
  if (!r || !isPid(r.pid) || !Number.isSafeInteger(r.startTime) || typeof r.comm !== 'string' || r.comm === '') return null;
  if (!r.owner || !isPid(r.owner.pid) || !Number.isSafeInteger(r.owner.startTime)) return null;
  return { pid: r.pid, startTime: r.startTime!, comm: r.comm, bin: typeof r.bin === 'string' ? r.bin : r.comm, owner: r.owner };
};

/**
 * Pure: what to do with a record, given what /proc says now about its owner
 * and its child (null: no such process). 'keep' while the owner runs (it
 * removes the record itself); otherwise 'kill' only when the pid is still
 * the child recorded and alive, and 'drop' the record in every other case.
 */
export const judgeRecord = (r: ChildRecord, owner: ProcStat | null, child: ProcStat | null): 'keep' | 'kill' | 'drop' => {
  if (owner && owner.startTime === r.owner.startTime && owner.state !== 'Z') return 'keep';
  if (child && child.startTime === r.startTime && child.comm === r.comm && child.state !== 'Z') return 'kill';
  return 'drop';
};

/** Whether a process with this pid exists (ours or another user's), on any platform; says nothing of which process it is. */
export const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM'; // alive, someone else's
  }
};

const readStat = (pid: number | 'self'): ProcStat | null => {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
};

/**
 * A process's start time (clock ticks after boot), null when it is not
 * running (gone, or a zombie) or where /proc is missing: with the pid it
 * names one process for good, across pid reuse.
 */
export const processStartTime = (pid: number | 'self'): number | null => {
  const s = readStat(pid);
  return s && s.state !== 'Z' ? s.startTime : null;
};

interface Tracking {
  dir: string;
  owner: { pid: number; startTime: number };
  /** The pids recorded by this process: childEnded removes only those. */
  recorded: Set<number>;
  logger?: Logger;
  warned: boolean;
}

let tracking: Tracking | null = null;

/**
 * Turns recording on, into `dir` (made if missing); null turns it off.
 * Returns whether children are recorded: false where /proc is missing.
 * Throws when the folder cannot be made (the data folder is unusable).
 */
export const trackChildrenIn = (dir: string | null, opts: { logger?: Logger } = {}): boolean => {
  tracking = null;
  if (dir === null) return false;
  const self = readStat('self');
  if (!self) {
    opts.logger?.debug('no /proc here: the tool processes this process starts are not recorded (orphans of a killed run cannot be found)');
    return false;
  }
  mkdirSync(dir, { recursive: true });
  tracking = { dir, owner: { pid: process.pid, startTime: self.startTime }, recorded: new Set(), logger: opts.logger, warned: false };
  return true;
};

/** unlink that ignores a file removed meanwhile (by its owner, or another reaper). */
const removeQuietly = (path: string) => {
  try {
    unlinkSync(path);
  } catch {
    // gone already
  }
};

const recordPath = (dir: string, pid: number) => join(dir, `${pid}.json`);

/**
 * Records a child just spawned. Synchronous and a few microseconds: it runs
 * between spawn and the first await. Never throws (a failure to record is
 * warned about once): a run must not fail for its safety net.
 */
export const childStarted = (pid: number, bin: string): void => {
  const t = tracking;
  if (!t) return;
  // Bun.spawn returns after the exec, so this is the tool's own name and start time.
  const stat = readStat(pid);
  if (!stat) return; // already gone: nothing can be left running
  const record: ChildRecord = { pid, startTime: stat.startTime, comm: stat.comm, bin, owner: t.owner };
  const path = recordPath(t.dir, pid);
  try {
    // Written aside and renamed, so a reader never sees half a record.
    writeFileSync(`${path}.tmp`, JSON.stringify(record));
    renameSync(`${path}.tmp`, path);
    t.recorded.add(pid);
  } catch (e) {
    if (!t.warned)
      t.logger?.warn(
        `cannot record the ${stat.comm} process ${pid} in ${t.dir} (${(e as Error).message}): if this process is killed, its tool processes are not stopped at the next start; make that folder writable`,
      );
    t.warned = true;
  }
};

/** Removes a child's record once it has exited. */
export const childEnded = (pid: number): void => {
  const t = tracking;
  if (!t?.recorded.delete(pid)) return;
  removeQuietly(recordPath(t.dir, pid));
};

export interface ReapResult {
  /** The orphans killed. */
  killed: { pid: number; comm: string }[];
  /** Records kept: their owner still runs. */
  kept: number;
  /** Records removed without a kill: the child had exited, or its pid now names another process. */
  dropped: number;
}

let saidNoProc = false;

/** Waits (at most `ms`) until a killed process is gone or a zombie, so nothing it writes lands after we return. */
const awaitDeath = async (pid: number, startTime: number, ms: number) => {
  const until = performance.now() + ms;
  for (;;) {
    const s = readStat(pid);
    if (!s || s.startTime !== startTime || s.state === 'Z' || performance.now() > until) return;
    await Bun.sleep(10);
  }
};

/** Pure: "killed 2 ffmpeg processes a previous run left: pids 10, 11". */
export const describeKilled = (killed: { pid: number; comm: string }[]): string => {
  const byComm = new Map<string, number[]>();
  for (const k of killed) byComm.set(k.comm, [...(byComm.get(k.comm) ?? []), k.pid]);
  const n = killed.length;
  const what = byComm.size === 1 ? `${n} ${[...byComm.keys()][0]} process${n === 1 ? '' : 'es'}` : `${n} processes`;
  const pids =
    byComm.size === 1 ? `pid${n === 1 ? '' : 's'} ${killed.map((k) => k.pid).join(', ')}` : [...byComm].map(([c, p]) => `${c} ${p.join(', ')}`).join('; ');
  return `killed ${what} a previous run left: ${pids}`;
};

/**
 * Start-up: kills the recorded children whose owner is gone, when the pid
 * still names the very process recorded, and removes their records. Records
 * of a live owner (another process on this data folder) are kept.
 */
export const reapOrphans = async (dir: string, logger: Logger): Promise<ReapResult> => {
  const result: ReapResult = { killed: [], kept: 0, dropped: 0 };
  if (!readStat('self')) {
    if (!saidNoProc) logger.debug('no /proc here: orphaned tool processes of a killed run cannot be found or stopped');
    saidNoProc = true;
    return result;
  }
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return result; // never tracked here
  }
  const dead: { pid: number; startTime: number }[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (name.endsWith('.tmp')) {
      // A crash between writing a record and renaming it; a live writer renames within microseconds.
      const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 60_000) removeQuietly(path);
      continue;
    }
    if (!name.endsWith('.json')) continue;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue; // removed by its owner meanwhile
    }
    const r = parseRecord(text);
    const verdict = r ? judgeRecord(r, readStat(r.owner.pid), readStat(r.pid)) : 'drop';
    if (verdict === 'keep') {
      result.kept++;
      continue;
    }
    if (verdict === 'kill' && r && r.pid !== process.pid) {
      try {
        process.kill(r.pid, 'SIGKILL');
        result.killed.push({ pid: r.pid, comm: r.comm });
        dead.push(r);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'ESRCH')
          result.dropped++; // exited between the check and the kill
        else {
          logger.warn(`cannot stop the ${r.comm} process ${r.pid} a previous run left (${code ?? (e as Error).message}): stop it by hand (kill -9 ${r.pid})`);
          result.dropped++;
        }
      }
    } else result.dropped++;
    removeQuietly(path);
  }
  for (const d of dead) await awaitDeath(d.pid, d.startTime, 2000);
  if (result.killed.length > 0) logger.info(describeKilled(result.killed));
  return result;
};
