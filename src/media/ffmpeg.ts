/**
 * Running ffmpeg and ffprobe as subprocesses: progress, bounded stderr,
 * cancellation, timeouts. Every run awaits the process's exit, so no zombie
 * or orphan outlives a call, whatever way it ends.
 */
import { AppError, errorMessage } from '../errors.ts';
import { resolveBinaries } from './binaries.ts';
import { childEnded, childStarted } from './children.ts';
import { ffmpegFailure, ffmpegReason, isStderrNoise, stderrDetail } from './ffmpeg-errors.ts';
import { createProgressParser, type FfmpegProgress } from './ffmpeg-progress.ts';
import { createTail, pumpLines } from './output-lines.ts';

export type { FfmpegProgress } from './ffmpeg-progress.ts';

/** An AppError from a failed ffmpeg/ffprobe run, carrying what stderr said last. */
export type FfmpegError = AppError & { stderrTail: string; exitCode: number | null };

export const isFfmpegError = (e: unknown): e is FfmpegError => e instanceof AppError && typeof (e as Partial<FfmpegError>).stderrTail === 'string';

/**
 * An AppError carrying a run's stderr tail (and exit code, null when it was
 * stopped). The tail keeps only the lines that can explain the failure
 * (stderrDetail): it is what errorDetail() shows under the reason.
 */
export const ffmpegError = (code: AppError['code'], reason: string, stderrTail: string, exitCode: number | null): FfmpegError =>
  Object.assign(new AppError(code, reason), { stderrTail: stderrDetail(stderrTail) ?? '', exitCode });

/** A run killed by the stall watchdog: retried like a crash, and recorded as a stall by the chunk runner. */
export type FfmpegStall = FfmpegError & { stalledSeconds: number };

export const isFfmpegStall = (e: unknown): e is FfmpegStall => isFfmpegError(e) && typeof (e as Partial<FfmpegStall>).stalledSeconds === 'number';

/**
 * The stall watchdog of a child process: `onStall` once `silentMs(now)` (how
 * long it has been quiet when it should not be) reaches stallMs. Checked a
 * few times per stallMs rather than re-armed per output: output comes often.
 * Null without stallMs; clear the interval when the process ends.
 */
export const watchStall = (stallMs: number | undefined, silentMs: (now: number) => number, onStall: () => void): ReturnType<typeof setInterval> | null =>
  stallMs
    ? setInterval(
        () => {
          if (silentMs(performance.now()) >= stallMs) onStall();
        },
        Math.max(50, Math.min(1000, stallMs / 4)),
      )
    : null;

/** The FfmpegStall for an ffmpeg the watchdog killed: `what` it failed to do for stallMs ("made no progress"). */
export const stallError = (stallMs: number, what: string, stderrTail: string): FfmpegStall => {
  const stalledSeconds = Math.round(stallMs / 100) / 10;
  return Object.assign(ffmpegError('unavailable', `ffmpeg ${what} for ${stalledSeconds} s (hung or stopped): killed`, stderrTail, null), { stalledSeconds });
};

const cancelled = () => new AppError('invalid_state', 'cancelled');

type Stop = 'aborted' | 'timeout' | 'stalled' | 'callback' | 'overflow';

interface SpawnSpec {
  bin: string;
  args: string[];
  cwd?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The run is killed ('stalled') when stdout stays silent this long. */
  stallMs?: number;
  /** Called for each stdout line; the run stops if it throws. */
  onStdoutLine?: (line: string) => void;
  /** Otherwise stdout is collected, up to this many bytes (the run stops beyond). */
  maxStdoutBytes?: number;
  /** Called for each stderr line as well as keeping the tail. */
  onStderrLine?: (line: string) => void;
  onSpawn?: (pid: number) => void;
}

interface Finished {
  exitCode: number;
  stderrTail: string;
  stdout: string;
  wallMs: number;
  stop: Stop | null;
  callbackError: unknown;
}

