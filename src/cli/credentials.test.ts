import { afterAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppError } from '../errors.ts';
import { configDir, credentialsPath, normalizeUrl, readCredentialsFile, removeCredentials, resolveCredentials, saveCredentials } from './credentials.ts';
import { lineReader, pipedPrompter } from './prompt.ts';

const root = mkdtempSync(join(tmpdir(), 'mpr-cred-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `case-${++n}`);

const thrown = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
};

describe('where the credentials live', () => {
  test('MPR_CONFIG_DIR, else $XDG_CONFIG_HOME/mpr, else ~/.config/mpr', () => {
    expect(configDir({ MPR_CONFIG_DIR: '/etc/x', XDG_CONFIG_HOME: '/xdg', HOME: '/home/a' })).toBe('/etc/x');
    expect(configDir({ XDG_CONFIG_HOME: '/xdg', HOME: '/home/a' })).toBe('/xdg/mpr');
    expect(configDir({ HOME: '/home/a' })).toBe('/home/a/.config/mpr');
    expect(credentialsPath({ HOME: '/home/a' })).toBe('/home/a/.config/mpr/credentials.json');
  });

  test('empty values count as unset; a relative XDG_CONFIG_HOME is ignored (the XDG spec); a relative MPR_CONFIG_DIR is made absolute', () => {
    expect(configDir({ MPR_CONFIG_DIR: '', XDG_CONFIG_HOME: ' ', HOME: '/home/a' })).toBe('/home/a/.config/mpr');
    expect(configDir({ XDG_CONFIG_HOME: 'rel/xdg', HOME: '/home/a' })).toBe('/home/a/.config/mpr');
    expect(configDir({ MPR_CONFIG_DIR: 'conf' })).toBe(join(process.cwd(), 'conf'));
  });

  test('server URLs: http(s) only, no trailing slash, a path prefix kept', () => {
    expect(normalizeUrl('http://localhost:8080/')).toBe('http://localhost:8080');
    expect(normalizeUrl(' https://mpr.example.com/base// ')).toBe('https://mpr.example.com/base');
    expect(thrown(() => normalizeUrl('localhost:8080')).message).toContain('http:// or https://');
    expect(thrown(() => normalizeUrl('not a url')).message).toContain('is not a URL');
    expect(thrown(() => normalizeUrl('http://u:p@h/')).message).toContain('leave the credentials out');
  });
});

describe('the credentials file', () => {
  test('saved owner-only (file 0600, new folder 0700), atomically (no temp file left), read back', () => {
    const dir = join(fresh(), 'nested', 'mpr');
    const path = join(dir, 'credentials.json');
    saveCredentials(path, { url: 'http://h:1', key: 'mpr_k', email: 'a@b', keyId: 'id1' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readCredentialsFile(path)).toEqual({ url: 'http://h:1', key: 'mpr_k', email: 'a@b', keyId: 'id1' });
    saveCredentials(path, { url: 'http://h:2', key: 'mpr_k2', email: 'a@b' });
    expect(readCredentialsFile(path)).toEqual({ url: 'http://h:2', key: 'mpr_k2', email: 'a@b' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['credentials.json']);
  });

  test('a file loosened by hand is written back owner-only', () => {
    const dir = fresh();
    mkdirSync(dir);
    const path = join(dir, 'credentials.json');
    writeFileSync(path, '{}', { mode: 0o644 });
    saveCredentials(path, { url: 'http://h', key: 'k', email: 'e' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  test('missing: null from the file reader, "not logged in" from resolve (an unauthorized AppError)', () => {
    const dir = fresh();
    expect(readCredentialsFile(join(dir, 'credentials.json'))).toBeNull();
    const e = thrown(() => resolveCredentials({ MPR_CONFIG_DIR: dir }));
    expect(isAppError(e, 'unauthorized')).toBe(true);
    expect(e.message).toBe('not logged in: run mpr login URL');
  });

  test('malformed: a sentence that names the file and says what to do', () => {
    const dir = fresh();
    mkdirSync(dir);
    const path = join(dir, 'credentials.json');
    for (const [text, why] of [
      ['{nope', 'not JSON'],
      ['[]', 'expected an object'],
      ['{"url":"http://h","email":"e"}', '"key" is missing'],
      ['{"url":"ftp://h","key":"k","email":"e"}', 'http:// or https://'],
    ] as const) {
      writeFileSync(path, text);
      const e = thrown(() => resolveCredentials({ MPR_CONFIG_DIR: dir }));
      expect(isAppError(e, 'validation')).toBe(true);
      expect(e.message).toContain(why);
      expect(e.message).toContain(path);
    }
  });

  test('MPR_URL + MPR_API_KEY, both set, win over the file; one alone is an error', () => {
    const dir = fresh();
    saveCredentials(join(dir, 'credentials.json'), { url: 'http://file', key: 'file-key', email: 'e' });
    expect(resolveCredentials({ MPR_CONFIG_DIR: dir })).toMatchObject({ url: 'http://file', key: 'file-key', source: { kind: 'file' } });
    expect(resolveCredentials({ MPR_CONFIG_DIR: dir, MPR_URL: 'http://env/', MPR_API_KEY: 'env-key' })).toMatchObject({
      url: 'http://env',
      key: 'env-key',
      source: { kind: 'env' },
    });
    expect(thrown(() => resolveCredentials({ MPR_CONFIG_DIR: dir, MPR_URL: 'http://env' })).message).toContain('MPR_URL is set without MPR_API_KEY');
    expect(resolveCredentials({ MPR_CONFIG_DIR: dir, MPR_URL: '', MPR_API_KEY: '' }).source.kind).toBe('file');
  });

  test('remove: true when there was a file, false when there was none', () => {
    const path = join(fresh(), 'credentials.json');
    saveCredentials(path, { url: 'http://h', key: 'k', email: 'e' });
    expect(readFileSync(path, 'utf8')).toContain('"key": "k"');
    expect(removeCredentials(path)).toBe(true);
    expect(removeCredentials(path)).toBe(false);
  });
});

describe('answers from a pipe', () => {
  const streamOf = (...chunks: string[]) =>
    new ReadableStream<Uint8Array>({
      start(c) {
        for (const ch of chunks) c.enqueue(new TextEncoder().encode(ch));
        c.close();
      },
    });

  test('one line per question, across chunk boundaries, CRLF and a last line without a newline', async () => {
    const next = lineReader(streamOf('fir', 'st\r\nsecond\n\nla', 'st'));
    expect([await next(), await next(), await next(), await next(), await next()]).toEqual(['first', 'second', '', 'last', null]);
  });

  test('a question with nothing left to read says so', async () => {
    const asked: string[] = [];
    const p = pipedPrompter(streamOf('pw\n'), (s) => asked.push(s));
    expect(await p.askHidden('Password: ')).toBe('pw');
    await expect(p.askHidden('New password: ')).rejects.toThrow('no answer to "New password" on stdin');
    expect(asked).toEqual(['Password: ', 'New password: ']);
  });
});
