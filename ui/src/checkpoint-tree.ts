/**
 * A timeline's checkpoint tree, pure: the forest from the server's flat list
 * (`GET /detect/checkpoints/:timelineId`, oldest first), a git-graph layout
 * of it (one row per checkpoint, branches in lanes), the path from a root to
 * a checkpoint, and what differs between two paths (settings, stats) and
 * between two jobs' brand reports.
 *
 * What the server's nodes mean (src/actors/stage-router.ts, kind.ts): a job
 * makes one checkpoint per stage it ran (a reused or skipped stage makes
 * none); a checkpoint's parent is the checkpoint of the nearest earlier stage
 * of its job, so a replayed stage hangs beside the try it replaces. A node's
 * `overrides` are its job's settings of that stage that differ from the
 * profile (a replay carries its parent's and adds its own).
 */
import type { BrandReport, ReportInterval } from '../../src/types/detect.ts';
import type { CheckpointNode } from '../../src/types/detect-setup.ts';

export interface Forest {
  byId: ReadonlyMap<string, CheckpointNode>;
  /** Children by parent id, oldest first. */
  children: ReadonlyMap<string, readonly CheckpointNode[]>;
  /** Nodes without a parent here (none, or one not in the list: another scope, a list of one stage), oldest first. */
  roots: readonly CheckpointNode[];
  /** The parent as the forest draws it (null for a root). */
  parentOf: ReadonlyMap<string, string | null>;
  depth: ReadonlyMap<string, number>;
}

const byTime = (a: CheckpointNode, b: CheckpointNode) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0);

export const buildForest = (list: readonly CheckpointNode[]): Forest => {
  const nodes = [...list].sort(byTime); // stable: the server's order among equal times stays
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parentOf = new Map<string, string | null>(nodes.map((n) => [n.id, n.parent && n.parent !== n.id && byId.has(n.parent) ? n.parent : null]));
  const depth = new Map<string, number>();
  const roots: CheckpointNode[] = [];
  const kids = () => {
    const m = new Map<string, CheckpointNode[]>();
    for (const n of nodes) {
      const p = parentOf.get(n.id);
      if (p) m.set(p, [...(m.get(p) ?? []), n]);
    }
    return m;
  };
  let children = kids();
  const walk = (root: CheckpointNode) => {
    const stack: [CheckpointNode, number][] = [[root, 0]];
    while (stack.length) {
      const [n, d] = stack.pop()!;
      depth.set(n.id, d);
      for (const c of children.get(n.id) ?? []) stack.push([c, d + 1]);
    }
  };
  for (const n of nodes) if (parentOf.get(n.id) === null) roots.push(n);
  for (const r of roots) walk(r);
  // A parent loop (the server never makes one) reaches no root: cut it at its oldest node.
  for (const n of nodes) {
    if (depth.has(n.id)) continue;
    parentOf.set(n.id, null);
    children = kids();
    roots.push(n);
    walk(n);
  }
  roots.sort(byTime);
  return { byId, children, roots, parentOf, depth };
};

export type LinePart = 'full' | 'top' | 'bottom';

export interface TreeRow {
  node: CheckpointNode;
  depth: number;
  /** The lane (column) of its dot, from 0 at the left. */
  lane: number;
  /** Vertical lines through the row: whole, from the top to the dot's height, or from there to the bottom. */
  lines: { lane: number; part: LinePart }[];
  /** Branches that leave this row's dot sideways, to these lanes (their line then runs down there). */
  branches: number[];
  /** Its parent is not in the list (drawn as a root). */
  orphan: boolean;
}

export interface TreeLayout {
  rows: TreeRow[];
  lanes: number;
}

/**
 * A git-graph layout: rows in depth-first order (children oldest first), the
 * first child carrying on in its parent's lane and every later child (a
 * replay, a run with other settings) opening a branch to the right of its
 * parent, in the first lane free from its parent's row to the end of its line.
 */
