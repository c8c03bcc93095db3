import { describe, expect, test } from 'bun:test';
import { ApiError } from '../api.ts';
import { createFormCheck } from './form-check.ts';

const client = () => ({ name: 'Give it a name.' });

describe('a form checked on Save', () => {
  test("the client's checks show only once Save was pressed, and nothing is sent while they find anything", async () => {
    const f = createFormCheck();
    expect(f.errors(client)).toEqual({});
    let sent = 0;
    const got = await f.submit({ problems: client(), send: async () => ++sent, saved: () => {}, place: (x) => x, general: () => {} });
    expect(got).toBeNull();
    expect(sent).toBe(0);
    expect(f.errors(client)).toEqual({ name: 'Give it a name.' });
    f.clear();
    expect(f.errors(client)).toEqual({});
  });

  test('a save: saving while it is sent, the answer handed on and resolved', async () => {
    const f = createFormCheck();
    const general: (string | null)[] = [];
    const saved: string[] = [];
    let release = () => {};
    const p = f.submit({
      problems: {},
      send: () => new Promise<string>((r) => (release = () => r('t1'))),
      saved: (v) => saved.push(v),
      place: (x) => x,
      general: (m) => general.push(m),
    });
    expect(f.saving()).toBe(true);
    release();
    expect(await p).toBe('t1');
    expect(f.saving()).toBe(false);
    expect(saved).toEqual(['t1']);
    expect(general).toEqual([null]);
  });

  test("a refusal: at the field the form shows until it is edited, else on the form's line", async () => {
    const f = createFormCheck();
    const general: (string | null)[] = [];
    const refuse = (message: string) =>
      f.submit({
        problems: {},
        send: () => Promise.reject(new ApiError(400, 'validation', message)),
        saved: () => {},
        place: (x) => (x === 'name' ? x : null),
        general: (m) => general.push(m),
      });
    expect(await refuse('name: must be at most 80 characters')).toBeNull();
    expect(f.errors(() => ({}))).toEqual({ name: 'Must be at most 80 characters.' });
    expect(general).toEqual([null, null]);
    f.setServerErrors({});
    expect(f.errors(() => ({}))).toEqual({});
    await refuse('no timeline t9');
    expect(general.at(-1)).toBe('No timeline t9.');
  });
});
