import { describe, expect, test } from 'bun:test';
import type { Brand } from '../../types/detect.ts';
import { buildBrandIndex, editBudget, MATCH_DEFAULTS, type MatchConfig, matchFrame, normalise, type TextLine } from './match.ts';

const brand = (name: string, aliases: string[] = []): Brand => ({ name, aliases, images: [] });
const BRANDS = [
  brand('ZANTORA'),
  brand('QUVELLO', ['QVL']),
  brand('MIRADEX'),
  brand('PELTRONIC'),
  brand('VORASK'),
  brand('VISA'),
  brand('TRAVENTO'),
  brand('Nestlé'),
  brand('M&M', []),
];
const BOX = { x: 100, y: 200, w: 400, h: 40 };
const line = (text: string, confidence = 0.95, box = BOX): TextLine => ({ text, box, confidence });
const index = buildBrandIndex(BRANDS);
const hitsOf = (text: string, confidence = 0.95, idx = index) => matchFrame(idx, [line(text, confidence)]).hits.map((h) => h.brand);
const unresolvedOf = (text: string, confidence = 0.95) => matchFrame(index, [line(text, confidence)]).unresolved.map((u) => u.text);

describe('normalise', () => {
  test('case, diacritics, spaces and punctuation', () => {
    expect(normalise('Nestlé')).toBe('NESTLE');
    expect(normalise('Ørsted Straße')).toBe('ORSTEDSTRASSE');
    expect(normalise('Zantora.com')).toBe('ZANTORACOM');
    expect(normalise("M&M's")).toBe('MMS');
    expect(normalise('ﬁne ²')).toBe('FINE2');
    expect(normalise('  ')).toBe('');
  });

  test('look-alike digits inside words become letters: 0→O 1→I 5→S 8→B; numbers stay numbers', () => {
    expect(normalise('ZANT0RA')).toBe('ZANTORA');
    expect(normalise('F1')).toBe('FI');
    expect(normalise('5ALE')).toBe('SALE');
    expect(normalise('8OOT')).toBe('BOOT');
    expect(normalise('2-1 45:00')).toBe('214500');
    expect(normalise('808')).toBe('808');
  });

  test('l and I by the case of their word; Cyrillic and Greek look-alikes', () => {
    expect(normalise('lKEA')).toBe(normalise('IKEA'));
    expect(normalise('AppIe')).toBe(normalise('Apple'));
    expect(normalise('Illinois')).toBe('ILLINOIS');
    expect(normalise('СОКЕ')).toBe('COKE');
    expect(normalise('ΑΒΕ')).toBe('ABE');
  });

  test('idempotent on its own output', () => {
    for (const s of ['Ørsted', 'ZANT0RA', 'lKEA', 'AppIe', 'Straße', 'VISIT ZANTORA.COM', '2-1']) expect(normalise(normalise(s))).toBe(normalise(s));
  });
});

