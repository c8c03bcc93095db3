/**
 * Two picked checkpoints side by side: where their paths part, the settings
 * that differ stage by stage, the stats that differ after the branch, and,
 * when both jobs have a report, what one found that the other did not
 * (brands, per-brand figures, intervals, hits). What is missing is said in words.
 */
import { For, Show, createMemo } from 'solid-js';
import { Empty } from '../components/bits.tsx';
import { RowTable } from '../components/row-table.tsx';
import { type BrandDiff, type Delta, type ReportDiff, msText, shortId, signed, valueText } from '../checkpoint-tree.ts';
import { href } from '../router.ts';
import type { CheckpointsStore, Comparison, Side } from '../stores/checkpoints.ts';
import { formatTime } from '../trim.ts';
import '../checkpoints.css';

const secs = (n: number) => `${Number(n.toFixed(2))} s`;
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const sign = (n: number) => (n > 1e-9 ? 'up' : n < -1e-9 ? 'down' : 'flat');

/** "a → b" with the change beside it. */
const Change = (p: { d: Delta; show: (n: number) => string; delta: (n: number) => string }) => (
  <span class="cp-change">
    <span class="cp-ab">
      {p.show(p.d.a)} → {p.show(p.d.b)}
    </span>{' '}
    <span class={`cp-delta ${sign(p.d.delta)}`}>{p.delta(p.d.delta)}</span>
  </span>
);

const SideHead = (p: { letter: string; side: Side }) => {
  const job = () => (p.side.job?.state === 'loaded' ? p.side.job.job : null);
  const profile = () => {
    const v = job()?.params?.profile;
    return typeof v === 'string' ? v : null;
  };
  return (
    <div class="cp-side" data-side={p.letter}>
      <span class="cp-letter">{p.letter}</span>
      <span class="cp-stage">{p.side.node.stage}</span>
      <a class="mono small" href={href({ name: 'detect-run', id: p.side.node.job_id })} title={p.side.node.job_id}>
        {shortId(p.side.node.job_id)}
      </a>
      <Show when={profile()}>{(name) => <span class="small muted">{name()}</span>}</Show>
      <Show when={job()}>{(j) => <span class={`badge badge-${j().status.toLowerCase()}`}>{j().status.toLowerCase()}</span>}</Show>
    </div>
  );
};

const where = (c: Comparison) => {
  if (!c.common) return 'They share no checkpoint: separate runs from the first stage.';
  const at = `${c.common.stage} of job ${shortId(c.common.job_id)}`;
  if (c.common.id === c.a.node.id) return `A is on B’s path: B carries on from it.`;
  if (c.common.id === c.b.node.id) return `B is on A’s path: A carries on from it.`;
  return `Their paths part after ${at}.`;
};

const ConfigDiffTable = (p: { c: Comparison }) => (
  <div class="cp-part">
    <h3>Settings</h3>
    <p class="small muted">
      {p.c.basis === 'settings'
        ? 'Each job’s whole settings of the stages on its path.'
        : 'The overrides along each path, against each job’s profile (the jobs’ whole settings are not at hand).'}
    </p>
    <RowTable
      rows={p.c.config.rows}
      class="table stack compact cp-table"
      empty={<p class="cp-same">The same settings on both paths.</p>}
      head={
        <>
          <th>Stage</th>
          <th>Setting</th>
          <th>A</th>
          <th>B</th>
        </>
      }
    >
      {(r) => (
        <tr data-testid="config-diff-row" data-stage={r.stage} data-key={r.key} data-change={r.change}>
          <td data-label="Stage">{r.stage}</td>
          <td class="mono" data-label="Setting">
            {r.key}
          </td>
          <td class="mono cp-a" data-label="A">
            {r.a === undefined ? 'not set' : valueText(r.a)}
          </td>
          <td class="mono cp-b" data-label="B">
            {r.b === undefined ? 'not set' : valueText(r.b)}
          </td>
        </tr>
      )}
    </RowTable>
    <Show when={p.c.config.onlyA.length > 0}>
      <p class="small muted">Only on A’s path: {p.c.config.onlyA.join(', ')}.</p>
    </Show>
    <Show when={p.c.config.onlyB.length > 0}>
      <p class="small muted">Only on B’s path: {p.c.config.onlyB.join(', ')}.</p>
    </Show>
  </div>
);

const StatsDiffTable = (p: { c: Comparison }) => {
  const show = (key: string, n: number | null) => (n === null ? 'not run' : key === 'ms' ? msText(n) : String(n));
  const delta = (key: string, n: number | null) => (n === null ? '' : key === 'ms' ? `${signed(n)} ms` : signed(n));
  return (
    <div class="cp-part">
      <h3>Stats</h3>
      <RowTable
        rows={p.c.stats}
        class="table stack compact cp-table"
        empty={<p class="cp-same">The same stats: both are on one path with no stage between them.</p>}
        head={
          <>
            <th>Stage</th>
            <th>Stat</th>
            <th class="num">A</th>
            <th class="num">B</th>
            <th class="num">Δ</th>
          </>
        }
      >
        {(r) => (
          <tr data-testid="stats-diff-row" data-stage={r.stage} data-key={r.key}>
            <td data-label="Stage">{r.stage}</td>
            <td data-label="Stat">{r.key === 'ms' ? 'time' : r.key}</td>
            <td class="num" data-label="A">
              {show(r.key, r.a)}
            </td>
            <td class="num" data-label="B">
              {show(r.key, r.b)}
            </td>
            <td class={`num cp-delta ${sign(r.delta ?? 0)}`} data-label="Δ">
              {delta(r.key, r.delta)}
            </td>
          </tr>
        )}
      </RowTable>
    </div>
  );
};

