import { afterAll, describe, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from './config.ts';
import { dataFolderMessage, openDataFolder } from './data-folder.ts';
import { AppError } from './errors.ts';
import { silentLogger } from './logger.ts';
import { createSystem } from './system.ts';

const base = mkdtempSync(join(tmpdir(), 'mpr-data-folder-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const failure = (f: () => unknown): AppError => {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
};

describe('the data folder', () => {
  test('a folder the user cannot write: the message names the folder, the uid and gid, and the chown that fixes it', () => {
    const m = dataFolderMessage({ dataDir: '/data', uid: 10001, gid: 10001, notFolder: false, cause: 'SQLiteError: unable to open database file' });
    expect(m).toContain('MPR cannot write its data folder /data (SQLiteError: unable to open database file)');
    expect(m).toContain('runs as uid 10001, gid 10001');
    expect(m).toContain('chown -R 10001:10001 /data');
    expect(m).toContain('bind mount');
    expect(m).toContain('MPR_DATA');
    // No uid on this platform: still a whole sentence, no "uid null".
    expect(dataFolderMessage({ dataDir: 'D', uid: null, gid: null, notFolder: false, cause: 'x' })).not.toContain('null');
  });

  test('a data folder that is a file fails to start with the folder named, not a bare SQLite error', async () => {
    const file = join(base, 'plain-file');
    writeFileSync(file, 'not a folder');
    const e = failure(() => openDataFolder(file));
    expect(e.code).toBe('unavailable');
    expect(e.message).toContain(`MPR cannot use its data folder ${file}: it is a file, not a folder`);
    await expect(createSystem(parseConfig({ MPR_DATA: file }), { logger: silentLogger })).rejects.toThrow(`data folder ${file}`);
  });

  test('an mpr.db that cannot be opened names the file, the user and the fix', () => {
    const dir = join(base, 'db-is-a-folder');
    mkdirSync(join(dir, 'mpr.db'), { recursive: true }); // even root cannot open a folder as a database
    const e = failure(() => openDataFolder(dir));
    expect(e.message).toContain(`MPR cannot write its data folder ${dir} (opening ${join(dir, 'mpr.db')}: SQLiteError: unable to open database file)`);
    expect(e.message).toContain(`runs as uid ${process.getuid!()}, gid ${process.getgid!()}`);
    expect(e.message).toContain(`chown -R ${process.getuid!()}:${process.getgid!()} ${dir}`);
  });

  test('a missing data folder is made, and opens', () => {
    const db = openDataFolder(join(base, 'new/nested'));
    expect(db.query<{ journal_mode: string }, []>('PRAGMA journal_mode').get()?.journal_mode).toBe('wal');
    db.close();
  });
});

/**
 * The container case for real: a folder owned by someone else, opened by a
 * user who may not write it. Root writes anything, so as root the command
 * runs as nobody (setpriv, util-linux); anyone else is refused anyway.
 */
describe('a data folder this user cannot write', () => {
  const MAIN = new URL('./cli/main.ts', import.meta.url).pathname;
  const asOther = (argv: string[]) => (process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv] : argv);
  const otherIds = process.getuid?.() === 0 ? '65534:65534' : `${process.getuid!()}:${process.getgid!()}`;

  test('mpr exits 2 naming the folder, the uid and the chown, not a bare SQLiteError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpr-readonly-'));
    try {
      const data = join(dir, 'data');
      mkdirSync(data, { mode: 0o755 });
      chmodSync(dir, 0o755);
      if (process.getuid?.() !== 0) chmodSync(data, 0o555);
      const p = Bun.spawn(asOther([process.execPath, MAIN, 'events']), {
        env: { ...process.env, MPR_DATA: data, HOME: tmpdir(), REDIS_URL: '' },
        stdout: 'pipe',
        stderr: 'pipe',
      });
      const [stderr, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
      expect(code).toBe(2);
      expect(stderr).toContain(`MPR cannot write its data folder ${data}`);
      expect(stderr).toContain(`chown -R ${otherIds} ${data}`);
      expect(stderr).not.toContain('    at '); // a sentence, not a stack trace
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