describe('matchFrame: hits', () => {
  test('exact names, any case, with diacritics and look-alikes', () => {
    expect(hitsOf('ZANTORA')).toEqual(['ZANTORA']);
    expect(hitsOf('zantora')).toEqual(['ZANTORA']);
    expect(hitsOf('ZANT0RA FAN ZONE')).toEqual(['ZANTORA']);
    expect(hitsOf('NESTLE')).toEqual(['Nestlé']);
    expect(hitsOf('Peltr0nic')).toEqual(['PELTRONIC']);
  });

  test('up to 1 edit per 5 characters, transpositions count once', () => {
    expect(editBudget(4, MATCH_DEFAULTS)).toBe(0);
    expect(editBudget(5, MATCH_DEFAULTS)).toBe(1);
    expect(editBudget(10, MATCH_DEFAULTS)).toBe(2);
    expect(hitsOf('ZANTQRA')).toEqual(['ZANTORA']); // substitution
    expect(hitsOf('ZANTRA')).toEqual(['ZANTORA']); // deletion
    expect(hitsOf('ZANTOORA')).toEqual(['ZANTORA']); // insertion
    expect(hitsOf('ZATNORA')).toEqual(['ZANTORA']); // transposition across the index's piece boundary
    expect(hitsOf('PELTRONIX')).toEqual(['PELTRONIC']);
    expect(hitsOf('VORASC')).toEqual(['VORASK']); // 6 letters, 1 edit
    expect(hitsOf('VORSC')).toEqual([]); // 2 edits
  });

  test('similarity and confidence: confidence = OCR confidence × similarity', () => {
    const [h] = matchFrame(index, [line('ZANTQRA', 0.9)]).hits;
    expect(h!.similarity).toBeCloseTo(6 / 7, 4);
    expect(h!.confidence).toBeCloseTo(0.9 * (6 / 7), 4);
    expect(h!.ocrConfidence).toBe(0.9);
    expect(h!.source).toBe('ocr');
    expect(h!.text).toBe('ZANTQRA');
  });

  test('a name inside a longer line, with the box narrowed to its characters', () => {
    const r = matchFrame(index, [line('VISIT ZANTORA.COM')]);
    expect(r.hits.map((h) => [h.brand, h.text])).toEqual([['ZANTORA', 'ZANTORA']]);
    // Characters 6..13 of 17 on a 400 px line starting at x=100.
    expect(r.hits[0]!.box).toEqual({
      x: 100 + Math.round((400 * 6) / 17),
      y: 200,
      w: Math.round(100 + (400 * 13) / 17) - Math.round(100 + (400 * 6) / 17),
      h: 40,
    });
    expect(hitsOf('VISITZANTORA.COM')).toEqual(['ZANTORA']);
    expect(hitsOf('ZANTORAFANZONE')).toEqual(['ZANTORA']);
  });

  test('two brands on one line are two hits; overlapping matches keep the better one', () => {
    expect(hitsOf('QUVELLO ZANTORA')).toEqual(['QUVELLO', 'ZANTORA']);
    const both = buildBrandIndex([brand('ZANTORA'), brand('ZANTORA PLUS')]);
    expect(hitsOf('ZANTORA PLUS', 0.95, both)).toEqual(['ZANTORA PLUS']);
  });

  test('short aliases match exactly and only as whole words', () => {
    expect(hitsOf('QVL')).toEqual(['QUVELLO']);
    expect(hitsOf('qvl sport')).toEqual(['QUVELLO']);
    expect(hitsOf('QVX')).toEqual([]);
    expect(hitsOf('QVLX')).toEqual([]);
    expect(hitsOf('AQVL')).toEqual([]);
    expect(hitsOf("M&M'S")).toEqual(['M&M']); // tokens M, M: a run of whole tokens
  });

  test('a short name inside a longer word must touch its start or end', () => {
    expect(hitsOf('VISA')).toEqual(['VISA']);
    expect(hitsOf('VISACARD')).toEqual(['VISA']);
    expect(hitsOf('ADVISABLE')).toEqual([]);
  });

  test('an approximate match must cover whole words', () => {
    expect(hitsOf('TRAVENTO')).toEqual(['TRAVENTO']);
    expect(hitsOf('TRAVENT0S')).toEqual(['TRAVENTO']); // exact inside a longer word: a long name may
    expect(hitsOf('TRAVENTURE')).toEqual([]);
  });

  test('distractors that look like brands do not match', () => {
    for (const d of ['ZANDORIA', 'QUILLO', 'MIRADOR', 'PELTRON', 'VORTEX', 'WELCOME', 'STADIUM', 'LIVE', 'ZAN 2-1 QUV 45:00']) {
      expect({ d, hits: hitsOf(d) }).toEqual({ d, hits: [] });
    }
  });

  test('lines under minOcrConfidence are ignored; thresholds are config', () => {
    expect(hitsOf('ZANTORA', 0.4)).toEqual([]);
    const strict = buildBrandIndex(BRANDS, { maxEditsPer5: 0 });
    expect(hitsOf('ZANTQRA', 0.95, strict)).toEqual([]);
    const loose = buildBrandIndex(BRANDS, { minSimilarity: 0.9 });
    expect(hitsOf('ZANTQRA', 0.95, loose)).toEqual([]); // 6/7 < 0.9
    const lowOcr = buildBrandIndex(BRANDS, { minOcrConfidence: 0.2 });
    expect(hitsOf('ZANTORA', 0.3, lowOcr)).toEqual(['ZANTORA']);
  });
});

