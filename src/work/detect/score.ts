/**
 * The scorer for labelled clips: how many truth intervals the report found
 * (recall) and how many reported intervals are true (precision). A reported
 * interval matches a truth interval of the same brand (exact name) when both
 * its ends are within `toleranceSeconds`; each interval matches at most one
 * other (a maximum bipartite matching, trying the closest pairs first). Pure.
 */

export interface ScoredInterval {
  brand: string;
  start: number;
  end: number;
}

export interface ScoreConfig {
  toleranceSeconds: number;
}

export const SCORE_DEFAULTS: Readonly<ScoreConfig> = Object.freeze({ toleranceSeconds: 1 });

export interface Counts {
  truth: number;
  predicted: number;
  matched: number;
  /** matched ÷ truth; 1 when there was nothing to find. */
  recall: number;
  /** matched ÷ predicted; 1 when nothing was reported. */
  precision: number;
  f1: number;
}

export interface ClipScore extends Counts {
  /** Index pairs into the truth and predicted lists. */
  matches: { truth: number; predicted: number }[];
  missed: ScoredInterval[];
  spurious: ScoredInterval[];
}

const EPS = 1e-9;

const countsOf = (truth: number, predicted: number, matched: number): Counts => {
  const recall = truth === 0 ? 1 : matched / truth;
  const precision = predicted === 0 ? 1 : matched / predicted;
  return { truth, predicted, matched, recall, precision, f1: recall + precision === 0 ? 0 : (2 * recall * precision) / (recall + precision) };
};

/** Pure: one clip's truth against what was reported. */
export const scoreClip = (truth: readonly ScoredInterval[], predicted: readonly ScoredInterval[], config: Partial<ScoreConfig> = {}): ClipScore => {
  const tol = { ...SCORE_DEFAULTS, ...config }.toleranceSeconds;
  // Candidate partners of each truth interval, closest first.
  const edges = truth.map((t) =>
    predicted
      .map((p, j) => ({
        j,
        err: Math.abs(p.start - t.start) + Math.abs(p.end - t.end),
        ok: p.brand === t.brand && Math.abs(p.start - t.start) <= tol + EPS && Math.abs(p.end - t.end) <= tol + EPS,
      }))
      .filter((e) => e.ok)
      .sort((a, b) => a.err - b.err || a.j - b.j)
      .map((e) => e.j),
  );
  // Kuhn's augmenting paths: maximum one-to-one matching.
  const owner = new Array<number>(predicted.length).fill(-1);
  const augment = (i: number, seen: boolean[]): boolean => {
    for (const j of edges[i]!) {
      if (seen[j]) continue;
      seen[j] = true;
      if (owner[j] === -1 || augment(owner[j]!, seen)) {
        owner[j] = i;
        return true;
      }
    }
    return false;
  };
  for (let i = 0; i < truth.length; i++) augment(i, new Array<boolean>(predicted.length).fill(false));
  const matches = owner.flatMap((i, j) => (i === -1 ? [] : [{ truth: i, predicted: j }])).sort((a, b) => a.truth - b.truth);
  const matchedTruth = new Set(matches.map((m) => m.truth));
  return {
    ...countsOf(truth.length, predicted.length, matches.length),
    matches,
    missed: truth.filter((_, i) => !matchedTruth.has(i)),
    spurious: predicted.filter((_, j) => owner[j] === -1),
  };
};

/** Pure: several clips, each scored alone, and overall (pooled counts, so a long clip weighs more). */
export const scoreClips = (
  clips: readonly { name: string; truth: readonly ScoredInterval[]; predicted: readonly ScoredInterval[] }[],
  config: Partial<ScoreConfig> = {},
): { clips: (ClipScore & { name: string })[]; overall: Counts } => {
  const scored = clips.map((c) => ({ name: c.name, ...scoreClip(c.truth, c.predicted, config) }));
  const sum = (k: 'truth' | 'predicted' | 'matched') => scored.reduce((s, c) => s + c[k], 0);
  return { clips: scored, overall: countsOf(sum('truth'), sum('predicted'), sum('matched')) };
};
