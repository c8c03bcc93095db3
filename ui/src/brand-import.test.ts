import { describe, expect, test } from 'bun:test';
import { aliasesOfText, looseKey, mergeBrands, parseBrandText, validateBrandList } from './brand-import.ts';

const b = (name: string, aliases: string[] = [], images: string[] = []) => ({ name, aliases, images });

describe('parsing a paste', () => {
  test('CSV: name,alias1;alias2 per line, a header skipped, quotes holding commas', () => {
    expect(parseBrandText('name,aliases\nZantora,ZNT;Zan\n\n"Kelvio, Inc",Kelvio\nNorda\n')).toEqual({
      brands: [b('Zantora', ['ZNT', 'Zan']), b('Kelvio, Inc', ['Kelvio']), b('Norda')],
    });
    expect(parseBrandText('Zantora\n,orphan')).toEqual({ error: 'Line 2 has no brand name.' });
  });

  test('JSON: an array of brands or of names, or { brands }', () => {
    expect(parseBrandText('[{"name":" Zantora ","aliases":["ZNT"],"images":["k/1.png"]},"Kelvio"]')).toEqual({
      brands: [b('Zantora', ['ZNT'], ['k/1.png']), b('Kelvio')],
    });
    expect(parseBrandText('{"brands":[{"name":"Norda"}]}')).toEqual({ brands: [b('Norda')] });
    expect(parseBrandText('[{"aliases":[]}]')).toEqual({ error: 'Brand 1 needs a "name".' });
    expect(parseBrandText('[{')).toEqual({ error: 'This looks like JSON but does not parse.' });
    expect(parseBrandText('  ')).toEqual({ error: 'Paste or choose a list first.' });
  });

  test('aliases typed as text', () => {
    expect(aliasesOfText(' ZNT, Zan ;; Z-Tora ')).toEqual(['ZNT', 'Zan', 'Z-Tora']);
  });
});

describe('importing into a list', () => {
  test('replace takes the new brands; add appends and merges a brand already there', () => {
    const was = [b('Zantora', ['ZNT'], ['k/1.png']), b('')];
    const incoming = [b('ZANTORA', ['Zan', 'znt']), b('Kelvio')];
    expect(mergeBrands(was, incoming, 'replace')).toEqual(incoming);
    expect(mergeBrands(was, incoming, 'add')).toEqual([b('Zantora', ['ZNT', 'Zan'], ['k/1.png']), b('Kelvio')]);
    expect(was[0]!.aliases).toEqual(['ZNT']); // not changed in place
  });
});

describe('checks by field', () => {
  test('names, duplicates once normalised, aliases owned by another brand', () => {
    expect(looseKey('Zän-Tora!')).toBe('zantora');
    expect(validateBrandList('', [])).toEqual({ name: 'Give the list a name.', brands: 'Add at least one brand.' });
    expect(validateBrandList('L', [b('Zantora', ['ZNT']), b('zan tora'), b('Kelvio', ['znt', '  ']), b('!!')])).toEqual({
      'brands[1].name': 'Spelled like "Zantora": one spelling belongs to one brand only.',
      'brands[2].aliases': '"znt" is spelled like "ZNT" of another brand.',
      'brands[3].name': 'Needs a letter or digit to match on.',
    });
    expect(validateBrandList('L', [b('Zantora', ['zantora'])])).toEqual({});
  });
});
