/**
 * A run's stages laid out as a graph, left to right (pure, tested in
 * detect-graph.test.ts): each stage in the layer of its longest path from a
 * stage nothing feeds, so everything a stage reads lies to its left; within
 * a layer, stages sit near what feeds them. A profile without edges runs
 * its stages in order (src/work/detect/profile.ts runOrder), so it is drawn
 * as a chain. Also the node labels: a duration in words, and the stats
 * worth a node's small space.
 */

export interface GraphEdge {
  from: string;
  to: string;
  flow: string;
}

export interface NodeBox {
  id: string;
  layer: number;
  /** Its place in the layer, from the top. */
  row: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface EdgeLine extends GraphEdge {
  /** An SVG path from the right middle of `from` to the left middle of `to`. */
  path: string;
  /** `flow: 'unresolved'`: only what the stage could not resolve goes on (escalation). */
  dashed: boolean;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: NodeBox[];
  edges: EdgeLine[];
}

export interface GraphSize {
  w: number;
  h: number;
  gapX: number;
  gapY: number;
  pad: number;
}

export const NODE_SIZE: GraphSize = { w: 156, h: 78, gapX: 40, gapY: 18, pad: 10 };

/** The stages in run order, each feeding the next. */
export const chainEdges = (order: string[]): GraphEdge[] => order.slice(1).map((to, i) => ({ from: order[i]!, to, flow: 'all' }));

/** The edges to draw: the profile's between stages of this run, or a chain when it has none (or none of them fit). */
export const effectiveEdges = (order: string[], edges: GraphEdge[]): GraphEdge[] => {
  const has = new Set(order);
  const fit = edges.filter((e) => has.has(e.from) && has.has(e.to) && e.from !== e.to);
  return fit.length > 0 ? fit : chainEdges(order);
};

/**
 * Each stage's layer: 0 for a stage nothing feeds, else one more than the
 * highest layer feeding it (Kahn's order, so each stage is placed after all
 * that feed it). A cycle (the server refuses them) cannot hang this: its
 * stages are placed after the rest, in run order, from what was placed.
 */
export const layersOf = (order: string[], edges: GraphEdge[]): Map<string, number> => {
  const preds = new Map(order.map((s) => [s, [] as string[]]));
  const next = new Map(order.map((s) => [s, [] as string[]]));
  for (const e of edges) {
    if (!preds.has(e.to) || !next.has(e.from)) continue;
    preds.get(e.to)!.push(e.from);
    next.get(e.from)!.push(e.to);
  }
  const indegree = new Map(order.map((s) => [s, preds.get(s)!.length]));
  const layer = new Map<string, number>();
  const place = (s: string) => layer.set(s, Math.max(-1, ...preds.get(s)!.map((p) => layer.get(p) ?? -1)) + 1);
  const ready = order.filter((s) => indegree.get(s) === 0);
  while (ready.length > 0) {
    const s = ready.shift()!;
    place(s);
    for (const t of next.get(s)!) {
      indegree.set(t, indegree.get(t)! - 1);
      if (indegree.get(t) === 0) ready.push(t);
    }
  }
  for (const s of order) if (!layer.has(s)) place(s);
  return layer;
};

/** The layout: boxes by layer (x) and row (y), layers centred on the tallest; edges as curves. */
export const layoutGraph = (order: string[], edges: GraphEdge[], size: GraphSize = NODE_SIZE): GraphLayout => {
  const drawn = effectiveEdges(order, edges);
  const layer = layersOf(order, drawn);
  const count = order.length === 0 ? 0 : Math.max(...order.map((s) => layer.get(s)!)) + 1;
  const columns: string[][] = Array.from({ length: count }, () => []);
  for (const s of order) columns[layer.get(s)!]!.push(s);

  // Within a layer: near the mean row of what feeds each stage (run order breaks ties), which keeps a chain straight.
  const rowOf = new Map<string, number>();
  for (const col of columns) {
    const mean = (s: string) => {
      const rows = drawn.filter((e) => e.to === s && rowOf.has(e.from)).map((e) => rowOf.get(e.from)!);
      return rows.length > 0 ? rows.reduce((a, b) => a + b, 0) / rows.length : Number.POSITIVE_INFINITY;
    };
    const keyed = col.map((s) => ({ s, m: mean(s), i: order.indexOf(s) }));
    keyed.sort((a, b) => (a.m === b.m ? a.i - b.i : a.m - b.m));
    col.splice(0, col.length, ...keyed.map((k) => k.s));
    for (const [r, s] of col.entries()) rowOf.set(s, r);
  }

  const tallest = Math.max(0, ...columns.map((c) => c.length));
  const stepX = size.w + size.gapX;
  const stepY = size.h + size.gapY;
  const boxes = new Map<string, NodeBox>();
  for (const [l, col] of columns.entries()) {
    const top = size.pad + ((tallest - col.length) * stepY) / 2;
    for (const [r, s] of col.entries()) boxes.set(s, { id: s, layer: l, row: r, x: size.pad + l * stepX, y: top + r * stepY, w: size.w, h: size.h });
  }

  const lines = drawn.map((e): EdgeLine => {
    const a = boxes.get(e.from)!;
    const b = boxes.get(e.to)!;
    const x1 = a.x + a.w;
    const y1 = a.y + a.h / 2;
    const x2 = b.x;
    const y2 = b.y + b.h / 2;
    const span = b.layer - a.layer;
    let path: string;
    if (span <= 0) {
      // Backwards (only a cycle could): loop under both boxes.
      const below = Math.max(a.y, b.y) + a.h + size.gapY / 2;
      path = `M ${x1} ${y1} C ${x1 + size.gapX} ${below}, ${x2 - size.gapX} ${below}, ${x2} ${y2}`;
    } else {
      const c = (x2 - x1) / 2;
      // An edge over stages in between, on their row, arcs above them rather than through.
      const lift = span > 1 && Math.abs(y1 - y2) < size.h / 2 ? size.h * 0.9 : 0;
      path = `M ${x1} ${y1} C ${x1 + c} ${y1 - lift}, ${x2 - c} ${y2 - lift}, ${x2} ${y2}`;
    }
    return { ...e, path, dashed: e.flow === 'unresolved' };
  });

  return {
    width: count === 0 ? 0 : size.pad * 2 + count * size.w + (count - 1) * size.gapX,
    height: tallest === 0 ? 0 : size.pad * 2 + tallest * size.h + (tallest - 1) * size.gapY,
    nodes: order.map((s) => boxes.get(s)!),
    edges: lines,
  };
};

/** Counts every stage reports (src/work/detect/kind.ts finish): less telling than a stage's own (cuts, lines, hits …). */
const GENERIC = ['frames', 'segments', 'cached', 'items'];

/** The `n` stats that say most about a stage: its own counts first, then frames, segments, cached, items. */
export const tellingStats = (stats: Record<string, number>, n = 2): [string, number][] => {
  const entries = Object.entries(stats).filter(([, v]) => typeof v === 'number' && Number.isFinite(v));
  const rank = (k: string) => (GENERIC.includes(k) ? 1 + GENERIC.indexOf(k) : 0);
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e[0]) - rank(b.e[0]) || a.i - b.i)
    .slice(0, n)
    .map((x) => x.e);
};

/** A stage's time: "850 ms", "12.3 s", "2 min 05 s", "1 h 02 min". */
export const msText = (ms: number): string => {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const t = Math.round(s);
  if (t < 3600) return `${Math.floor(t / 60)} min ${String(t % 60).padStart(2, '0')} s`;
  return `${Math.floor(t / 3600)} h ${String(Math.floor((t % 3600) / 60)).padStart(2, '0')} min`;
};

/** A count in a node's small space: 1234 → "1.2k". */
export const shortCount = (n: number): string => {
  const a = Math.abs(n);
  if (a < 1000) return Number.isInteger(n) ? String(n) : n.toFixed(2);
  if (a < 1_000_000) return `${(n / 1000).toFixed(a < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
};