export const layoutForest = (f: Forest): TreeLayout => {
  const order: CheckpointNode[] = [];
  const stack = [...f.roots].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    order.push(n);
    stack.push(...[...(f.children.get(n.id) ?? [])].reverse());
  }
  const rowOf = new Map(order.map((n, i) => [n.id, i]));
  const rows: TreeRow[] = order.map((node) => ({
    node,
    depth: f.depth.get(node.id) ?? 0,
    lane: 0,
    lines: [],
    branches: [],
    orphan: node.parent !== null && f.parentOf.get(node.id) === null,
  }));
  const busy: [number, number][][] = [];
  const laneOf = new Map<string, number>();
  for (const head of order) {
    if (laneOf.has(head.id)) continue;
    const chain = [head];
    for (let c = f.children.get(head.id)?.[0]; c; c = f.children.get(c.id)?.[0]) chain.push(c);
    const parent = f.parentOf.get(head.id) ?? null;
    const first = rowOf.get(head.id)!;
    const from = parent === null ? first : rowOf.get(parent)!;
    const to = rowOf.get(chain.at(-1)!.id)!;
    let lane = parent === null ? 0 : laneOf.get(parent)! + 1;
    while (busy[lane]?.some(([s, e]) => s <= to && from <= e)) lane++;
    busy[lane] = [...(busy[lane] ?? []), [from, to]];
    if (parent !== null) {
      rows[from]!.branches.push(lane);
      rows[from]!.lines.push({ lane, part: 'bottom' });
      for (let r = from + 1; r < first; r++) rows[r]!.lines.push({ lane, part: 'full' });
    }
    chain.forEach((n, i) => {
      laneOf.set(n.id, lane);
      const row = rows[rowOf.get(n.id)!]!;
      row.lane = lane;
      const top = i > 0 || parent !== null;
      const bottom = i < chain.length - 1;
      if (top || bottom) row.lines.push({ lane, part: top && bottom ? 'full' : top ? 'top' : 'bottom' });
    });
  }
  return { rows, lanes: Math.max(1, busy.length) };
};

/** The checkpoints from a root down to `id` (empty when it is not in the forest). */
export const pathTo = (f: Forest, id: string): CheckpointNode[] => {
  const out: CheckpointNode[] = [];
  for (let n = f.byId.get(id); n; n = f.byId.get(f.parentOf.get(n.id) ?? '')) out.push(n);
  return out.reverse();
};

/** The last checkpoint two paths share (where they branch), or null. */
export const commonAncestor = (a: readonly CheckpointNode[], b: readonly CheckpointNode[]): CheckpointNode | null => {
  let last: CheckpointNode | null = null;
  for (let i = 0; i < Math.min(a.length, b.length) && a[i]!.id === b[i]!.id; i++) last = a[i]!;
  return last;
};

/** Settings per stage. */
export type Settings = Record<string, Record<string, unknown>>;

/** The overrides along a path, per stage, a later checkpoint's over an earlier one's. */
export const pathSettings = (path: readonly CheckpointNode[]): Settings => {
  const out: Settings = {};
  for (const n of path) out[n.stage] = { ...out[n.stage], ...n.overrides };
  return out;
};

/** JSON with object keys sorted: equal values, equal text. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([p], [q]) => (p < q ? -1 : 1))) : x,
  ) ?? 'undefined';

export const sameValue = (a: unknown, b: unknown) => canonical(a) === canonical(b);

export type KeyChange = 'added' | 'removed' | 'changed';

export interface ConfigDiffRow {
  stage: string;
  key: string;
  /** undefined: not set on that side. */
  a: unknown;
  b: unknown;
  change: KeyChange;
}

export interface ConfigDiff {
  rows: ConfigDiffRow[];
  /** Stages on one path only (the other never reached them). */
  onlyA: string[];
  onlyB: string[];
}

/** Keys set on B's side only are added, on A's only removed, on both with other values changed; stages in path order. */
export const configDiff = (a: Settings, b: Settings): ConfigDiff => {
  const rows: ConfigDiffRow[] = [];
  for (const stage of Object.keys(a)) {
    const sa = a[stage]!;
    const sb = b[stage];
    if (!sb) continue;
    const keys = [...Object.keys(sa), ...Object.keys(sb).filter((k) => !(k in sa))];
    for (const key of keys) {
      const [va, vb] = [sa[key], sb[key]];
      if (sameValue(va, vb)) continue;
      rows.push({ stage, key, a: va, b: vb, change: va === undefined ? 'added' : vb === undefined ? 'removed' : 'changed' });
    }
  }
  return { rows, onlyA: Object.keys(a).filter((s) => !(s in b)), onlyB: Object.keys(b).filter((s) => !(s in a)) };
};

