/**
 * The workers page (like Tdarr's nodes): every process that runs work items,
 * what each runs now with its progress, its counters and load, and how long
 * since it was last heard from. A lost worker (silent past the lost-after
 * time) is marked in red with what happens to its items; the empty page says
 * how to start a worker.
 */
import { For, Show } from 'solid-js';
import { Empty, ErrorNote, Loading, ProgressBar } from '../components/bits.tsx';
import { href } from '../router.ts';
import type { WorkersStore } from '../stores/workers.ts';
import type { WorkerDto, WorkerItem } from '../../../src/types/workers.ts';
import '../workers.css';

/** Pure: "3 s ago", "4 min ago", "2 h ago", "3 d ago". */
export const agoText = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.floor(s / 60)} min ago`;
  if (s < 172_800) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
};

/** Pure: what the status badge says: live, draining, lost or stopped. */
export const statusLabel = (w: Pick<WorkerDto, 'status' | 'state'>): string => (w.status === 'live' && w.state === 'draining' ? 'draining' : w.status);

export const WorkersView = (p: { store: WorkersStore }) => {
  const s = p.store;
  const lost = () => s.workers().filter((w) => w.status === 'lost').length;
  return (
    <section class="page workers-page">
      <div class="page-head">
        <h1>Workers</h1>
        <Show when={s.data()}>
          {(d) => (
            <span class="muted" data-testid="workers-capacity" data-capacity={d().capacity}>
              capacity {d().capacity} · lost after {d().lostAfterSeconds} s without a heartbeat
            </span>
          )}
        </Show>
      </div>
      <ErrorNote message={s.error()} />
      <Show when={lost() > 0}>
        <div class="workers-lost-banner" role="status" data-testid="workers-lost-banner">
          {lost() === 1 ? '1 worker is lost' : `${lost()} workers are lost`}: no heartbeat for over {s.data()?.lostAfterSeconds} s. Their items are taken over
          by the live workers.
        </div>
      </Show>
      <Show when={s.loaded()} fallback={<Loading />}>
        <Show when={s.workers().length > 0} fallback={<NoWorkers failed={s.data() === null} />}>
          <table class="table stack workers-table">
            <thead>
              <tr>
                <th>Worker</th>
                <th>Status</th>
                <th>Busy</th>
                <th class="wide">Running</th>
                <th>Done</th>
                <th>Failed</th>
                <th>Load</th>
                <th>Last beat</th>
              </tr>
            </thead>
            <tbody>
              <For each={s.workers()}>{(w) => <WorkerRow worker={w} lostAfter={s.data()?.lostAfterSeconds ?? 0} />}</For>
            </tbody>
          </table>
        </Show>
      </Show>
    </section>
  );
};

const NoWorkers = (p: { failed: boolean }) => (
  <Show when={!p.failed} fallback={<Empty>The workers could not be listed.</Empty>}>
    <Empty>
      <div data-testid="workers-empty">
        <p>No worker has registered. A worker registers when it starts and beats every few seconds while it runs.</p>
        <p>
          <code>mpr start</code> runs one beside the server (MPR_WORKERS slots). On a cluster, run <code>mpr worker</code> on each machine with{' '}
          <code>MPR_WORK_QUEUE=redis</code> and the server's <code>REDIS_URL</code>.
        </p>
      </div>
    </Empty>
  </Show>
);

const WorkerRow = (p: { worker: WorkerDto; lostAfter: number }) => {
  const w = () => p.worker;
  return (
    <>
      <tr data-testid="worker-row" data-id={w().id} data-status={w().status} class={`worker-${w().status}`}>
        <td data-label="Worker">
          <div class="mono">{w().host}</div>
          <div class="small muted" title={w().id}>
            {w().role === 'start' ? 'mpr start' : 'mpr worker'} · pid {w().pid} · v{w().version}
          </div>
        </td>
        <td data-label="Status">
          <span class={`badge worker-badge-${statusLabel(w())}`} data-testid="worker-status">
            {statusLabel(w())}
          </span>
        </td>
        <td class="num" data-label="Busy" data-testid="worker-busy">
          {w().busy}/{w().concurrency}
        </td>
        <td data-label="Running">
          <Show when={w().items.length > 0} fallback={<span class="muted">{w().status === 'live' ? 'idle' : '—'}</span>}>
            <ul class="worker-items">
              <For each={w().items}>{(i) => <ItemLine item={i} />}</For>
            </ul>
          </Show>
        </td>
        <td class="num" data-label="Done">
          {w().done}
        </td>
        <td class={`num ${w().failed > 0 ? 'worker-failed' : ''}`} data-label="Failed">
          {w().failed}
        </td>
        <td class="num" data-label="Load" title={`1-minute load average on ${w().cpus} CPUs`}>
          {w().load.toFixed(2)}
          <span class="muted">/{w().cpus}</span>
        </td>
        <td class="small" data-label="Last beat" data-testid="worker-beat" title={w().lastBeat}>
          {agoText(w().beatAgeSeconds)}
        </td>
      </tr>
      <Show when={w().status === 'lost'}>
        <tr class="subrow worker-lost-row">
          <td colSpan={8} data-testid="worker-lost-note">
            Lost: no heartbeat for {agoText(w().beatAgeSeconds).replace(' ago', '')} (over {p.lostAfter} s). Its process died, hung or cannot reach Redis; the
            items it held are taken over by the live workers.
          </td>
        </tr>
      </Show>
    </>
  );
};

const ItemLine = (p: { item: WorkerItem }) => {
  const i = () => p.item;
  return (
    <li class="worker-item" data-testid="worker-item" data-job={i().jobId} data-n={i().n ?? ''}>
      <a class="mono small" href={href({ name: 'job', id: i().jobId })} title={`${i().kind} · ${i().itemId}`}>
        {i().n === null ? i().jobId : `${i().jobId}:${i().n}`}
      </a>
      <Show when={i().percent !== null} fallback={<span class="small muted">starting…</span>}>
        <ProgressBar percent={i().percent ?? 0} status="PROCESSING" compact />
      </Show>
    </li>
  );
};
