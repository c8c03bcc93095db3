/**
 * The `match_brands` stage: OCR lines of one frame → brand hits, and the
 * word marks that matched no brand as unresolved candidates. Pure.
 *
 * This file holds `matchFrame`, its public types and the candidate rules
 * (word-mark look, score/clock lines); normalisation is in normalise.ts, the
 * knobs and stoplist in match-config.ts, the index and its search in
 * brand-index.ts, the banded alignment in align.ts. What other files import
 * from here is re-exported below.
 */
import type { Box } from '../../cv/frame.ts';
import { type BrandIndex, findAll } from './brand-index.ts';
import { LETTER, normalise, normaliseDetailed, UPPER } from './normalise.ts';

export { type BrandIndex, buildBrandIndex, editBudget } from './brand-index.ts';
export { BROADCAST_STOPWORDS, MATCH_DEFAULTS, type MatchConfig } from './match-config.ts';
export { type Normalised, normalise, normaliseDetailed } from './normalise.ts';

// ---------------------------------------------------------------------------
// Public types

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

// ---------------------------------------------------------------------------
// Spans and boxes

/** The part of a line's box that original characters [a, b) cover, assuming even character widths. */
const subBox = (box: Box, length: number, a: number, b: number): Box => {
  if (length <= 0 || (a <= 0 && b >= length)) return { ...box };
  const x = box.x + (box.w * a) / length;
  const x2 = box.x + (box.w * b) / length;
  return { x: Math.round(x), y: box.y, w: Math.max(1, Math.round(x2) - Math.round(x)), h: box.h };
};

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

// ---------------------------------------------------------------------------
// Candidates

/** Scores ("2-1", "2 : 1"), clocks ("45:00", "90+3"), minutes ("67'"): a line holding one is a score bug or a clock, never a candidate. */
const SCORE_OR_CLOCK = /(^|[^\p{L}\p{N}])\d{1,3}\s?[-–:]\s?\d{1,2}([^\p{L}\p{N}]|$)|\b\d{2,3}\+\d{1,2}\b|\b\d{1,3}['’]/u;

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

// ---------------------------------------------------------------------------
// Matching

/** Longer OCR "lines" are cut here: nothing real is this long, and anchor keys hold offsets under 2^15. */
const MAX_LINE_CHARS = 2000;

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