describe('matchFrame: unresolved candidates', () => {
  test('a word mark matching no brand is a candidate; near misses name the brand', () => {
    const r = matchFrame(index, [line('NOVATRIX'), line('ZANDORIA')]);
    expect(r.hits).toEqual([]);
    expect(r.unresolved.map((u) => [u.text, u.reason, u.nearest?.brand])).toEqual([
      ['NOVATRIX', 'no_match', undefined],
      ['ZANDORIA', 'near_miss', 'ZANTORA'],
    ]);
    expect(r.unresolved[1]!.nearest!.similarity).toBeLessThan(0.8);
    expect(r.unresolved[0]!.confidence).toBe(0.95);
  });

  test('the stoplist, scores and clocks are never candidates', () => {
    expect(unresolvedOf('LIVE')).toEqual([]);
    expect(unresolvedOf('REPLAY HD')).toEqual([]);
    expect(unresolvedOf('GOAL!')).toEqual([]);
    expect(unresolvedOf('FAN ZONE')).toEqual([]);
    expect(unresolvedOf('ZAN 2-1 QUV')).toEqual([]);
    expect(unresolvedOf('45:00')).toEqual([]);
    expect(unresolvedOf("HOLTEX 90+3'")).toEqual([]);
    const custom = buildBrandIndex(BRANDS, { stopWords: ['novatrix'] });
    expect(matchFrame(custom, [line('NOVATRIX')]).unresolved).toEqual([]);
  });

  test('short, mostly-digit or lower-case low-confidence words are not word marks', () => {
    expect(unresolvedOf('AB')).toEqual([]);
    expect(unresolvedOf('A12345')).toEqual([]);
    expect(unresolvedOf('novatrix', 0.8)).toEqual([]);
    expect(unresolvedOf('novatrix', 0.95)).toEqual(['novatrix']); // confident enough
  });

  test('text a hit covers is not a candidate; neighbouring word marks are grouped', () => {
    expect(unresolvedOf('ZANTORA KELMORIX HEXALOR')).toEqual(['KELMORIX HEXALOR']);
    const r = matchFrame(index, [line('VISIT ZANTORA.COM')]);
    expect(r.unresolved).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Large lists: the index agrees with checking every term, and stays fast.

/** mulberry32: the same list on every run. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const SYLLABLES = [
  'ka',
  'lo',
  'ri',
  'zan',
  'tor',
  'vel',
  'mi',
  'ra',
  'dex',
  'pel',
  'tro',
  'nic',
  'vo',
  'rask',
  'qu',
  'bel',
  'sun',
  'ix',
  'or',
  'an',
  'te',
  'gra',
  'fi',
  'mon',
];

const syntheticBrands = (count: number, seed: number): Brand[] => {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const seen = new Set<string>();
  const out: Brand[] = [];
  while (out.length < count) {
    const parts = 2 + Math.floor(next() * 3);
    const name = Array.from({ length: parts }, () => pick(SYLLABLES))
      .join('')
      .toUpperCase();
    const alias = next() < 0.2 ? name.slice(0, 2 + Math.floor(next() * 2)) : null;
    const keys = [name, ...(alias ? [alias] : [])].map(normalise);
    if (keys.some((k) => seen.has(k))) continue;
    for (const k of keys) seen.add(k);
    out.push(brand(name, alias ? [alias] : []));
  }
  return out;
};

const mutate = (s: string, next: () => number): string => {
  const i = Math.floor(next() * s.length);
  const r = next();
  const letter = String.fromCharCode(65 + Math.floor(next() * 26));
  if (r < 0.25) return s.slice(0, i) + letter + s.slice(i + 1);
  if (r < 0.5) return s.slice(0, i) + s.slice(i + 1);
  if (r < 0.75) return s.slice(0, i) + letter + s.slice(i);
  return i + 1 < s.length ? s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2) : s;
};

/** Frames of OCR lines: brand names (some with an edit or two, some inside longer lines), words, numbers. */
const syntheticLines = (brands: readonly Brand[], count: number, seed: number): TextLine[] => {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const fillers = ['LIVE', 'REPLAY', '2-1', '45:00', 'WELCOME TO THE STADIUM', 'VISIT', 'FAN ZONE', 'HD', 'Kick off 20:45', 'NOVATRIX', 'www'];
  return Array.from({ length: count }, () => {
    const r = next();
    let text: string;
    if (r < 0.4) {
      const b = pick(brands);
      text = next() < 0.5 ? b.name : mutate(b.name, next);
      if (next() < 0.3) text = mutate(text, next);
    } else if (r < 0.6) text = `${pick(fillers)} ${pick(brands).name}.COM`;
    else if (r < 0.8) text = pick(fillers);
    else
      text = Array.from({ length: 5 + Math.floor(next() * 8) }, () => String.fromCharCode(65 + Math.floor(next() * 26)))
        .join('')
        .replace(/(.{4})/, '$1 ');
    return line(text, 0.6 + next() * 0.4);
  });
};

const signature = (idx: ReturnType<typeof buildBrandIndex>, lines: TextLine[]) =>
  lines.map((l) => matchFrame(idx, [l]).hits.map((h) => `${h.brand}@${h.similarity}`));

describe('matchFrame on large brand lists', () => {
  test('the index finds exactly what checking every term at every offset finds', () => {
    const brands = syntheticBrands(250, 7);
    const lines = syntheticLines(brands, 400, 11);
    for (const config of [{}, { maxEditsPer5: 2, minSimilarity: 0.6 }, { maxEditsPer5: 3, minSimilarity: 0.3 }] as Partial<MatchConfig>[]) {
      const fast = buildBrandIndex(brands, config);
      const slow = buildBrandIndex(brands, { ...config, exhaustive: true });
      expect(signature(fast, lines)).toEqual(signature(slow, lines));
    }
    // The lines do exercise matching: plenty of hits, some approximate.
    const sims = signature(buildBrandIndex(brands), lines).flat();
    expect(sims.length).toBeGreaterThan(150);
    expect(sims.filter((s) => !s.endsWith('@1')).length).toBeGreaterThan(20);
  });

  /** Pronounceable names from a wide inventory: letter pairs as varied as a real list's. */
  const variedBrands = (count: number, seed: number): Brand[] => {
    const next = random(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    const C = ['B', 'C', 'D', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'R', 'S', 'T', 'V', 'W', 'X', 'Z', 'BR', 'TR', 'ST', 'CH', 'SH', 'GR', 'PL', 'KR'];
    const V = ['A', 'E', 'I', 'O', 'U', 'Y', 'AI', 'OU', 'EA'];
    const seen = new Set<string>();
    const out: Brand[] = [];
    while (out.length < count) {
      let name = '';
      for (let i = 2 + Math.floor(next() * 3); i > 0; i--) name += pick(C) + pick(V);
      if (next() < 0.4) name += pick(C);
      const alias = next() < 0.2 ? name.slice(0, 3) : null;
      const keys = [name, ...(alias ? [alias] : [])].map(normalise);
      if (keys.some((k) => seen.has(k))) continue;
      for (const k of keys) seen.add(k);
      out.push(brand(name, alias ? [alias] : []));
    }
    return out;
  };

  /** Median and p95 milliseconds of matching 20-line frames. */
  const timeFrames = (brands: Brand[], frames: TextLine[][]) => {
    const t0 = performance.now();
    const idx = buildBrandIndex(brands);
    const buildMs = performance.now() - t0;
    matchFrame(idx, frames[0]!); // warm-up
    const times: number[] = [];
    let hits = 0;
    for (const f of frames) {
      const t = performance.now();
      hits += matchFrame(idx, f).hits.length;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { buildMs, median: times[Math.floor(times.length / 2)]!, p95: times[Math.floor(times.length * 0.95)]!, hits };
  };

  test('a 10 000-brand list: build once, then a 20-line frame in milliseconds', () => {
    const shown = (r: ReturnType<typeof timeFrames>) =>
      `built in ${r.buildMs.toFixed(0)} ms, 20-line frame median ${r.median.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms (${r.hits} hits)`;
    const varied = variedBrands(10_000, 3);
    const real = timeFrames(
      varied,
      Array.from({ length: 150 }, (_, i) => syntheticLines(varied, 20, 100 + i)),
    );
    // Worst case: names from 24 syllables share their letter pairs with thousands of others.
    const samey = syntheticBrands(10_000, 3);
    const worst = timeFrames(
      samey,
      Array.from({ length: 60 }, (_, i) => syntheticLines(samey, 20, 100 + i)),
    );
    // For scale: every term checked at every offset.
    const slow = buildBrandIndex(varied, { exhaustive: true });
    const lines = syntheticLines(varied, 3, 9);
    const ts = performance.now();
    matchFrame(slow, lines);
    const slowPerLine = (performance.now() - ts) / lines.length;
    console.log(`match_brands, 10 000 varied brands: ${shown(real)}`);
    console.log(`match_brands, 10 000 brands of 24 syllables: ${shown(worst)}`);
    console.log(`match_brands, 10 000 brands, no index: ${slowPerLine.toFixed(0)} ms per line`);
    expect(real.hits).toBeGreaterThan(1000);
    // Generous for a shared 2-core machine (OCR itself takes ~100 ms a frame); see the log lines.
    expect(real.median).toBeLessThan(40);
    expect(worst.median).toBeLessThan(80);
  });
});
