/**
 * `mpr workers [--json]`: the workers registered with a server (every
 * `mpr worker`, every `mpr start` running work), as the user `mpr login`
 * stored or MPR_URL + MPR_API_KEY. A table by default — lost workers stand
 * out — or the API's answer as JSON.
 */
import { AppError } from '../errors.ts';
import type { WorkerDto, WorkerItem, WorkersDto } from '../types/workers.ts';
import { signedIn, table } from './account-commands.ts';
import type { CliEnv } from './credentials.ts';

export interface WorkersDeps {
  env: CliEnv;
  /** Results (stdout). */
  out: (s: string) => void;
  fetch?: (r: Request) => Promise<Response>;
}

/** Pure: "3 s ago", "4 min ago", "2 h ago", "3 d ago". */
export const ago = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.floor(s / 60)} min ago`;
  if (s < 172_800) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
};

/** Pure: one running item as `job:n 37%` (`job` for an item that is not a chunk, `?` before it says how far it is). */
export const itemText = (i: WorkerItem): string => `${i.n === null ? i.jobId : `${i.jobId}:${i.n}`} ${i.percent === null ? '?' : `${Math.floor(i.percent)}%`}`;

const statusText = (w: WorkerDto): string => (w.status === 'lost' ? 'LOST' : w.status === 'live' && w.state === 'draining' ? 'draining' : w.status);

/** Pure: the table `mpr workers` prints, and the line under it. */
export const workersLines = (dto: WorkersDto): string[] => {
  if (dto.workers.length === 0) {
    return ['no workers have registered: start one with mpr worker (MPR_WORK_QUEUE=redis and REDIS_URL, as the server), or run the server with mpr start'];
  }
  const rows = dto.workers.map((w) => [
    w.id,
    w.host,
    String(w.pid),
    statusText(w),
    `${w.busy}/${w.concurrency}`,
    String(w.done),
    String(w.failed),
    `${w.load.toFixed(2)}/${w.cpus}`,
    ago(w.beatAgeSeconds),
    w.items.length > 0 ? w.items.map(itemText).join(', ') : '-',
  ]);
  const live = dto.workers.filter((w) => w.status === 'live').length;
  const lost = dto.workers.filter((w) => w.status === 'lost').length;
  return [
    ...table(['ID', 'HOST', 'PID', 'STATUS', 'BUSY', 'DONE', 'FAILED', 'LOAD', 'LAST BEAT', 'ITEMS'], rows),
    '',
    `${live} live, capacity ${dto.capacity}${lost > 0 ? `; ${lost} LOST (no heartbeat for over ${dto.lostAfterSeconds} s: their items are taken over by the others)` : ''}`,
  ];
};

export const workersCommand = async (d: WorkersDeps, rest: readonly string[], flags: { json?: boolean }) => {
  if (rest.length > 0) throw new AppError('validation', `usage: mpr workers [--json] (takes no argument, got "${rest[0]}")`);
  const dto = await signedIn(d).get<WorkersDto>('/api/workers');
  if (flags.json) return void d.out(JSON.stringify(dto, null, 2));
  for (const line of workersLines(dto)) d.out(line);
};