const BrandRow = (p: { b: BrandDiff }) => (
  <tr data-testid="brand-diff-row" data-brand={p.b.brand} data-change={p.b.change} data-hits-gained={p.b.hitsGained} data-hits-lost={p.b.hitsLost}>
    <td class="name" data-label="Brand">
      {p.b.brand} <span class={`cp-tag ${p.b.change}`}>{p.b.change}</span>
    </td>
    <td data-label="Exposure">
      <Change d={p.b.exposure} show={secs} delta={(n) => `${signed(n, 2)} s`} />
    </td>
    <td data-label="Appearances">
      <Change d={p.b.appearances} show={String} delta={(n) => signed(n)} />
    </td>
    <td data-label="Share of voice">
      <Change d={p.b.shareOfVoice} show={pct} delta={(n) => `${signed(n * 100, 1)} pp`} />
    </td>
    <td data-label="Hits">
      <Change d={p.b.hits} show={String} delta={(n) => signed(n)} />
      <Show when={p.b.hitsGained > 0 && p.b.hitsLost > 0}>
        <span class="small muted">
          {' '}
          (+{p.b.hitsGained} / −{p.b.hitsLost})
        </span>
      </Show>
    </td>
  </tr>
);

const ReportDiffView = (p: { d: ReportDiff }) => (
  <>
    <p class="cp-summary">
      <span>
        Brands gained: <b class="cp-gained">{p.d.gained.length ? p.d.gained.join(', ') : 'none'}</b>
      </span>
      <span>
        lost: <b class="cp-lost">{p.d.lost.length ? p.d.lost.join(', ') : 'none'}</b>
      </span>
      <span>
        hits gained{' '}
        <b class="cp-gained" data-testid="hits-gained">
          {p.d.hitsGained}
        </b>
        , lost{' '}
        <b class="cp-lost" data-testid="hits-lost">
          {p.d.hitsLost}
        </b>
      </span>
      <span>
        exposure <Change d={p.d.totalExposure} show={secs} delta={(n) => `${signed(n, 2)} s`} />
      </span>
    </p>
    <RowTable
      rows={p.d.brands}
      class="table stack compact cp-table"
      empty={<p class="cp-same">Neither report saw a brand.</p>}
      head={
        <>
          <th>Brand</th>
          <th>Exposure</th>
          <th>Appearances</th>
          <th>Share of voice</th>
          <th>Hits</th>
        </>
      }
    >
      {(b) => <BrandRow b={b} />}
    </RowTable>
    <h3>Intervals</h3>
    <RowTable
      rows={p.d.intervals}
      class="table stack compact cp-table"
      empty={<p class="cp-same">No interval gained or lost: each has an overlapping one of its brand on the other side.</p>}
      head={
        <>
          <th>Brand</th>
          <th>Time</th>
          <th class="num">Hits</th>
          <th />
        </>
      }
    >
      {(i) => (
        <tr data-testid="interval-diff-row" data-change={i.change} data-brand={i.brand}>
          <td data-label="Brand">{i.brand}</td>
          <td class="mono" data-label="Time">
            {formatTime(i.start)}–{formatTime(i.end)}
          </td>
          <td class="num" data-label="Hits">
            {i.hits}
          </td>
          <td data-label="">
            <span class={`cp-tag ${i.change}`}>{i.change === 'gained' ? 'only in B' : 'only in A'}</span>
          </td>
        </tr>
      )}
    </RowTable>
  </>
);

export const CheckpointCompare = (p: { store: CheckpointsStore }) => {
  const c = createMemo(() => p.store.comparison());
  const picked = () => p.store.picked().length;
  return (
    <section class="card cp-compare" data-testid="checkpoint-compare">
      <h2>Compare checkpoints</h2>
      <Show
        when={c()}
        fallback={<Empty>{picked() === 0 ? 'Pick two checkpoints in the tree to compare them.' : 'Pick one more checkpoint to compare with.'}</Empty>}
      >
        {(c) => (
          <>
            <div class="cp-sides">
              <SideHead letter="A" side={c().a} />
              <SideHead letter="B" side={c().b} />
            </div>
            <p class="small muted">{where(c())}</p>
            <ConfigDiffTable c={c()} />
            <StatsDiffTable c={c()} />
            <div class="cp-part">
              <h3>Reports</h3>
              <For each={c().missing}>{(m) => <p class="cp-missing">{m}</p>}</For>
              <Show when={c().report}>{(d) => <ReportDiffView d={d()} />}</Show>
            </div>
          </>
        )}
      </Show>
    </section>
  );
};
