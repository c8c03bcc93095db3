/**
 * The brand index of `match_brands` and its search: `buildBrandIndex` cuts
 * every name and alias into pieces and maps them back to their terms;
 * `findAll` finds the terms in one normalised line. Pure.
 *
 * Matching is approximate (restricted Damerau–Levenshtein, a transposition
 * is one edit) with a budget of `maxEditsPer5` edits per 5 characters of the
 * name or alias, and finds names inside longer lines ("VISITZANTORA.COM").
 *
 * Speed: a 10 000-brand list must not slow a frame down, so terms are found
 * through an index instead of being compared one by one. A term allowed k
 * edits is cut into k + 1 pieces with one character left out between
 * neighbours; each edit (a transposition included, thanks to the gaps) can
 * spoil at most one piece, so any match of ≤ k edits contains one piece
 * verbatim (the pigeonhole filter of approximate string matching). The gaps go
 * where the pieces come out rarest across the list. Pieces are kept in a
 * map; a line looks up its substrings of the pieces' lengths and
 * verifies only the terms anchored there, along a band around the anchor's
 * diagonal (a few cells per row instead of the whole table).
 * `exhaustive: true` verifies every term at every offset instead: the
 * reference the index must agree with (tests, bench).
 */
import type { Brand } from '../../types/detect.ts';
import { align } from './align.ts';
import { BROADCAST_STOPWORDS, MATCH_DEFAULTS, type MatchConfig } from './match-config.ts';
import { type Normalised, normalise } from './normalise.ts';

// ---------------------------------------------------------------------------
// Index

interface Term {
  brand: number;
  norm: string;
  /** Edits allowed. */
  k: number;
}

interface Anchor {
  term: number;
  /** Where the piece starts in the term. */
  offset: number;
}

export interface BrandIndex {
  readonly brands: readonly Brand[];
  readonly config: Readonly<MatchConfig>;
  readonly terms: readonly Term[];
  /** Terms shorter than `exactBelow`, by their normalised text. */
  readonly exact: ReadonlyMap<string, readonly number[]>;
  /** Terms by the pieces cut from them. */
  readonly anchors: ReadonlyMap<string, readonly Anchor[]>;
  /** The lengths pieces come in, so a line looks up only those. */
  readonly pieceLengths: readonly number[];
  /** Terms that could not be cut into pieces of ≥ 2 characters (a very loose config): checked at every offset. */
  readonly unindexed: readonly number[];
  readonly stop: ReadonlySet<string>;
}

/** Edits a term of `m` normalised characters may take under `c`. */
export const editBudget = (m: number, c: Pick<MatchConfig, 'maxEditsPer5' | 'minSimilarity' | 'exactBelow'>): number =>
  m < c.exactBelow ? 0 : Math.max(0, Math.min(Math.floor((m * c.maxEditsPer5) / 5 + 1e-9), Math.floor(m * (1 - c.minSimilarity) + 1e-9)));

/** Substrings up to this long are counted when choosing pieces; a longer piece is costed by its start. */
const COUNTED_LENGTH = 5;

/**
 * k + 1 pieces of a term, each ≥ 2 characters, with one character left out
 * between neighbours; null when the term is too short for that. Where the
 * gaps go is free, so they go where the pieces come out rarest across the
 * list (`freq`: how often a substring occurs in the list): a line then anchors few
 * terms per piece it contains. Dynamic programming over gap positions.
 */
const piecesOf = (norm: string, k: number, freq: ReadonlyMap<string, number>): { piece: string; offset: number }[] | null => {
  const m = norm.length;
  if (m - k < 2 * (k + 1)) return null;
  // costs[a][len - 2]: the frequency of the piece starting at a, up to COUNTED_LENGTH long.
  const costs = Array.from({ length: m }, (_, a) =>
    Array.from({ length: Math.min(COUNTED_LENGTH, m - a) - 1 }, (_, i) => freq.get(norm.slice(a, a + i + 2)) ?? 0),
  );
  const cost = (a: number, b: number) => costs[a]![Math.min(b - a, COUNTED_LENGTH) - 2]!;
  // best[j][e]: least cost of j + 1 pieces covering [0, e) with the last piece ending at e.
  const best: number[][] = [];
  const prev: number[][] = [];
  for (let j = 0; j <= k; j++) {
    best.push(new Array<number>(m + 1).fill(Infinity));
    prev.push(new Array<number>(m + 1).fill(-1));
    for (let e = 2; e <= m; e++) {
      if (j === 0) {
        best[0]![e] = cost(0, e);
        continue;
      }
      // The previous piece ends at g, the gap is g, this piece is [g + 1, e).
      for (let g = 2; g + 3 <= e; g++) {
        const c = best[j - 1]![g]! + cost(g + 1, e);
        if (c < best[j]![e]!) {
          best[j]![e] = c;
          prev[j]![e] = g;
        }
      }
    }
  }
  const out: { piece: string; offset: number }[] = [];
  let e = m;
  for (let j = k; j >= 0; j--) {
    const start = j === 0 ? 0 : prev[j]![e]! + 1;
    out.unshift({ piece: norm.slice(start, e), offset: start });
    e = start - 1;
  }
  return out;
};

