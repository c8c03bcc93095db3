import { describe, expect, test } from 'bun:test';
import { href, parseHash } from './router.ts';

describe('hash router', () => {
  test('routes', () => {
    expect(parseHash('')).toEqual({ name: 'assets' });
    expect(parseHash('#/')).toEqual({ name: 'assets' });
    expect(parseHash('#/assets')).toEqual({ name: 'assets' });
    expect(parseHash('#/jobs')).toEqual({ name: 'jobs' });
    expect(parseHash('#/jobs/')).toEqual({ name: 'jobs' });
    expect(parseHash('#/jobs/abc123')).toEqual({ name: 'job', id: 'abc123' });
    expect(parseHash('#/jobs/a%20b')).toEqual({ name: 'job', id: 'a b' });
    expect(parseHash('#/presets?x=1')).toEqual({ name: 'presets' });
    expect(parseHash('#/keys')).toEqual({ name: 'keys' });
    expect(parseHash('#/users/')).toEqual({ name: 'users' });
    expect(parseHash('#/users/u1')).toEqual({ name: 'not-found', path: '/users/u1' });
    expect(parseHash('#/nope/1')).toEqual({ name: 'not-found', path: '/nope/1' });
    expect(parseHash('#/jobs/a/b')).toEqual({ name: 'not-found', path: '/jobs/a/b' });
  });
  test('href round-trips', () => {
    for (const h of ['#/assets', '#/jobs', '#/presets', '#/keys', '#/users', '#/jobs/x%2Fy']) expect(href(parseHash(h))).toBe(h);
  });
});
