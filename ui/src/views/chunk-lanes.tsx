/**
 * The job page's chunk lanes: one attempt at a time, labelled with it — the
 * current attempt unless an older one is picked. Bars sit at
 * spec.start…end over the media duration; audio and whole-file chunks span
 * it all. Each chunk status has its own look (lane-<status>).
 */
import { For, Show, createMemo } from 'solid-js';
import { Empty } from '../components/bits.tsx';
import { duration } from '../format.ts';
import type { JobDetailStore } from '../stores/job-detail.ts';
import { isActive } from '../stores/jobs.ts';
import type { Chunk, Job } from '../types.ts';

type LanesStore = Pick<JobDetailStore, 'laneChunks' | 'shownAttempt' | 'attempts' | 'pickAttempt' | 'percentOf'>;

const DONE: ReadonlySet<Chunk['status']> = new Set(['SUCCEEDED', 'FAILED']);

export const ChunkLanes = (p: { store: LanesStore; job: Job }) => {
  const s = p.store;
  const chunks = () => s.laneChunks();
  const total = createMemo(() => Math.max(0.001, ...chunks().map((c) => c.spec.end ?? 0)));
  const span = (c: Chunk) => {
    if (c.spec.start === undefined || c.spec.end === undefined) return { left: 0, width: 100 };
    return { left: (c.spec.start / total()) * 100, width: Math.max(0.5, ((c.spec.end - c.spec.start) / total()) * 100) };
  };
  const fill = (c: Chunk) => (DONE.has(c.status) ? 100 : (s.percentOf(c) ?? 0));
  // A server without RUNNING keeps a working chunk QUEUED: its live percent says it is running.
  const running = (c: Chunk) => c.status === 'RUNNING' || (c.status === 'QUEUED' && fill(c) > 0);
  const current = () => s.shownAttempt() === p.job.attempt;
  const statusText = (c: Chunk) => (running(c) ? `${Math.round(fill(c))}%` : c.status.toLowerCase());
  return (
    <div class="card" data-testid="lanes" data-attempt={s.shownAttempt()}>
      <div class="card-head">
        <h2>
          Chunks{' '}
          <span class="small muted" data-testid="lanes-attempt">
            attempt {s.shownAttempt()}
            {current() ? (p.job.attempt > 1 ? ' (current)' : '') : ` of ${p.job.attempt}`}
          </span>
        </h2>
        <Show when={s.attempts().length > 1}>
          <label class="attempt-picker small muted">
            show
            <select
              data-testid="attempt-picker"
              value={String(s.shownAttempt())}
              onChange={(e) => void s.pickAttempt(Number(e.currentTarget.value))}
              aria-label="Attempt"
            >
              <For each={s.attempts()}>
                {(n) => (
                  <option value={String(n)}>
                    attempt {n}
                    {n === p.job.attempt ? ' (current)' : ''}
                  </option>
                )}
              </For>
            </select>
          </label>
        </Show>
      </div>
      <Show
        when={chunks().length > 0}
        fallback={<Empty>{current() && isActive(p.job.status) ? 'Planning…' : `Attempt ${s.shownAttempt()} has no chunks.`}</Empty>}
      >
        <div class="lanes">
          <For each={chunks()}>
            {(c) => (
              <div
                class="lane"
                data-testid="lane"
                data-status={c.status}
                data-attempt={c.attempt}
                data-n={c.n}
                title={`attempt ${c.attempt}, chunk ${c.n}: ${c.error ?? `${c.spec.type} ${duration(c.spec.start)}–${duration(c.spec.end)}, ${c.status.toLowerCase()}`}`}
              >
                <span class="lane-label mono">
                  #{c.n} {c.spec.type === 'subtitles' ? 'subs' : c.spec.type}
                </span>
                <div class="lane-track">
                  <div
                    class={`lane-bar lane-${c.status.toLowerCase()}`}
                    classList={{ 'lane-running': running(c) }}
                    style={{ left: `${span(c).left}%`, width: `${span(c).width}%` }}
                  >
                    <div class="lane-fill" style={{ width: `${fill(c)}%` }} />
                  </div>
                </div>
                <span class={`lane-status small lane-status-${c.status.toLowerCase()}`}>{statusText(c)}</span>
              </div>
            )}
          </For>
          <div class="lane-axis small muted">
            <span>0:00</span>
            <span>{duration(total())}</span>
          </div>
        </div>
      </Show>
    </div>
  );
};
