/**
 * The `match_brands` stage: OCR lines of one frame → brand hits, and the
 * word marks that matched no brand as unresolved candidates. Pure.
 *
 * Text and brand names go through the same `normalise`, so a look-alike
 * mapping never makes a name unreachable: it only makes two spellings equal.
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
import type { Box } from '../../cv/frame.ts';
import type { Brand } from '../../types/detect.ts';

// ---------------------------------------------------------------------------
// Normalisation

/**
 * Letters NFKD leaves whole. Each maps to what a reader (and an OCR model
 * trained on Latin text) would see; case is kept so the l/I rule below still
 * knows which case a token is in.
 */
const SPECIAL: Record<string, string> = {
  ß: 'ss',
  ẞ: 'SS',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'TH',
  ı: 'i',
};

/** Cyrillic and Greek capitals drawn like Latin ones (after upper-casing). */
const HOMOGLYPHS: Record<string, string> = {
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  У: 'Y',
  І: 'I',
  Ѕ: 'S',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
};

/**
 * Digits OCR reads in place of letters in bold sans-serif word marks. Applied
 * only inside a token that has a letter: "ZANT0RA" is ZANTORA, but "2-1" and
 * "45:00" stay numbers. 8→B is in: PP-OCR confuses them on bold faces and the
 * cost (a brand "B8" equals "BB") is nil since both sides are mapped. 2→Z and
 * 6→G are out: too many real digits in scores and prices for too few wins.
 */
const DIGIT_LOOKALIKES: Record<string, string> = { '0': 'O', '1': 'I', '5': 'S', '8': 'B' };

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const MARK = /\p{M}/gu;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;
const LETTER = /\p{L}/u;

/** A normalised text with, per character, where it came from in the original. */
export interface Normalised {
  text: string;
  /** Original UTF-16 index range [srcStart[i], srcEnd[i]) of normalised character i. */
  srcStart: number[];
  srcEnd: number[];
  /** boundary[p] (p = 0 … text.length): a token starts or ends at p (spaces and punctuation separate tokens). */
  boundary: Uint8Array;
}

interface RawChar {
  ch: string;
  start: number;
  end: number;
}

const finishToken = (token: RawChar[], out: { text: string[]; srcStart: number[]; srcEnd: number[]; ends: number[] }) => {
  if (token.length === 0) return;
  let upper = 0;
  let lower = 0;
  let hasLetter = false;
  for (const { ch } of token) {
    if (LETTER.test(ch)) hasLetter = true;
    if (ch === 'l' || ch === 'I') continue;
    if (UPPER.test(ch)) upper++;
    else if (LOWER.test(ch)) lower++;
  }
  token.forEach(({ ch, start, end }, i) => {
    let c = ch;
    // A lower-case l among capitals is a capital I misread ("lKEA"); a capital I
    // inside a lower-case word is an l ("AppIe"); a leading I is title case ("Illinois").
    if (c === 'l' && upper > lower) c = 'I';
    else if (c === 'I' && lower > upper && i > 0) c = 'l';
    for (const u of c.toUpperCase()) {
      let v = HOMOGLYPHS[u] ?? u;
      if (hasLetter) v = DIGIT_LOOKALIKES[v] ?? v;
      out.text.push(v);
      out.srcStart.push(start);
      out.srcEnd.push(end);
    }
  });
  out.ends.push(out.text.length);
};

/** Pure: `normalise` with the map back to the original and the token boundaries. */
export const normaliseDetailed = (input: string): Normalised => {
  const out = { text: [] as string[], srcStart: [] as number[], srcEnd: [] as number[], ends: [] as number[] };
  let token: RawChar[] = [];
  let i = 0;
  for (const cp of input) {
    const start = i;
    i += cp.length;
    const expanded = (SPECIAL[cp] ?? cp).normalize('NFKD').replace(MARK, '');
    for (const ch of expanded) {
      if (LETTER_OR_DIGIT.test(ch)) token.push({ ch, start, end: i });
      else {
        finishToken(token, out);
        token = [];
      }
    }
  }
  finishToken(token, out);
  const text = out.text.join('');
  const boundary = new Uint8Array(text.length + 1);
  boundary[0] = 1;
  for (const e of out.ends) boundary[e] = 1;
  return { text, srcStart: out.srcStart, srcEnd: out.srcEnd, boundary };
};