const spawnTool = async (s: SpawnSpec): Promise<Finished> => {
  if (s.signal?.aborted) throw cancelled();
  const started = performance.now();
  let proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>;
  try {
    proc = Bun.spawn([s.bin, ...s.args], { cwd: s.cwd, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
  } catch (e) {
    throw new AppError('unavailable', `cannot start ${s.bin}: ${errorMessage(e)}`, { cause: e });
  }
  childStarted(proc.pid, s.bin);
  s.onSpawn?.(proc.pid);

  let stop: Stop | null = null;
  let callbackError: unknown;
  // SIGKILL straight away rather than SIGTERM first: the output of a stopped
  // run is thrown away, so letting ffmpeg finish its frame, flush the encoder
  // lookahead and write a trailer (which takes over a second for 4K x264)
  // buys nothing, while "cancel stops ffmpeg within 1 s" must hold.
  const kill = (why: Stop) => {
    if (stop) return;
    stop = why;
    proc.kill('SIGKILL');
  };
  const onAbort = () => kill('aborted');
  s.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = s.timeoutMs ? setTimeout(() => kill('timeout'), s.timeoutMs) : null;
  // The watchdog: a process that prints nothing for stallMs is stuck (stopped,
  // deadlocked, blocked on a read that never returns).
  let lastOutput = performance.now();
  const watchdog = watchStall(
    s.stallMs,
    (now) => now - lastOutput,
    () => kill('stalled'),
  );

  const tail = createTail(30, 4096);
  const chunks: Uint8Array[] = [];
  let stdoutBytes = 0;
  const readStdout = async () => {
    if (s.onStdoutLine) {
      const onLine = s.onStdoutLine;
      return pumpLines(proc.stdout, (line) => {
        lastOutput = performance.now();
        if (stop) return;
        try {
          onLine(line);
        } catch (e) {
          callbackError = e;
          kill('callback');
        }
      });
    }
    const max = s.maxStdoutBytes ?? 64 * 1024 * 1024;
    for await (const chunk of proc.stdout) {
      lastOutput = performance.now();
      if (stop) continue; // keep draining so the process is never blocked on a full pipe
      stdoutBytes += chunk.byteLength;
      if (stdoutBytes > max) kill('overflow');
      else chunks.push(chunk);
    }
  };
  try {
    const [exitCode] = await Promise.all([
      proc.exited,
      // A broken pipe must not leave the process running; the exit code tells the story.
      readStdout().catch(() => {}),
      pumpLines(
        proc.stderr,
        (l) => {
          // Noise repeated per frame or per scaler would push the error lines out of the tail.
          if (!isStderrNoise(l)) tail.add(l);
          s.onStderrLine?.(l);
        },
        2048,
      ).catch(() => {}),
    ]);
    const stdout = s.onStdoutLine ? '' : Buffer.concat(chunks).toString('utf8');
    return { exitCode, stderrTail: tail.text(), stdout, wallMs: performance.now() - started, stop, callbackError };
  } finally {
    if (timer) clearTimeout(timer);
    if (watchdog) clearInterval(watchdog);
    s.signal?.removeEventListener('abort', onAbort);
    // Only reached early if awaiting threw; make sure nothing outlives us.
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await proc.exited;
    }
    childEnded(proc.pid);
  }
};

export interface RunFfmpegOptions {
  signal?: AbortSignal;
  /** Expected output duration in seconds: gives percent and eta. */
  durationSeconds?: number | null;
  /** Called for every progress block (about 4 a second); callers throttle. */
  onProgress?: (p: FfmpegProgress) => void;
  cwd?: string;
  /** ffmpeg binary; resolveBinaries() when absent. */
  bin?: string;
  /** The child's pid, for tests and diagnostics. */
  onSpawn?: (pid: number) => void;
  /** The run is killed after this long: an FfmpegError 'unrecoverable' (the same run would take as long again). */
  timeoutMs?: number;
  /**
   * The stall watchdog: ffmpeg prints a progress block 4 times a second while
   * it works, so this long without one means it hangs (SIGSTOP, a dead NFS
   * read). It is killed and the run rejects with an FfmpegStall ('unavailable': retried).
   */
  stallMs?: number;
  /** The folder the outputs go to: named by a "disk full" reason when stderr names no file. */
  writesTo?: string;
}

/**
 * Runs ffmpeg with `args` (inputs, filters, outputs). Global options come
 * first so the caller's own -loglevel etc. override them. stdout carries the
 * progress blocks, so outputs must not be written to `-`/pipe:1 (`-f null -`
 * is fine: the null muxer writes nothing).
 *
 * Rejects with AppError('invalid_state', 'cancelled') on abort, with an
 * FfmpegStall when the watchdog stopped it, and with an FfmpegError on a
 * non-zero exit: 'unavailable' for a crash (retried), 'unrecoverable'
 * otherwise, a full disk included (ffmpegFailure).
 */
export const runFfmpeg = async (args: string[], opts: RunFfmpegOptions = {}): Promise<{ stderrTail: string; wallMs: number }> => {
  const parse = createProgressParser(opts.durationSeconds);
  const onProgress = opts.onProgress;
  const r = await spawnTool({
    bin: opts.bin ?? resolveBinaries().ffmpeg,
    // -nostats: progress comes from -progress; the \r stats line would only
    // crowd real messages out of the stderr tail, as would the info-level
    // stream listing that -loglevel warning hides.
    args: ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'warning', '-y', '-progress', 'pipe:1', '-stats_period', '0.25', ...args],
    cwd: opts.cwd,
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    stallMs: opts.stallMs,
    onSpawn: opts.onSpawn,
    onStdoutLine: (line) => {
      const p = parse(line);
      if (p && onProgress) onProgress(p);
    },
  });
  if (r.stop === 'aborted') throw cancelled();
  if (r.stop === 'callback') throw r.callbackError;
  if (r.stop === 'stalled') throw stallError(opts.stallMs!, 'made no progress', r.stderrTail);
  if (r.stop === 'timeout') throw ffmpegError('unrecoverable', `ffmpeg did not finish within ${opts.timeoutMs! / 1000} s`, r.stderrTail, null);
  // ffmpeg 5.1 exits 0 when only its trailer could not be written ("Error
  // writing trailer of x.ts: No space left on device"): the output is cut short all the same.
  if (r.exitCode !== 0 || /No space left on device/i.test(r.stderrTail)) {
    const f = ffmpegFailure(r.stderrTail, r.exitCode, { writesTo: opts.writesTo });
    throw ffmpegError(f.code, f.reason, r.stderrTail, r.exitCode);
  }
  return { stderrTail: r.stderrTail, wallMs: r.wallMs };
};

