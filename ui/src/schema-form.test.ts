import { describe, expect, test } from 'bun:test';
import {
  changedKeys,
  fieldsOf,
  getPath,
  overridesOf,
  parseInput,
  parseText,
  readForm,
  refusalField,
  sameValue,
  setPath,
  shownValue,
  toInput,
  Unparsed,
  validateValue,
} from './schema-form.ts';

// Shaped as GET /api/detect/config/stages/:stage answers (src/work/detect/config-spec.ts jsonSchemaOf).
const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    min_similarity: { description: 'least similarity', default: 0.8, type: 'number', minimum: 0, maximum: 1 },
    exact_below: { description: 'short names match exactly', default: 4, type: 'integer', minimum: 0, maximum: 20 },
    contrast: { description: 'stretch contrast', default: true, type: 'boolean' },
    model: { description: 'model name', default: 'x', type: 'string', maxLength: 5 },
    provider: { description: 'who', default: 'openai', type: 'string', enum: ['anthropic', 'openai'] },
    hue: { description: 'hue range', default: [35, 85], type: 'array', items: { type: 'number', minimum: 0, maximum: 180 }, minItems: 2, maxItems: 2 },
    stop_words: { description: 'ignored', default: [], type: 'array', items: { type: 'string', maxLength: 4 }, maxItems: 3 },
    box: {
      type: 'object',
      required: ['w'],
      properties: { w: { type: 'integer', minimum: 1, description: 'width' }, label: { type: 'string', description: '' } },
    },
  },
};
const fields = fieldsOf(schema);
const field = (key: string) => fields.find((f) => f.key === key)!;
/** The field of a schema with `prop` as its only property. */
const one = (prop: Record<string, unknown>) => fieldsOf({ properties: { x: prop } })[0]!;
const config = {
  min_similarity: 0.8,
  exact_below: 4,
  contrast: true,
  model: 'x',
  provider: 'openai',
  hue: [35, 85],
  stop_words: ['fc'],
  box: { w: 10, label: 'a' },
};

describe('fields from a schema', () => {
  test('each property becomes a typed field with its bounds; nested objects are dotted', () => {
    expect(fields.map((f) => [f.key, f.kind])).toEqual([
      ['min_similarity', 'number'],
      ['exact_below', 'integer'],
      ['contrast', 'boolean'],
      ['model', 'string'],
      ['provider', 'enum'],
      ['hue', 'numbers'],
      ['stop_words', 'strings'],
      ['box.w', 'integer'],
      ['box.label', 'string'],
    ]);
    expect(field('min_similarity')).toMatchObject({ label: 'min similarity', minimum: 0, maximum: 1, required: false });
    expect(field('hue')).toMatchObject({ minItems: 2, maxItems: 2, itemMinimum: 0, itemMaximum: 180 });
    expect(field('provider').options).toEqual(['anthropic', 'openai']);
    expect(field('box.w').required).toBe(true);
    expect(field('hue').default).toEqual([35, 85]);
  });

  test('an enum of strings is a select; a list of objects, or of anything else, is JSON; no properties, no fields', () => {
    expect(one({ type: 'string', enum: ['en', 'multi'] }).kind).toBe('enum');
    expect(one({ type: 'array', items: { type: 'object' } }).kind).toBe('json');
    expect(one({ type: 'array', items: { type: 'integer', minimum: 1 } })).toMatchObject({ kind: 'numbers', itemInteger: true, itemMinimum: 1 });
    expect(fieldsOf({})).toEqual([]);
  });

  test('values show in their inputs: pairs with commas, lists one a line', () => {
    expect(toInput(field('hue'), [35, 85])).toBe('35, 85');
    expect(toInput(field('stop_words'), ['fc', 'the'])).toBe('fc\nthe');
    expect(toInput(field('contrast'), false)).toBe(false);
    expect(toInput(field('min_similarity'), 0.8)).toBe('0.8');
    expect(toInput(field('model'), undefined)).toBe('');
  });
});