/** Pure: the index of a brand list for `matchFrame`. Build it once per job; it is only read afterwards. */
export const buildBrandIndex = (brands: readonly Brand[], config: Partial<MatchConfig> = {}): BrandIndex => {
  const c: MatchConfig = { ...MATCH_DEFAULTS, ...config };
  const terms: Term[] = [];
  brands.forEach((b, bi) => {
    const seen = new Set<string>();
    for (const raw of [b.name, ...b.aliases]) {
      const norm = normalise(raw);
      if (norm === '' || seen.has(norm)) continue;
      seen.add(norm);
      terms.push({ brand: bi, norm, k: editBudget(norm.length, c) });
    }
  });
  const freq = new Map<string, number>();
  for (const t of terms) {
    if (t.norm.length < c.exactBelow) continue;
    // Occurrences, not terms: a repeat inside one name counts twice, harmless for ranking pieces.
    for (let a = 0; a < t.norm.length; a++) {
      for (let len = 2; len <= COUNTED_LENGTH && a + len <= t.norm.length; len++) {
        const sub = t.norm.slice(a, a + len);
        freq.set(sub, (freq.get(sub) ?? 0) + 1);
      }
    }
  }
  const exact = new Map<string, number[]>();
  const anchors = new Map<string, Anchor[]>();
  const pieceLengths = new Set<number>();
  const unindexed: number[] = [];
  terms.forEach((t, id) => {
    if (t.norm.length < c.exactBelow) {
      let list = exact.get(t.norm);
      if (!list) {
        list = [];
        exact.set(t.norm, list);
      }
      list.push(id);
      return;
    }
    const pieces = piecesOf(t.norm, t.k, freq);
    if (!pieces) {
      unindexed.push(id);
      return;
    }
    for (const p of pieces) {
      let list = anchors.get(p.piece);
      if (!list) {
        list = [];
        anchors.set(p.piece, list);
      }
      list.push({ term: id, offset: p.offset });
      pieceLengths.add(p.piece.length);
    }
  });
  const stop = new Set([...BROADCAST_STOPWORDS, ...c.stopWords].map(normalise).filter((s) => s !== ''));
  return { brands, config: Object.freeze(c), terms, exact, anchors, pieceLengths: [...pieceLengths].sort((a, b) => a - b), unindexed, stop };
};

// ---------------------------------------------------------------------------
// Search

export interface Found {
  term: number;
  d: number;
  start: number;
  end: number;
}

/** The nearest a brand came to a span without matching (for candidates' `nearest`). */
export interface Near {
  brand: number;
  similarity: number;
  start: number;
  end: number;
}

const NEAR_MIN_SIMILARITY = 0.5;

/** Candidate (term, start offset) pairs of a normalised line, as term × 2^16 + offset + 2^15. */
const anchorsOf = (index: BrandIndex, text: string): Set<number> => {
  const out = new Set<number>();
  const n = text.length;
  const everywhere = (id: number) => {
    const t = index.terms[id]!;
    for (let s = -t.k; s <= n - t.norm.length + t.k; s++) out.add(id * 65536 + s + 32768);
  };
  if (index.config.exhaustive) {
    index.terms.forEach((t, id) => {
      if (t.norm.length >= index.config.exactBelow) everywhere(id);
    });
    return out;
  }
  for (let p = 0; p < n; p++) {
    for (const q of index.pieceLengths) {
      if (p + q > n) break;
      const list = index.anchors.get(text.slice(p, p + q));
      if (list) for (const a of list) out.add(a.term * 65536 + p - a.offset + 32768);
    }
  }
  for (const id of index.unindexed) everywhere(id);
  return out;
};

/** Every acceptable match of every term in one normalised line, plus near misses. */
export const findAll = (index: BrandIndex, nl: Normalised): { found: Found[]; near: Near[] } => {
  const { text, boundary } = nl;
  const n = text.length;
  const c = index.config;
  const found: Found[] = [];
  const near: Near[] = [];
  // Short terms: exact, whole tokens (or runs of them: "M&M" is the tokens M, M).
  for (let b = 0; b < n; b++) {
    if (!boundary[b]) continue;
    for (let len = 1; len < c.exactBelow && b + len <= n; len++) {
      if (!boundary[b + len]) continue;
      for (const id of index.exact.get(text.slice(b, b + len)) ?? []) found.push({ term: id, d: 0, start: b, end: b + len });
    }
  }
  for (const key of anchorsOf(index, text)) {
    const id = Math.floor(key / 65536);
    const s = (key % 65536) - 32768;
    const term = index.terms[id]!;
    const m = term.norm.length;
    // One edit of slack past the budget, so a near miss still gets its similarity.
    const band = term.k + 1;
    const lo = Math.max(0, s - band);
    const hi = Math.min(n, s + m + band);
    if (hi - lo < m - band) continue;
    const free = align(term.norm, text, lo, hi, s - lo, band, null);
    if (!free) continue;
    if (free.d === 0) {
      const touches = boundary[free.start] === 1 || boundary[free.end] === 1;
      if (m >= c.interiorMinLength || touches) {
        found.push({ term: id, ...free });
        continue;
      }
    }
    // An approximate match must cover whole tokens: "TRAVENTURE" is not TRAVENTO with one edit.
    const whole = free.d <= term.k ? align(term.norm, text, lo, hi, s - lo, term.k, boundary) : null;
    if (whole) found.push({ term: id, ...whole });
    else {
      const similarity = 1 - free.d / m;
      if (similarity >= NEAR_MIN_SIMILARITY) near.push({ brand: term.brand, similarity, start: free.start, end: free.end });
    }
  }
  return { found, near };
};