/**
 * Pure: the form text and brand names are compared in. Per token (a run of
 * letters and digits; spaces and punctuation separate tokens and are dropped):
 *
 * | step | what | example |
 * | --- | --- | --- |
 * | 1 | ß æ œ ø ł đ ð þ ı spelled out | Ørsted → ORSTED |
 * | 2 | NFKD, combining marks removed | Nestlé → NESTLE, ﬁ → FI |
 * | 3 | l among capitals → I; I inside a lower-case word → l | lKEA → IKEA, AppIe → APPLE |
 * | 4 | upper-cased; Cyrillic/Greek look-alike capitals → Latin | СОКЕ → COKE |
 * | 5 | in tokens with a letter: 0→O, 1→I, 5→S, 8→B | ZANT0RA → ZANTORA, 2-1 → 21 |
 * | 6 | tokens joined without separators | Zantora.com → ZANTORACOM |
 */
export const normalise = (text: string): string => normaliseDetailed(text).text;

// ---------------------------------------------------------------------------
// Config

export interface MatchConfig {
  /** Edits allowed per 5 characters of a name or alias (floor(len × this / 5)). */
  maxEditsPer5: number;
  /** Least similarity (1 − edits ÷ term length) of a match. */
  minSimilarity: number;
  /** Lines read with less OCR confidence are ignored (no hits, no candidates). */
  minOcrConfidence: number;
  /** Names and aliases shorter than this (normalised) match exactly only, and only as whole tokens ("BP" never inside "BPM"). */
  exactBelow: number;
  /** An exact match inside a longer word must touch the word's start or end unless the term is at least this long ("VISA" is not in "ADVISABLE"). */
  interiorMinLength: number;
  /** Letters a word needs to become an unresolved candidate. */
  candidateMinLetters: number;
  /** Letters ÷ characters a candidate word needs ("mostly letters"). */
  candidateMinLetterShare: number;
  /** Upper-case letters ÷ letters that make a word look like a word mark… */
  candidateMinUpperShare: number;
  /** …or, failing that, the OCR confidence that does. */
  candidateHighConfidence: number;
  /** Words never reported as candidates, on top of the built-in broadcast stoplist. */
  stopWords: readonly string[];
  /** Verify every term at every offset instead of using the index: slow, the reference for tests and the bench. */
  exhaustive: boolean;
}

export const MATCH_DEFAULTS: Readonly<MatchConfig> = Object.freeze({
  maxEditsPer5: 1,
  minSimilarity: 0.8,
  minOcrConfidence: 0.5,
  exactBelow: 4,
  interiorMinLength: 6,
  candidateMinLetters: 3,
  candidateMinLetterShare: 0.7,
  candidateMinUpperShare: 0.6,
  candidateHighConfidence: 0.9,
  stopWords: [],
  exhaustive: false,
});

/**
 * Words on screen in sports and news broadcasts that are not word marks:
 * graphics, match states, link words of sponsor lines. Small on purpose: an
 * unknown brand wrongly stopped is lost, a common word let through only
 * costs a look in the review queue.
 */
export const BROADCAST_STOPWORDS: readonly string[] = [
  'LIVE',
  'HD',
  'UHD',
  'GOAL',
  'GOALS',
  'REPLAY',
  'VAR',
  'CHECK',
  'REVIEW',
  'HT',
  'FT',
  'HALF',
  'TIME',
  'FULL',
  'KICK',
  'OFF',
  'EXTRA',
  'ADDED',
  'MIN',
  'MINS',
  'SCORE',
  'MATCH',
  'GAME',
  'HOME',
  'AWAY',
  'VS',
  'FINAL',
  'ROUND',
  'LEAGUE',
  'CUP',
  'SEASON',
  'STADIUM',
  'ARENA',
  'FAN',
  'FANS',
  'ZONE',
  'WELCOME',
  'OFFICIAL',
  'PARTNER',
  'SPONSOR',
  'PRESENTS',
  'PRESENTED',
  'POWERED',
  'BREAKING',
  'NEWS',
  'NEXT',
  'NOW',
  'TODAY',
  'TONIGHT',
  'WATCH',
  'HIGHLIGHTS',
  'EXCLUSIVE',
  'CHANNEL',
  'SHOTS',
  'CORNERS',
  'FOULS',
  'OFFSIDE',
  'PENALTY',
  'POSSESSION',
  'SUB',
  'YELLOW',
  'RED',
  'CARD',
  'WWW',
  'COM',
  'NET',
  'ORG',
  'THE',
  'AND',
  'FOR',
  'WITH',
  'FROM',
  'YOUR',
  'VISIT',
  'BEST',
  'NEW',
  'FREE',
  'SALE',
  'SHOP',
  'MORE',
  'ONLY',
];