describe('parsing and checking', () => {
  test('numbers are typed and checked against minimum and maximum', () => {
    expect(parseInput(field('min_similarity'), ' 0.75 ')).toEqual({ ok: true, value: 0.75 });
    expect(parseInput(field('min_similarity'), '1.5')).toEqual({ ok: false, error: 'Must be at most 1.' });
    expect(parseInput(field('min_similarity'), '-1')).toEqual({ ok: false, error: 'Must be at least 0.' });
    expect(parseInput(field('min_similarity'), 'abc')).toEqual({ ok: false, error: 'Must be a number.' });
    expect(parseInput(field('min_similarity'), '')).toEqual({ ok: false, error: 'Type a number.' });
    expect(parseInput(field('exact_below'), '2.5')).toEqual({ ok: false, error: 'Must be a whole number.' });
    expect(parseInput(field('exact_below'), '1e1')).toEqual({ ok: true, value: 10 });
  });

  test('enums, strings, pairs and lists', () => {
    expect(parseInput(field('provider'), 'gemini')).toEqual({ ok: false, error: 'Must be one of anthropic, openai.' });
    expect(parseInput(field('model'), 'toolong')).toEqual({ ok: false, error: 'Must be at most 5 characters.' });
    expect(parseInput(field('hue'), '30,90')).toEqual({ ok: true, value: [30, 90] });
    expect(parseInput(field('hue'), '30')).toEqual({ ok: false, error: 'Must hold 2 numbers.' });
    expect(parseInput(field('hue'), '30, 200')).toEqual({ ok: false, error: 'Item 2 must be at most 180.' });
    expect(parseInput(field('hue'), '30, x')).toEqual({ ok: false, error: 'Item 2 (x) is not a number: separate numbers with commas.' });
    expect(parseInput(field('stop_words'), 'fc\n\n the \n')).toEqual({ ok: true, value: ['fc', 'the'] });
    expect(parseInput(field('stop_words'), 'a\nb\nc\nd')).toEqual({ ok: false, error: 'Must hold at most 3 items.' });
    expect(parseInput(field('stop_words'), 'club')).toEqual({ ok: true, value: ['club'] });
    expect(parseInput(field('stop_words'), 'clubs')).toEqual({ ok: false, error: 'Item 1 must be at most 4 characters.' });
    expect(parseInput(field('contrast'), false)).toEqual({ ok: true, value: false });
    expect(validateValue(field('box.w'), undefined)).toBe('Required.');
    expect(validateValue(field('box.label'), undefined)).toBeNull();
  });
});

describe('typed text kept while it does not parse (the profile editor keeps it as the value)', () => {
  test('a bad number or list stays as typed, with its message; a good one is its value, checked later', () => {
    const hue = field('hue');
    expect(parseText(hue, ' 30 ,90')).toEqual([30, 90]);
    expect(parseText(hue, '')).toEqual([]);
    const bad = parseText(hue, '30, x');
    expect(bad).toBeInstanceOf(Unparsed);
    expect(validateValue(hue, bad)).toBe('Item 2 (x) is not a number: separate numbers with commas.');
    expect(toInput(hue, bad)).toBe('30, x');
    expect(parseText(field('min_similarity'), '0.5')).toBe(0.5);
    expect(parseText(field('min_similarity'), '1.5')).toBe(1.5);
    expect(validateValue(field('min_similarity'), parseText(field('min_similarity'), ''))).toBe('Type a number.');
    expect(validateValue(field('exact_below'), parseText(field('exact_below'), 'abc'))).toBe('Must be a whole number.');
  });

  test('JSON both ways', () => {
    const boxes = one({ type: 'array', items: { type: 'object' } });
    expect(parseText(boxes, '[{"x":1}]')).toEqual([{ x: 1 }]);
    expect(toInput(boxes, [{ x: 1 }])).toBe('[{"x":1}]');
    expect(validateValue(boxes, parseText(boxes, '[{'))).toBe('Must be JSON.');
    expect(parseText(boxes, ' ')).toBeUndefined();
  });
});