export interface FfprobeOptions {
  signal?: AbortSignal;
  /** The process is killed after this long (default 60 s): a probe must never hang. */
  timeoutMs?: number;
  /** ffprobe binary; resolveBinaries() when absent. */
  bin?: string;
}

export interface FfprobeLinesOptions extends FfprobeOptions {
  /** Every stderr line (the result keeps only the tail), e.g. to count decode errors. */
  onStderrLine?: (line: string) => void;
}

const DEFAULT_PROBE_TIMEOUT_MS = 60_000;

/**
 * Runs `ffprobe -v error -of json <args>` and returns the parsed JSON.
 * Rejects with FfmpegError 'corrupt' when ffprobe cannot read the input,
 * 'unrecoverable' on a timeout, a kill or output that is not JSON, and
 * 'invalid_state' (cancelled) on abort.
 */
export const runFfprobeJson = async (args: string[], opts: FfprobeOptions = {}): Promise<unknown> => {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const r = await spawnTool({
    bin: opts.bin ?? resolveBinaries().ffprobe,
    args: ['-hide_banner', '-v', 'error', '-of', 'json', ...args],
    signal: opts.signal,
    timeoutMs,
  });
  if (r.stop === 'aborted') throw cancelled();
  if (r.stop === 'timeout') throw ffmpegError('unrecoverable', `ffprobe did not finish within ${timeoutMs / 1000} s`, r.stderrTail, null);
  if (r.stop === 'overflow') throw ffmpegError('unrecoverable', 'ffprobe printed more output than expected', r.stderrTail, null);
  if (r.exitCode !== 0) {
    // 128+n is a death by signal (OOM killer, an operator): not the file's fault.
    const code = r.exitCode > 128 ? 'unrecoverable' : 'corrupt';
    throw ffmpegError(code, ffmpegReason(r.stderrTail, r.exitCode, 'ffprobe'), r.stderrTail, r.exitCode);
  }
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw ffmpegError('unrecoverable', 'ffprobe printed output that is not JSON', r.stderrTail, r.exitCode);
  }
};

export interface FfprobeLinesResult {
  exitCode: number;
  stderrTail: string;
  timedOut: boolean;
  wallMs: number;
}

/**
 * Runs `ffprobe -v error <args>` and hands each stdout line to onLine as it
 * arrives, so a scan of every packet of a two-hour file never holds its
 * output in memory. A non-zero exit or a timeout is returned, not thrown:
 * a packet scan of a damaged file still says something. Throws only on
 * abort (cancelled), when ffprobe cannot start, or when onLine throws.
 */
export const runFfprobeLines = async (args: string[], onLine: (line: string) => void, opts: FfprobeLinesOptions = {}): Promise<FfprobeLinesResult> => {
  const r = await spawnTool({
    bin: opts.bin ?? resolveBinaries().ffprobe,
    args: ['-hide_banner', '-v', 'error', ...args],
    signal: opts.signal,
    timeoutMs: opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
    onStdoutLine: onLine,
    onStderrLine: opts.onStderrLine,
  });
  if (r.stop === 'aborted') throw cancelled();
  if (r.stop === 'callback') throw r.callbackError;
  return { exitCode: r.exitCode, stderrTail: r.stderrTail, timedOut: r.stop === 'timeout', wallMs: r.wallMs };
};
