import { describe, expect, test } from 'bun:test';
import { messagesUnder, refusalOf } from './refusal.ts';

describe('a refusal split by field', () => {
  test('a field the form shows gets its sentence; the path leaves the sentence', () => {
    const r = refusalOf(new Error('picks[2].end: 9 s is past the end of the asset (5.06 s)'), (f) => (f.startsWith('picks[') ? f : null));
    expect(r).toEqual({ fields: { 'picks[2].end': '9 s is past the end of the asset (5.06 s).' }, general: null });
  });

  test('a field the form does not show, or no field at all, goes to the general line as the server said it', () => {
    expect(refusalOf(new Error('body: must be { name, picks }'), () => null)).toEqual({ fields: {}, general: 'body: must be { name, picks }.' });
    expect(refusalOf(new Error('no timeline t9'), (f) => f)).toEqual({ fields: {}, general: 'No timeline t9.' });
  });

  test('a message can be placed at the input that holds the field', () => {
    const r = refusalOf(new Error('configs.segment_field.hue[1]: must be at most 180, got 200'), (f) => f.replace(/\[\d+\]$/, ''));
    expect(r.fields).toEqual({ 'configs.segment_field.hue': 'Must be at most 180, got 200.' });
  });

  test('messages under a path: its own and its children', () => {
    const errors = { 'picks[2].end': 'a', 'picks[2]': 'b', 'picks[20].end': 'c', name: 'd' };
    expect(messagesUnder(errors, 'picks[2]')).toEqual([
      ['picks[2].end', 'a'],
      ['picks[2]', 'b'],
    ]);
  });
});
