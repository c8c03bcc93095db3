import { describe, expect, test } from 'bun:test';
import { checkValue, kindOf, parseText, propertiesOf, sameValue, textOf, Unparsed, type SchemaProp } from './schema-values.ts';

const num: SchemaProp = { type: 'number', minimum: 0, maximum: 1 };
const int: SchemaProp = { type: 'integer', minimum: 320, maximum: 4096 };
const hue: SchemaProp = { type: 'array', items: { type: 'number', minimum: 0, maximum: 180 }, minItems: 2, maxItems: 2 };
const words: SchemaProp = { type: 'array', items: { type: 'string', maxLength: 5 }, maxItems: 3 };
const lang: SchemaProp = { type: 'string', enum: ['en', 'multi'] };
const boxes: SchemaProp = { type: 'array', items: { type: 'object' } };

describe('which input', () => {
  test('scalars by type, enums as selects, scalar lists as comma lists, the rest as JSON', () => {
    expect([num, int, hue, words, lang, boxes, { type: 'boolean' }, { type: 'string' }].map(kindOf)).toEqual([
      'number',
      'integer',
      'list',
      'list',
      'enum',
      'json',
      'boolean',
      'string',
    ]);
  });
});

describe('text both ways', () => {
  test('comma lists of numbers and of strings', () => {
    expect(textOf(hue, [35, 85])).toBe('35, 85');
    expect(parseText(hue, ' 30 ,90')).toEqual([30, 90]);
    expect(parseText(hue, '')).toEqual([]);
    expect(parseText(words, 'live, , replay ')).toEqual(['live', 'replay']);
    const bad = parseText(hue, '30, x');
    expect(bad).toBeInstanceOf(Unparsed);
    expect(checkValue(hue, bad)).toBe('Item 2 is not a number: write numbers separated by commas.');
    expect(textOf(hue, bad)).toBe('30, x');
  });

  test('numbers: a blank or a word does not parse; JSON that does not parse is named', () => {
    expect(parseText(num, '0.5')).toBe(0.5);
    expect(checkValue(num, parseText(num, ''))).toBe('Type a number.');
    expect(checkValue(int, parseText(int, 'abc'))).toBe('Type a whole number.');
    expect(parseText(boxes, '[{"x":1}]')).toEqual([{ x: 1 }]);
    expect(checkValue(boxes, parseText(boxes, '[{'))).toBe('Write valid JSON.');
  });
});

describe('the server checks, at the field', () => {
  test('ranges, whole numbers, enums, lengths, item counts and items', () => {
    expect(checkValue(num, 0.5)).toBeNull();
    expect(checkValue(num, 1.5)).toBe('Must be at most 1.');
    expect(checkValue(int, 100)).toBe('Must be at least 320.');
    expect(checkValue(int, 960.5)).toBe('Must be a whole number.');
    expect(checkValue(lang, 'fr')).toBe('Must be one of en, multi.');
    expect(checkValue(hue, [35])).toBe('Must hold exactly 2 items.');
    expect(checkValue(hue, [35, 200])).toBe('Item 2: must be at most 180.');
    expect(checkValue(words, ['a', 'b', 'c', 'd'])).toBe('Must hold at most 3 items.');
    expect(checkValue(words, ['toolong'])).toBe('Item 1: must be at most 5 characters.');
    expect(checkValue({ type: 'boolean' }, 'yes')).toBe('Must be true or false.');
  });

  test('deep equality decides what differs from the defaults', () => {
    expect(sameValue([35, 85], [35, 85])).toBe(true);
    expect(sameValue([35, 85], [35, 86])).toBe(false);
    expect(sameValue({ a: [1] }, { a: [1] })).toBe(true);
    expect(sameValue(0.8, 0.75)).toBe(false);
  });

  test('a schema lists its properties in order', () => {
    expect(propertiesOf({ type: 'object', properties: { a: num, b: lang } }).map(([k]) => k)).toEqual(['a', 'b']);
    expect(propertiesOf({})).toEqual([]);
  });
});
