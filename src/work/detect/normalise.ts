/**
 * Normalisation for `match_brands`: the table of look-alike letters and
 * digits, and `normaliseDetailed` / `normalise`, the form OCR text and brand
 * names are both compared in. Pure.
 *
 * Text and brand names go through the same `normalise`, so a look-alike
 * mapping never makes a name unreachable: it only makes two spellings equal.
 */

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
export const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;
export const LETTER = /\p{L}/u;

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
