/**
 * A timeline's checkpoint tree drawn as a git graph: one row per checkpoint
 * (stage, job, when, how long, key stats, its overrides as chips), a small
 * SVG per row for its lanes (lines run the row's whole height, so rows may
 * wrap to any height), and a button per row to pick it for comparison.
 */
import { For, Show, createMemo } from 'solid-js';
import { ErrorNote, Empty, Loading } from '../components/bits.tsx';
import { type TreeRow, keyStats, msText, shortId, valueText } from '../checkpoint-tree.ts';
import { time } from '../format.ts';
import { href } from '../router.ts';
import type { CheckpointsStore } from '../stores/checkpoints.ts';
import '../checkpoints.css';

/** Where a row's dot sits, px from its top: the middle of the row's first line. */
const DOT_Y = 15;

/** Pick letters: the older pick is A, the newer B. */
const LETTERS = ['A', 'B'];

const Graph = (p: { row: TreeRow; lanes: number; current: boolean; pick: number }) => {
  const x = (lane: number) => `${((lane + 0.5) / p.lanes) * 100}%`;
  const title = () => {
    const r = p.row;
    const out = r.branches.length ? `, ${r.branches.length === 1 ? 'a branch leaves' : `${r.branches.length} branches leave`} here` : '';
    return `${r.node.stage}, lane ${r.lane + 1} of ${p.lanes}${r.orphan ? ', its parent not listed' : ''}${out}`;
  };
  return (
    <div class="cp-graph" style={{ '--cp-lanes': p.lanes }}>
      <svg role="img" aria-label={title()}>
        <title>{title()}</title>
        <For each={p.row.lines}>
          {(l) => <line class="cp-line" x1={x(l.lane)} x2={x(l.lane)} y1={l.part === 'bottom' ? DOT_Y : 0} y2={l.part === 'top' ? DOT_Y : '100%'} />}
        </For>
        <For each={p.row.branches}>{(b) => <line class="cp-line" x1={x(p.row.lane)} x2={x(b)} y1={DOT_Y} y2={DOT_Y} />}</For>
        <circle
          class="cp-dot"
          classList={{ current: p.current, picked: p.pick >= 0, orphan: p.row.orphan }}
          cx={x(p.row.lane)}
          cy={DOT_Y}
          r={p.pick >= 0 ? 6 : 4.5}
        />
      </svg>
    </div>
  );
};

const NodeRow = (p: { row: TreeRow; lanes: number; store: CheckpointsStore; currentJobId: string | null; onOpenRun: (jobId: string) => void }) => {
  const n = () => p.row.node;
  const current = () => p.currentJobId !== null && n().job_id === p.currentJobId;
  const pick = () => p.store.picked().indexOf(n().id);
  const overrides = () => Object.entries(n().overrides ?? {});
  const open = (e: MouseEvent) => {
    // A plain click opens the run in the app; a click that asks for a new tab or window keeps the link's own way.
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    p.onOpenRun(n().job_id);
  };
  return (
    <li
      class="cp-row"
      classList={{ current: current(), picked: pick() >= 0 }}
      data-testid="checkpoint-node"
      data-id={n().id}
      data-stage={n().stage}
      data-job={n().job_id}
      data-depth={p.row.depth}
      data-current={current() ? '' : undefined}
    >
      <Graph row={p.row} lanes={p.lanes} current={current()} pick={pick()} />
      <div class="cp-body">
        <div class="cp-facts">
          <span class="cp-stage">{n().stage}</span>
          <a class="mono small" href={href({ name: 'detect-run', id: n().job_id })} title={`Open run ${n().job_id}`} onClick={open}>
            {shortId(n().job_id)}
          </a>
          <Show when={current()}>
            <span class="cp-tag">this run</span>
          </Show>
          <span class="small muted" title={n().created_at}>
            {time(n().created_at)}
          </span>
          <span class="small muted" title="How long the stage took">
            {msText(n().ms)}
          </span>
          <span class="cp-stats small">
            <For each={keyStats(n().stats ?? {})}>
              {([k, v]) => (
                <span class="cp-stat">
                  <span class="muted">{k}</span> {v}
                </span>
              )}
            </For>
          </span>
          <Show when={p.row.orphan}>
            <span class="small muted" title={`Parent ${n().parent} is not in this list`}>
              (parent not listed)
            </span>
          </Show>
        </div>
        <Show when={overrides().length > 0}>
          <ul class="cp-chips" aria-label="Overrides">
            <For each={overrides()}>
              {([k, v]) => (
                <li class="cp-chip mono" data-key={k}>
                  {k}: {valueText(v)}
                </li>
              )}
            </For>
          </ul>
        </Show>
      </div>
      <button
        type="button"
        class="btn small cp-pick"
        classList={{ primary: pick() >= 0 }}
        data-testid="checkpoint-pick"
        aria-pressed={pick() >= 0 ? 'true' : 'false'}
        aria-label={`${pick() >= 0 ? 'Unpick' : 'Pick'} ${n().stage} of job ${shortId(n().job_id)} for comparison`}
        onClick={() => void p.store.pick(n().id)}
      >
        {pick() >= 0 ? LETTERS[pick()] : 'Compare'}
      </button>
    </li>
  );
};

export const CheckpointTree = (p: { store: CheckpointsStore; currentJobId: string | null; onOpenRun: (jobId: string) => void }) => {
  const s = p.store;
  const layout = createMemo(() => s.layout());
  const count = () => s.nodes().length;
  return (
    <section class="card cp-tree" data-testid="checkpoint-tree">
      <div class="cp-bar">
        <h2>Checkpoints</h2>
        <span class="small muted">
          {count()} {count() === 1 ? 'checkpoint' : 'checkpoints'} · {s.picked().length === 2 ? 'comparing A with B' : 'pick two to compare'}
        </span>
        <div class="spacer" />
        <Show when={s.picked().length > 0}>
          <button type="button" class="btn small ghost" onClick={() => s.clearPicks()}>
            Clear picks
          </button>
        </Show>
        <button type="button" class="btn small" disabled={s.loading()} onClick={() => void s.refresh()}>
          {s.loading() ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <ErrorNote message={s.error()} />
      <Show when={s.loaded()} fallback={<Loading />}>
        <Show when={layout().rows.length > 0} fallback={<Empty>No checkpoints yet: each stage a run of this timeline completes adds one.</Empty>}>
          <ol class="cp-rows">
            <For each={layout().rows}>
              {(row) => <NodeRow row={row} lanes={layout().lanes} store={s} currentJobId={p.currentJobId} onOpenRun={p.onOpenRun} />}
            </For>
          </ol>
        </Show>
      </Show>
    </section>
  );
};