export interface StatsDiffRow {
  stage: string;
  /** A stat's name, or `ms` (how long the stage took). */
  key: string;
  /** null: the stage is not on that path. */
  a: number | null;
  b: number | null;
  delta: number | null;
}

/**
 * The stats of the stages where two paths differ (after the checkpoint they
 * share), stage by stage: only figures that differ, and how long each took.
 */
export const statsDiff = (pathA: readonly CheckpointNode[], pathB: readonly CheckpointNode[]): StatsDiffRow[] => {
  const shared = new Set(pathA.filter((n) => pathB.some((m) => m.id === n.id)).map((n) => n.id));
  const atA = new Map(pathA.filter((n) => !shared.has(n.id)).map((n) => [n.stage, n]));
  const atB = new Map(pathB.filter((n) => !shared.has(n.id)).map((n) => [n.stage, n]));
  const stages = [...atA.keys(), ...[...atB.keys()].filter((s) => !atA.has(s))];
  const rows: StatsDiffRow[] = [];
  for (const stage of stages) {
    const [na, nb] = [atA.get(stage), atB.get(stage)];
    const figures = (n: CheckpointNode | undefined): Record<string, number> => (n ? { ...n.stats, ms: n.ms } : {});
    const [fa, fb] = [figures(na), figures(nb)];
    for (const key of [...Object.keys(fa), ...Object.keys(fb).filter((k) => !(k in fa))]) {
      const a = na ? (fa[key] ?? 0) : null;
      const b = nb ? (fb[key] ?? 0) : null;
      if (a === b) continue;
      rows.push({ stage, key, a, b, delta: a !== null && b !== null ? b - a : null });
    }
  }
  return rows;
};

/** The first 8 characters of an id (nanoids of 12). */
export const shortId = (id: string) => id.slice(0, 8);

/** A stage's time: "850 ms", "12.3 s", "2 min 5 s". */
export const msText = (ms: number): string => {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
};

/** A setting's value as a chip shows it: strings bare, the rest as JSON; undefined as "—". */
export const valueText = (v: unknown): string => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** The stats a node shows first: what the stage is for, then the rest. */
const KEY_STATS = ['hits', 'brands', 'intervals', 'crops', 'proposals', 'lines', 'regions', 'cuts', 'unresolved', 'frames', 'segments', 'cached', 'items'];

export const keyStats = (stats: Record<string, number>, n = 3): [string, number][] => {
  const keys = Object.keys(stats);
  const ranked = [...KEY_STATS.filter((k) => k in stats), ...keys.filter((k) => !KEY_STATS.includes(k))];
  return ranked.slice(0, n).map((k) => [k, stats[k]!]);
};

/** A number with its sign, for a change: "+3", "−1.5", "0". */
export const signed = (n: number, digits = 0): string => {
  const t = Math.abs(n).toFixed(digits);
  if (Number(t) === 0) return (0).toFixed(digits);
  return `${n > 0 ? '+' : '−'}${t}`;
};

export type BrandChange = 'gained' | 'lost' | 'changed' | 'same';

/** A figure before (A) and after (B). */
export interface Delta {
  a: number;
  b: number;
  delta: number;
}

export interface BrandDiff {
  brand: string;
  change: BrandChange;
  exposure: Delta;
  appearances: Delta;
  shareOfVoice: Delta;
  hits: Delta;
  /** Hits B has where A had fewer (or none), and the reverse: hits.delta is gained − lost. */
  hitsGained: number;
  hitsLost: number;
}

export interface IntervalDiff {
  brand: string;
  start: number;
  end: number;
  hits: number;
  change: 'gained' | 'lost';
}

export interface ReportDiff {
  brands: BrandDiff[];
  /** Brands only B saw, and only A saw. */
  gained: string[];
  lost: string[];
  /** Intervals with no overlapping interval of their brand on the other side, by start. */
  intervals: IntervalDiff[];
  hitsGained: number;
  hitsLost: number;
  totalExposure: Delta;
}

