/** The resume list in (fake) localStorage: save, find the same file, drop; a broken or refusing storage. */
import { describe, expect, test } from 'bun:test';
import { createResumeStore, type KeyValueStore, type ResumeEntry } from './resume-store.ts';

const memory = (): KeyValueStore & { data: Map<string, string> } => {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
};

const entry = (over: Partial<ResumeEntry> = {}): ResumeEntry => ({
  uploadId: 'u1',
  name: 'clip.mp4',
  size: 1000,
  lastModified: 5,
  folder: '',
  partCount: 18,
  savedAt: '2026-01-01T00:00:00Z',
  ...over,
});

describe('resume store', () => {
  test('save, list, find by name + size + lastModified (the folder asked for first), drop; the key goes when empty', () => {
    const m = memory();
    const r = createResumeStore(m, 'mpr.uploads.me');
    r.save(entry());
    r.save(entry({ uploadId: 'u2', folder: 'cup' }));
    r.save(entry({ uploadId: 'u3', name: 'other.mp4' }));
    r.save(entry({ partCount: 20 })); // the same upload again: replaced, not doubled
    expect(r.list().map((e) => e.uploadId)).toEqual(['u2', 'u3', 'u1']);
    const file = { name: 'clip.mp4', size: 1000, lastModified: 5 };
    expect(r.find(file)?.uploadId).toBe('u2');
    expect(r.find(file, 'cup')?.uploadId).toBe('u2');
    expect(r.find(file, '')?.uploadId).toBe('u1');
    expect(r.find({ ...file, lastModified: 6 })).toBeUndefined();
    expect(r.find({ ...file, size: 999 })).toBeUndefined();
    // Another user's list is another key.
    expect(createResumeStore(m, 'mpr.uploads.other').list()).toEqual([]);
    for (const id of ['u1', 'u2', 'u3']) r.drop(id);
    expect(m.data.has('mpr.uploads.me')).toBe(false);
  });

  test('a broken value reads as empty; entries of the wrong shape are left out', () => {
    const m = memory();
    const r = createResumeStore(m, 'k');
    m.data.set('k', '{not json');
    expect(r.list()).toEqual([]);
    m.data.set('k', JSON.stringify([entry(), { uploadId: 'x' }, null, 7]));
    expect(r.list()).toEqual([entry()]);
  });

  test('a storage that refuses (full, private) or none at all: nothing is kept, nothing throws', () => {
    const full: KeyValueStore = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    const r = createResumeStore(full, 'k');
    r.save(entry());
    expect(r.list()).toEqual([]);
    const none = createResumeStore(null, 'k');
    none.save(entry());
    none.drop('u1');
    expect(none.list()).toEqual([]);
  });
});
