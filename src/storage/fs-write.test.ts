import { describe, expect, test } from 'bun:test';
import { outcomeOf } from '../actors/failure-policy.ts';
import type { AppError } from '../errors.ts';
import { fsError } from './fs-write.ts';

/** An error shaped as node:fs raises it, with the kernel's own message. */
const errno = (code: string, message: string) => Object.assign(new Error(`${code}: ${message}, write`), { code });
const where = 'writing "a/b.ts" in /data/out';

describe('fsError', () => {
  test('a full disk names the store and fails at once: a retry fills it again', () => {
    const e = fsError(errno('ENOSPC', 'no space left on device'), where) as AppError;
    expect(e.code).toBe('insufficient_storage');
    expect(e.message).toBe('disk full: writing "a/b.ts" in /data/out (ENOSPC: no space left on device, write)');
    expect(outcomeOf(e)).toBe('fail');
    expect((fsError(errno('EDQUOT', 'disk quota exceeded'), where) as AppError).code).toBe('insufficient_storage');
  });

  test('a read-only file system says so, not "permission denied"', () => {
    const e = fsError(errno('EROFS', 'read-only file system'), where) as AppError;
    expect(e.message).toBe('read-only file system: writing "a/b.ts" in /data/out (EROFS: read-only file system, write)');
    expect(e.message).not.toContain('permission denied');
    expect((fsError(errno('EACCES', 'permission denied'), where) as AppError).message).toStartWith('permission denied');
  });
});