const delta = (a: number, b: number): Delta => ({ a, b, delta: b - a });
const EPS = 1e-9;
const brandKey = (name: string) => name.trim().toLowerCase();
const overlaps = (x: { start: number; end: number }, y: { start: number; end: number }) => x.start < y.end && y.start < x.end;

/**
 * Hits gained and lost of one brand: its intervals of both reports fall into
 * runs that overlap in time; in each run, B's hits over A's are gained, A's
 * over B's lost (an interval alone in its run is wholly gained or lost).
 */
const hitsMoved = (a: readonly ReportInterval[], b: readonly ReportInterval[]) => {
  const all = [...a.map((i) => ({ ...i, side: 0 })), ...b.map((i) => ({ ...i, side: 1 }))].sort((x, y) => x.start - y.start);
  let gained = 0;
  let lost = 0;
  let i = 0;
  while (i < all.length) {
    let end = all[i]!.end;
    const sums = [0, 0];
    for (let j = i; i < all.length && (i === j || all[i]!.start < end); i++) {
      sums[all[i]!.side]! += all[i]!.hits;
      end = Math.max(end, all[i]!.end);
    }
    const d = sums[1]! - sums[0]!;
    if (d > 0) gained += d;
    else lost -= d;
  }
  return { gained, lost };
};

/** What changed from report A to report B, brand by brand and interval by interval (brands matched by name, any case). */
export const reportDiff = (a: BrandReport, b: BrandReport): ReportDiff => {
  const names = new Map<string, string>();
  for (const s of [...a.brands, ...b.brands]) names.set(brandKey(s.brand), s.brand);
  for (const i of [...a.intervals, ...b.intervals]) if (!names.has(brandKey(i.brand))) names.set(brandKey(i.brand), i.brand);
  const summary = (r: BrandReport, k: string) => r.brands.find((s) => brandKey(s.brand) === k);
  const intervalsOf = (r: BrandReport, k: string) => r.intervals.filter((i) => brandKey(i.brand) === k);
  const brands: BrandDiff[] = [...names].map(([k, brand]) => {
    const [sa, sb] = [summary(a, k), summary(b, k)];
    const fig = (f: (s: NonNullable<typeof sa>) => number) => delta(sa ? f(sa) : 0, sb ? f(sb) : 0);
    const moved = hitsMoved(intervalsOf(a, k), intervalsOf(b, k));
    const d = {
      exposure: fig((s) => s.exposureSeconds),
      appearances: fig((s) => s.appearances),
      shareOfVoice: fig((s) => s.shareOfVoice),
      hits: fig((s) => s.hits),
    };
    const same = Object.values(d).every((x) => Math.abs(x.delta) < EPS) && moved.gained === 0 && moved.lost === 0;
    const change: BrandChange = !sa ? 'gained' : !sb ? 'lost' : same ? 'same' : 'changed';
    return { brand, change, ...d, hitsGained: moved.gained, hitsLost: moved.lost };
  });
  brands.sort((x, y) => Math.max(y.exposure.a, y.exposure.b) - Math.max(x.exposure.a, x.exposure.b) || (x.brand < y.brand ? -1 : 1));
  const unmatched = (from: BrandReport, to: BrandReport, change: IntervalDiff['change']): IntervalDiff[] =>
    from.intervals
      .filter((i) => !to.intervals.some((j) => brandKey(j.brand) === brandKey(i.brand) && overlaps(i, j)))
      .map((i) => ({ brand: i.brand, start: i.start, end: i.end, hits: i.hits, change }));
  const intervals = [...unmatched(a, b, 'lost'), ...unmatched(b, a, 'gained')].sort((x, y) => x.start - y.start || (x.brand < y.brand ? -1 : 1));
  return {
    brands,
    gained: brands.filter((x) => x.change === 'gained').map((x) => x.brand),
    lost: brands.filter((x) => x.change === 'lost').map((x) => x.brand),
    intervals,
    hitsGained: brands.reduce((s, x) => s + x.hitsGained, 0),
    hitsLost: brands.reduce((s, x) => s + x.hitsLost, 0),
    totalExposure: delta(a.totalExposureSeconds, b.totalExposureSeconds),
  };
};
