import { describe, expect, test } from 'bun:test';
import { BRAND_LIMITS, parseBrandList } from './brands.ts';

const refused = (raw: unknown): string => {
  try {
    parseBrandList(raw);
  } catch (e) {
    expect((e as { code?: string }).code).toBe('validation');
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('parseBrandList', () => {
  test('an array or { brands }; aliases and images default to []; names trimmed', () => {
    const list = [
      { name: ' Zantora ', aliases: ['ZNT', 'Zantora Sport'] },
      { name: 'Quvello', images: ['brands/quvello.png'] },
    ];
    const want = [
      { name: 'Zantora', aliases: ['ZNT', 'Zantora Sport'], images: [] },
      { name: 'Quvello', aliases: [], images: ['brands/quvello.png'] },
    ];
    expect(parseBrandList(list)).toEqual(want);
    expect(parseBrandList({ brands: list })).toEqual(want);
  });

  test('an alias repeating its own brand is dropped, not refused', () => {
    expect(parseBrandList([{ name: 'Zantora', aliases: ['ZANTORA', 'zant0ra', 'ZNT', 'znt'] }])).toEqual([{ name: 'Zantora', aliases: ['ZNT'], images: [] }]);
  });

  test('refused with the field named', () => {
    expect(refused(null)).toStartWith('brands: must be an array');
    expect(refused('Zantora')).toStartWith('brands: must be an array');
    expect(refused({ list: [] })).toStartWith('brands: missing');
    expect(refused([])).toStartWith('brands: the list is empty');
    expect(refused({ brands: [] })).toStartWith('brands: the list is empty');
    expect(refused(['Zantora'])).toStartWith('brands[0]: must be an object');
    expect(refused([{ name: 'A1' }, { aliases: ['X'] }])).toBe('brands[1].name: missing');
    expect(refused([{ name: 'A1' }, { name: 'B2' }, { name: 'C3' }, { name: '' }])).toBe('brands[3].name: must not be empty');
    expect(refused([{ name: '   ' }])).toBe('brands[0].name: must not be empty');
    expect(refused([{ name: 42 }])).toBe('brands[0].name: must be a string, got 42');
    expect(refused([{ name: 'x'.repeat(101) }])).toBe('brands[0].name: must be at most 100 characters, got 101');
    expect(refused([{ name: '!!!' }])).toBe('brands[0].name: "!!!" has no letter or digit to match on');
    expect(refused([{ name: 'Zan\ntora' }])).toBe('brands[0].name: must not hold control characters');
    expect(refused([{ name: 'Zantora', aliases: 'ZNT' }])).toStartWith('brands[0].aliases: must be a list');
    expect(refused([{ name: 'Zantora', aliases: ['ZNT', 7] }])).toBe('brands[0].aliases[1]: must be a string, got 7');
    expect(refused([{ name: 'Zantora', images: [''] }])).toBe('brands[0].images[0]: must not be empty');
    expect(refused([{ name: 'Zantora', alias: ['ZNT'] }])).toBe('brands[0].alias: unknown field (known: name, aliases, images)');
  });

  test('duplicates after normalisation, across names and aliases, are refused', () => {
    expect(refused([{ name: 'Zantora' }, { name: 'ZANT0RA' }])).toBe(
      'brands[1].name: "ZANT0RA" is the same as brands[0].name once normalised (ZANTORA): one spelling may belong to one brand only',
    );
    expect(refused([{ name: 'Nestlé' }, { name: 'nestle' }])).toStartWith('brands[1].name: "nestle" is the same as brands[0].name');
    expect(
      refused([
        { name: 'Zantora', aliases: ['QV'] },
        { name: 'Quvello', aliases: ['Q.V.'] },
      ]),
    ).toStartWith('brands[1].aliases[0]: "Q.V." is the same as brands[0].aliases[0]');
  });

  test(`at most ${BRAND_LIMITS.brands} brands`, () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Brand ${i}` }));
    expect(parseBrandList(names(BRAND_LIMITS.brands))).toHaveLength(BRAND_LIMITS.brands);
    expect(refused(names(BRAND_LIMITS.brands + 1))).toBe('brands: at most 10000 brands, got 10001');
    expect(refused([{ name: 'Z', aliases: Array.from({ length: 51 }, (_, i) => `A${i}`) }])).toBe('brands[0].aliases: must hold at most 50 items, got 51');
  });
});
