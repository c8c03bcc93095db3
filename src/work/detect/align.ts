/**
 * The banded alignment `match_brands` verifies an anchored term with:
 * restricted Damerau–Levenshtein (a transposition is one edit), skipping
 * text before and after free, along a band around the anchor's diagonal.
 */
const INF = 1 << 20;
// Scratch tables reused across calls (JS runs one call at a time): align stays pure in effect.
let dBuf = new Int32Array(4096);
let sBuf = new Int32Array(4096);

interface Alignment {
  d: number;
  start: number;
  end: number;
}

/**
 * The best alignment of pattern `p` against a substring of `t[lo, hi)` that
 * starts within `band` of column `c0` (`t[lo + c0]` is where the anchor puts
 * the pattern's start) and keeps within `band` of that diagonal: restricted
 * Damerau–Levenshtein, skipping text before and after free. Any alignment of
 * at most `band` edits through the anchor stays inside the band, so the
 * answer is exact up to `band` edits; null when every alignment needs more.
 * With `bound`, the substring must start and end on token boundaries. Ties go
 * to the span closest to the pattern's length, then the earliest.
 */
export const align = (p: string, t: string, lo: number, hi: number, c0: number, band: number, bound: Uint8Array | null): Alignment | null => {
  const m = p.length;
  const n = hi - lo;
  const w = n + 1;
  const size = (m + 1) * w;
  if (dBuf.length < size) {
    dBuf = new Int32Array(size * 2);
    sBuf = new Int32Array(size * 2);
  }
  const D = dBuf;
  const S = sBuf;
  // Cell (i, j) is in the band when c0 - band <= j - i <= c0 + band; cells outside are never read.
  const lowDiag = c0 - band;
  const highDiag = c0 + band;
  for (let j = Math.max(0, lowDiag); j <= Math.min(n, highDiag); j++) {
    D[j] = bound === null || bound[lo + j] ? 0 : INF;
    S[j] = j;
  }
  for (let i = 1; i <= m; i++) {
    const row = i * w;
    const pc = p.charCodeAt(i - 1);
    const from = Math.max(0, i + lowDiag);
    const to = Math.min(n, i + highDiag);
    if (from > to) return null;
    let rowMin = INF;
    for (let j = from; j <= to; j++) {
      let best = INF;
      let start = 0;
      if (j > 0) {
        // (i-1, j-1) lies on the same diagonal: always in the band when j-1 >= 0.
        best = D[row - w + j - 1]! + (pc === t.charCodeAt(lo + j - 1) ? 0 : 1);
        start = S[row - w + j - 1]!;
      }
      if (j - i + 1 <= highDiag) {
        const del = D[row - w + j]! + 1;
        if (del < best) {
          best = del;
          start = S[row - w + j]!;
        }
      }
      if (j > from) {
        const ins = D[row + j - 1]! + 1;
        if (ins < best) {
          best = ins;
          start = S[row + j - 1]!;
        }
      }
      if (i > 1 && j > 1 && pc === t.charCodeAt(lo + j - 2) && p.charCodeAt(i - 2) === t.charCodeAt(lo + j - 1)) {
        const tr = D[row - 2 * w + j - 2]! + 1;
        if (tr < best) {
          best = tr;
          start = S[row - 2 * w + j - 2]!;
        }
      }
      best = Math.min(best, INF);
      D[row + j] = best;
      S[row + j] = start;
      if (best < rowMin) rowMin = best;
    }
    // Costs never fall along a row's successors: past the band's budget, give up.
    if (rowMin > band) return null;
  }
  let found: Alignment | null = null;
  const last = m * w;
  for (let j = Math.max(0, m + lowDiag); j <= Math.min(n, m + highDiag); j++) {
    if (bound !== null && !bound[lo + j]) continue;
    const d = D[last + j]!;
    if (d > band) continue;
    const start = lo + S[last + j]!;
    const end = lo + j;
    if (found === null || d < found.d || (d === found.d && Math.abs(end - start - m) < Math.abs(found.end - found.start - m))) {
      found = { d, start, end };
    }
  }
  return found;
};
