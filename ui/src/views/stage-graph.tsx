/**
 * A run's pipeline as an SVG graph (layout: detect-graph.ts), each stage a
 * node coloured by its status: waiting, running with its items and a bar,
 * done with its time and the two counts that say most, skipped with why,
 * failed with the error. Escalation edges (only what a stage could not
 * resolve goes on) are dashed. Nodes are focusable; Enter or Space selects.
 * The layout is kept while only statuses change, so focus stays put as the
 * live stream updates the nodes.
 */
import { createEffect, createMemo, For, Show } from 'solid-js';
import { layoutGraph, msText, type NodeBox, shortCount, tellingStats } from '../detect-graph.ts';
import type { StageRow } from '../../../src/types/detect-run.ts';

export interface StageGraphProps {
  stages: StageRow[];
  edges: { from: string; to: string; flow: string }[];
  selected: string | null;
  onSelect: (stage: string) => void;
}

let graphs = 0;

/** Text cut to `n` characters for a node's small space (the whole of it is in the node's <title>). */
const clip = (text: string, n: number) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

/** What a node says on its second and third lines, and in full on hover. */
export const nodeText = (r: StageRow): { line2: string; line3: string; title: string } => {
  const stats = tellingStats(r.stats);
  const statText = stats.map(([k, v]) => `${k} ${shortCount(v)}`).join(' · ');
  const allStats = Object.entries(r.stats)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  switch (r.status) {
    case 'running': {
      const items = r.chunks > 0 ? `${r.chunksDone}/${r.chunks}` : '';
      return {
        line2: `running ${items}`.trim(),
        line3: r.ms > 0 ? msText(r.ms) : '',
        title: `${r.stage}: running${items ? `, ${items} items done` : ''}`,
      };
    }
    case 'completed':
      return {
        line2: `${msText(r.ms)}${r.reusedFrom ? ' · reused' : ''}`,
        line3: statText,
        title: `${r.stage}: done in ${msText(r.ms)}${r.reusedFrom ? ` (reused from ${r.reusedFrom})` : ''}${allStats ? `; ${allStats}` : ''}`,
      };
    case 'skipped':
      return { line2: 'skipped', line3: r.reason ?? '', title: `${r.stage}: skipped${r.reason ? `: ${r.reason}` : ''}` };
    case 'failed':
      return { line2: 'failed', line3: r.reason ?? '', title: `${r.stage}: failed${r.reason ? `: ${r.reason}` : ''}` };
    default:
      return { line2: 'waiting', line3: '', title: `${r.stage}: waiting` };
  }
};

export const StageGraph = (p: StageGraphProps) => {
  const marker = `sg-arrow-${++graphs}`;
  // The shape alone (stages and edges) decides the layout; a new status object with the same shape keeps every node.
  const shape = createMemo(() => JSON.stringify([p.stages.map((r) => r.stage), p.edges.map((e) => [e.from, e.to, e.flow])]));
  const layout = createMemo(() => {
    const [order, edges] = JSON.parse(shape()) as [string[], [string, string, string][]];
    return layoutGraph(
      order,
      edges.map(([from, to, flow]) => ({ from, to, flow })),
    );
  });
  const rowOf = (id: string) => p.stages.find((r) => r.stage === id);
  let box: HTMLDivElement | undefined;
  // The box scrolls sideways when the graph is wider: bring the selected stage (by default the running one) into view.
  createEffect(() => {
    const n = layout().nodes.find((x) => x.id === p.selected);
    if (!n || !box || box.clientWidth === 0) return;
    const left = box.scrollLeft;
    if (n.x < left || n.x + n.w > left + box.clientWidth) box.scrollLeft = Math.max(0, n.x - (box.clientWidth - n.w) / 2);
  });
  const running = () => p.stages.filter((r) => r.status === 'running').map((r) => r.stage);
  return (
    <div class="stage-graph" data-testid="stage-graph" ref={box}>
      <svg class="sg" width={layout().width} height={layout().height} viewBox={`0 0 ${layout().width} ${layout().height}`} aria-label="Stages of this run">
        <title>Stages of this run{running().length > 0 ? `: ${running().join(', ')} running` : ''}</title>
        <defs>
          <marker id={marker} viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 8 4 L 0 8 z" class="sg-arrow" />
          </marker>
        </defs>
        <For each={layout().edges}>
          {(e) => (
            <path class="sg-edge" classList={{ 'sg-edge-dashed': e.dashed }} d={e.path} marker-end={`url(#${marker})`} data-flow={e.flow}>
              <title>
                {e.from} → {e.to}
                {e.dashed ? ': only what it could not resolve' : ''}
              </title>
            </path>
          )}
        </For>
        <For each={layout().nodes}>
          {(n) => <Show when={rowOf(n.id)}>{(r) => <StageNode box={n} row={r()} selected={p.selected === n.id} onSelect={() => p.onSelect(n.id)} />}</Show>}
        </For>
      </svg>
    </div>
  );
};

const StageNode = (p: { box: NodeBox; row: StageRow; selected: boolean; onSelect: () => void }) => {
  const t = () => nodeText(p.row);
  const b = () => p.box;
  const share = () => (p.row.chunks > 0 ? Math.min(1, p.row.chunksDone / p.row.chunks) : 0);
  const barW = () => b().w - 20;
  return (
    // biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; a focusable <g> with role=button is how an SVG node is made operable
    <g
      class={`sg-node sg-${p.row.status}`}
      classList={{ 'sg-selected': p.selected }}
      transform={`translate(${b().x} ${b().y})`}
      tabindex="0"
      role="button"
      aria-pressed={p.selected}
      aria-label={t().title}
      data-testid="stage-node"
      data-stage={p.row.stage}
      data-status={p.row.status}
      onClick={() => p.onSelect()}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          p.onSelect();
        }
      }}
    >
      <title>{t().title}</title>
      <rect class="sg-box" width={b().w} height={b().h} rx="8" ry="8" />
      <text class="sg-name" x="10" y="20">
        {clip(p.row.stage, 21)}
      </text>
      <text class="sg-line2" x="10" y="39">
        {clip(t().line2, 24)}
      </text>
      <Show when={t().line3}>
        <text class={p.row.status === 'failed' ? 'sg-line3 sg-error' : 'sg-line3'} x="10" y="56">
          {clip(t().line3, 25)}
        </text>
      </Show>
      <Show when={p.row.status === 'running'}>
        <rect class="sg-bar" x="10" y={b().h - 12} width={barW()} height="5" rx="2.5" />
        <rect
          class="sg-bar-fill"
          x="10"
          y={b().h - 12}
          width={barW() * share()}
          height="5"
          rx="2.5"
          data-testid="stage-progress"
          data-share={share().toFixed(2)}
        />
      </Show>
    </g>
  );
};