describe('the server checks on values', () => {
  test('ranges, whole numbers, enums, lengths, item counts and items', () => {
    const width = one({ type: 'integer', minimum: 320, maximum: 4096 });
    expect(validateValue(field('min_similarity'), 0.5)).toBeNull();
    expect(validateValue(field('min_similarity'), 1.5)).toBe('Must be at most 1.');
    expect(validateValue(width, 100)).toBe('Must be at least 320.');
    expect(validateValue(width, 960.5)).toBe('Must be a whole number.');
    expect(validateValue(field('provider'), 'gemini')).toBe('Must be one of anthropic, openai.');
    expect(validateValue(field('hue'), [35])).toBe('Must hold 2 numbers.');
    expect(validateValue(field('hue'), [35, 200])).toBe('Item 2 must be at most 180.');
    expect(validateValue(field('stop_words'), ['a', 'b', 'c', 'd'])).toBe('Must hold at most 3 items.');
    expect(validateValue(field('stop_words'), ['toolong'])).toBe('Item 1 must be at most 4 characters.');
    expect(validateValue(field('contrast'), 'yes')).toBe('Must be true or false.');
  });

  test('deep equality decides what differs (from the run, from the defaults); a blank number typed twice is no change', () => {
    expect(sameValue([35, 85], [35, 85])).toBe(true);
    expect(sameValue([35, 85], [35, 86])).toBe(false);
    expect(sameValue({ a: [1], b: 2 }, { b: 2, a: [1] })).toBe(true);
    expect(sameValue({ a: 1 }, { b: 1 })).toBe(false);
    expect(sameValue(0.8, 0.75)).toBe(false);
    expect(sameValue(Number.NaN, Number.NaN)).toBe(true);
    expect(sameValue(new Unparsed('x', 'm'), new Unparsed('x', 'm'))).toBe(true);
  });

  test('values in words', () => {
    expect(shownValue([35, 85])).toBe('35, 85');
    expect(shownValue(undefined)).toBe('unset');
    expect(shownValue({ a: 1 })).toBe('{"a":1}');
    expect(shownValue(0.8)).toBe('0.8');
  });
});

describe('reading the form and making overrides', () => {
  test('unedited fields keep the config; edited ones are typed; a bad one keeps the config and reports', () => {
    const r = readForm(fields, { min_similarity: '0.9', exact_below: 'x' }, config);
    expect(r.values.min_similarity).toBe(0.9);
    expect(r.values.exact_below).toBe(4);
    expect(r.values.hue).toEqual([35, 85]);
    expect(r.errors).toEqual({ exact_below: 'Must be a whole number.' });
  });

  test('only what changed is sent; equal values typed differently are no change; nested objects go whole', () => {
    const r = readForm(fields, { min_similarity: '0.80', hue: '30, 85', contrast: false, 'box.w': '12' }, config);
    expect(changedKeys(fields, r.values, config)).toEqual(['contrast', 'hue', 'box.w']);
    expect(overridesOf(fields, r.values, config)).toEqual({ contrast: false, hue: [30, 85], box: { w: 12, label: 'a' } });
    expect(overridesOf(fields, readForm(fields, {}, config).values, config)).toEqual({});
  });

  test('dotted paths read and write', () => {
    expect(getPath(config, 'box.w')).toBe(10);
    expect(getPath(config, 'nope.w')).toBeUndefined();
    expect(setPath({ a: { b: 1, c: 2 } }, 'a.b', 5)).toEqual({ a: { b: 5, c: 2 } });
    expect(setPath({}, 'a.b', 5)).toEqual({ a: { b: 5 } });
  });
});

describe('a refusal at its field', () => {
  const keys = fields.map((f) => f.key);
  test('the paths the server uses lead to the field; the text loses its path', () => {
    expect(refusalField('overrides.min_similarity: must be at most 1, got 2', keys, 'match_brands')).toEqual({
      field: 'min_similarity',
      text: 'Must be at most 1, got 2.',
    });
    expect(refusalField('overrides.hue[0]: must be at least 0, got -1', keys).field).toBe('hue');
    expect(refusalField('overrides.hue: low (90) must not be above high (30)', keys).field).toBe('hue');
    expect(refusalField('match_brands.exact_below: must be a whole number, got 2.5', keys, 'match_brands').field).toBe('exact_below');
    expect(refusalField('configOverrides.match_brands.box.w: must be at least 1, got 0', keys, 'match_brands').field).toBe('box.w');
  });

  test('a message about no field of the form stays whole', () => {
    expect(refusalField('overrides.bogus: unknown setting (known: a, b)', keys)).toEqual({
      field: null,
      text: 'overrides.bogus: unknown setting (known: a, b).',
    });
    expect(refusalField('job j1 has not finished ocr: nothing to replay match_brands from', keys)).toEqual({
      field: null,
      text: 'Job j1 has not finished ocr: nothing to replay match_brands from.',
    });
  });
});
