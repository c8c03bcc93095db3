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
    expect(parseHash('#/detect')).toEqual({ name: 'detect' });
    expect(parseHash('#/detect/runs')).toEqual({ name: 'detect' });
    expect(parseHash('#/detect/runs/j1')).toEqual({ name: 'detect-run', id: 'j1' });
    expect(parseHash('#/detect/timelines')).toEqual({ name: 'detect-timelines' });
    expect(parseHash('#/detect/timelines/new')).toEqual({ name: 'detect-timeline', id: 'new' });
    expect(parseHash('#/detect/profiles')).toEqual({ name: 'detect-profiles' });
    expect(parseHash('#/detect/brands/')).toEqual({ name: 'detect-brands' });
    expect(parseHash('#/detect/brands/x')).toEqual({ name: 'not-found', path: '/detect/brands/x' });
    expect(parseHash('#/detect/runs/a/b')).toEqual({ name: 'not-found', path: '/detect/runs/a/b' });
    expect(parseHash('#/detect/nope')).toEqual({ name: 'not-found', path: '/detect/nope' });
  });
  test('href round-trips', () => {
    for (const h of [
      '#/assets',
      '#/jobs',
      '#/presets',
      '#/keys',
      '#/users',
      '#/jobs/x%2Fy',
      '#/detect',
      '#/detect/runs/r%201',
      '#/detect/timelines',
      '#/detect/timelines/new',
      '#/detect/profiles',
      '#/detect/brands',
    ])
      expect(href(parseHash(h))).toBe(h);
  });
});
