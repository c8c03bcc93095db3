import { expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nonFileAt } from './file-kind.ts';

test("nonFileAt names what took a file's place: a FIFO, a folder, a device", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpr-file-kind-'));
  const fifo = join(dir, 'pipe.mp4');
  expect(Bun.spawnSync(['mkfifo', fifo]).exitCode).toBe(0);
  mkdirSync(join(dir, 'folder.mp4'));
  writeFileSync(join(dir, 'real.mp4'), 'x');
  expect(await nonFileAt(fifo)).toBe('a FIFO (named pipe)');
  expect(await nonFileAt(join(dir, 'folder.mp4'))).toBe('a folder');
  expect(await nonFileAt('/dev/null')).toBe('a character device');
  expect(await nonFileAt(join(dir, 'real.mp4'))).toBeNull();
  expect(await nonFileAt(join(dir, 'absent.mp4'))).toBeNull();
});
