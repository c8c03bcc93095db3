/**
 * The knobs of `match_brands` (`MatchConfig`), their defaults, and the
 * built-in broadcast stoplist unresolved candidates are checked against.
 */

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
