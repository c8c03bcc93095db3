import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { checkCompletion, MAX_UPLOAD_PARTS, planParts, slotSize, wholeParts } from './plan.ts';

const MiB = 1024 * 1024;

describe('planParts', () => {
  test('8 MiB parts, the last holding the rest', () => {
    const p = planParts(20 * MiB);
    expect(p).toEqual({ size: 20 * MiB, partSize: 8 * MiB, partCount: 3 });
    expect([1, 2, 3].map((n) => slotSize(p, n))).toEqual([8 * MiB, 8 * MiB, 4 * MiB]);
  });

  test('a one-byte file is one part of one byte', () => {
    const p = planParts(1);
    expect(p.partCount).toBe(1);
    expect(slotSize(p, 1)).toBe(1);
  });

  test('big files get bigger parts, never more than the cap', () => {
    const p = planParts(50 * 1024 * MiB);
    expect(p.partCount).toBeLessThanOrEqual(MAX_UPLOAD_PARTS);
    expect(p.partSize % MiB).toBe(0);
  });

  test('the slots always add up to the file', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 42 }), fc.integer({ min: 1, max: 64 * MiB }), (size, min) => {
        const p = planParts(size, min);
        let total = 0;
        for (let n = 1; n <= p.partCount; n++) {
          const s = slotSize(p, n);
          expect(s).toBeGreaterThan(0);
          expect(s).toBeLessThanOrEqual(p.partSize);
          total += s;
        }
        expect(total).toBe(size);
        expect(p.partCount).toBeLessThanOrEqual(MAX_UPLOAD_PARTS);
      }),
      { numRuns: 300 },
    );
  });
});

describe('checkCompletion', () => {
  const p = { size: 20, partSize: 8, partCount: 3 };
  const stored = [
    { number: 1, etag: '"a"', size: 8 },
    { number: 2, etag: '"b"', size: 8 },
    { number: 3, etag: '"c"', size: 4 },
  ];

  test('every part, any order, quotes or not: joined in order with the stored etags', () => {
    expect(
      checkCompletion(p, stored, [
        { number: 3, etag: 'c' },
        { number: 1, etag: '"a"' },
        { number: 2, etag: 'b' },
      ]),
    ).toEqual([
      { number: 1, etag: '"a"' },
      { number: 2, etag: '"b"' },
      { number: 3, etag: '"c"' },
    ]);
  });

  test('names the part that is missing, doubled, foreign, unknown, stale or cut short', () => {
    const all = stored.map(({ number, etag }) => ({ number, etag }));
    expect(() => checkCompletion(p, stored, all.slice(0, 2))).toThrow('part 3 of 3 is missing');
    expect(() => checkCompletion(p, stored, [...all, all[0]!])).toThrow('part 1 is listed twice');
    expect(() => checkCompletion(p, stored, [...all, { number: 4, etag: 'x' }])).toThrow('4 is not a part');
    expect(() => checkCompletion(p, stored.slice(1), all)).toThrow('part 1 was never received');
    expect(() => checkCompletion(p, stored, [{ number: 1, etag: 'zzz' }, ...all.slice(1)])).toThrow("part 1's etag");
    const short = [stored[0]!, { ...stored[1]!, size: 5 }, stored[2]!];
    expect(() => checkCompletion(p, short, all)).toThrow('part 2 holds 5 bytes, not 8');
    expect(wholeParts(p, short).map((s) => s.number)).toEqual([1, 3]);
  });
});
