import { describe, expect, test } from 'bun:test';
import { newId } from './ids.ts';

describe('newId', () => {
  test('the size asked, url-safe, and never a leading - or _ (a command line would read it as an option)', () => {
    const ids = Array.from({ length: 5000 }, () => newId(12));
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{11}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(newId(16)).toHaveLength(16);
  });
});