/** Scores ("2-1", "2 : 1"), clocks ("45:00", "90+3"), minutes ("67'"): a line holding one is a score bug or a clock, never a candidate. */
const SCORE_OR_CLOCK = /(^|[^\p{L}\p{N}])\d{1,3}\s?[-–:]\s?\d{1,2}([^\p{L}\p{N}]|$)|\b\d{2,3}\+\d{1,2}\b|\b\d{1,3}['’]/u;

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
// Alignment

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
const align = (p: string, t: string, lo: number, hi: number, c0: number, band: number, bound: Uint8Array | null): Alignment | null => {
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

// ---------------------------------------------------------------------------
// Matching

/** One OCR line: the fields of src/cv/ocr's OcrLine this stage reads. */
export interface TextLine {
  text: string;
  box: Box;
  /** 0 to 1. */
  confidence: number;
}

export interface BrandHit {
  brand: string;
  /** The part of the line's box the matched text covers (estimated from its character positions). */
  box: Box;
  /** OCR confidence × similarity. */
  confidence: number;
  source: 'ocr';
  /** The matched part of the line, as read. */
  text: string;
  /** 1 − edits ÷ the length of the name or alias that matched. */
  similarity: number;
  ocrConfidence: number;
}

export interface UnresolvedCandidate {
  text: string;
  box: Box;
  /** The line's OCR confidence. */
  confidence: number;
  /**
   * `near_miss`: some brand came close (see `nearest`): too many edits, or a
   * name found inside a longer word where it does not count ("VISA" in
   * "ADVISABLE", nearest similarity 1). Best effort: found through the same
   * index, so a brand more than one edit past the budget may go unnamed.
   */
  reason: 'no_match' | 'near_miss';
  nearest?: { brand: string; similarity: number };
}

export interface FrameMatches {
  hits: BrandHit[];
  unresolved: UnresolvedCandidate[];
}

interface Found {
  term: number;
  d: number;
  start: number;
  end: number;
}

/** The nearest a brand came to a span without matching (for candidates' `nearest`). */
interface Near {
  brand: number;
  similarity: number;
  start: number;
  end: number;
}

const NEAR_MIN_SIMILARITY = 0.5;

/** Longer OCR "lines" are cut here: nothing real is this long, and anchor keys hold offsets under 2^15. */
const MAX_LINE_CHARS = 2000;

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
const findAll = (index: BrandIndex, nl: Normalised): { found: Found[]; near: Near[] } => {
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

/** The part of a line's box that original characters [a, b) cover, assuming even character widths. */
const subBox = (box: Box, length: number, a: number, b: number): Box => {
  if (length <= 0 || (a <= 0 && b >= length)) return { ...box };
  const x = box.x + (box.w * a) / length;
  const x2 = box.x + (box.w * b) / length;
  return { x: Math.round(x), y: box.y, w: Math.max(1, Math.round(x2) - Math.round(x)), h: box.h };
};

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

interface WordSpan {
  start: number;
  end: number;
  core: string;
}

/** Whitespace-separated words of the original line, trimmed of leading and trailing punctuation. */
const wordsOf = (text: string): WordSpan[] => {
  const out: WordSpan[] = [];
  for (const m of text.matchAll(/\S+/g)) {
    const raw = m[0];
    const lead = raw.length - raw.replace(/^[^\p{L}\p{N}]+/u, '').length;
    const core = raw.slice(lead).replace(/[^\p{L}\p{N}]+$/u, '');
    if (core === '') continue;
    const start = m.index + lead;
    out.push({ start, end: start + core.length, core });
  }
  return out;
};

const looksLikeWordMark = (index: BrandIndex, core: string, confidence: number): boolean => {
  const c = index.config;
  let letters = 0;
  let upper = 0;
  for (const ch of core) {
    if (LETTER.test(ch)) {
      letters++;
      if (UPPER.test(ch)) upper++;
    }
  }
  if (letters < c.candidateMinLetters) return false;
  if (letters / [...core].length < c.candidateMinLetterShare) return false;
  if (upper / letters < c.candidateMinUpperShare && confidence < c.candidateHighConfidence) return false;
  return !index.stop.has(normalise(core));
};

/**
 * Pure: the brand hits and unresolved candidates of one frame's OCR lines.
 * Each line yields at most one hit per stretch of its text (the most
 * confident wins where matches overlap), so one board is one hit, and two
 * brands on one line are two.
 */
export const matchFrame = (index: BrandIndex, lines: readonly TextLine[]): FrameMatches => {
  const hits: BrandHit[] = [];
  const unresolved: UnresolvedCandidate[] = [];
  const c = index.config;
  for (const line of lines) {
    if (!(line.confidence >= c.minOcrConfidence)) continue;
    const text = line.text.length > MAX_LINE_CHARS ? line.text.slice(0, MAX_LINE_CHARS) : line.text;
    const nl = normaliseDetailed(text);
    if (nl.text === '') continue;
    const { found, near } = findAll(index, nl);
    const scored = found
      .map((f) => {
        const term = index.terms[f.term]!;
        const similarity = 1 - f.d / term.norm.length;
        return { ...f, brand: term.brand, similarity, confidence: line.confidence * similarity };
      })
      .filter((f) => f.similarity >= c.minSimilarity - 1e-9)
      .sort(
        (a, b) =>
          b.confidence - a.confidence ||
          b.end - b.start - (a.end - a.start) ||
          a.start - b.start ||
          index.brands[a.brand]!.name.localeCompare(index.brands[b.brand]!.name),
      );
    const taken: typeof scored = [];
    for (const f of scored) if (!taken.some((t) => overlaps(t, f))) taken.push(f);
    const length = line.text.length;
    const covered: { start: number; end: number }[] = [];
    for (const f of taken.sort((a, b) => a.start - b.start)) {
      const a = nl.srcStart[f.start]!;
      const b = nl.srcEnd[f.end - 1]!;
      covered.push({ start: a, end: b });
      hits.push({
        brand: index.brands[f.brand]!.name,
        box: subBox(line.box, length, a, b),
        confidence: round4(f.confidence),
        source: 'ocr',
        text: line.text.slice(a, b),
        similarity: round4(f.similarity),
        ocrConfidence: line.confidence,
      });
    }
    if (SCORE_OR_CLOCK.test(line.text)) continue;
    // Runs of consecutive word-mark-like words not covered by a hit.
    const runs: WordSpan[][] = [];
    let run: WordSpan[] = [];
    for (const w of wordsOf(line.text)) {
      const ok = !covered.some((h) => overlaps(h, w)) && looksLikeWordMark(index, w.core, line.confidence);
      if (ok) run.push(w);
      else if (run.length > 0) {
        runs.push(run);
        run = [];
      }
    }
    if (run.length > 0) runs.push(run);
    for (const r of runs) {
      const a = r[0]!.start;
      const b = r[r.length - 1]!.end;
      const nearest = near
        .filter((x) => {
          const xa = nl.srcStart[x.start];
          const xb = nl.srcEnd[x.end - 1];
          return xa !== undefined && xb !== undefined && xa < b && a < xb;
        })
        .sort((x, y) => y.similarity - x.similarity)[0];
      unresolved.push({
        text: line.text.slice(a, b),
        box: subBox(line.box, length, a, b),
        confidence: line.confidence,
        reason: nearest ? 'near_miss' : 'no_match',
        ...(nearest ? { nearest: { brand: index.brands[nearest.brand]!.name, similarity: round4(nearest.similarity) } } : {}),
      });
    }
  }
  return { hits, unresolved };
};
