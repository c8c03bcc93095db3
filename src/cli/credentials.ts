/**
 * Where the CLI keeps what `mpr login` made: an API key for one server, in
 * `credentials.json` under the user's config folder, readable by its owner
 * only. Scripts and CI can skip the file with MPR_URL + MPR_API_KEY.
 *
 * These two variables are the CLI's client settings, read here on purpose
 * and not by src/config.ts, which is the server's configuration: a client
 * command must work where the server's variables are unset or belong to
 * another installation.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { AppError, errorMessage } from '../errors.ts';

export type CliEnv = Readonly<Record<string, string | undefined>>;

/** What `mpr login` stores. `keyId` lets `mpr logout` revoke the key without a lookup (absent in a hand-written file). */
export interface Credentials {
  url: string;
  key: string;
  email: string;
  keyId?: string;
}

/** Credentials in use, and where they came from (for the sentences that name it). */
export interface ResolvedCredentials extends Credentials {
  source: { kind: 'env' } | { kind: 'file'; path: string };
}

export const NOT_LOGGED_IN = 'not logged in: run mpr login URL';

const set = (env: CliEnv, name: string): string | undefined => {
  const v = env[name]?.trim();
  return v ? v : undefined;
};

/** `$MPR_CONFIG_DIR`, else `$XDG_CONFIG_HOME/mpr`, else `~/.config/mpr`. A relative XDG_CONFIG_HOME is ignored, as the XDG spec says. */
export const configDir = (env: CliEnv): string => {
  const own = set(env, 'MPR_CONFIG_DIR');
  if (own) return resolve(own);
  const xdg = set(env, 'XDG_CONFIG_HOME');
  if (xdg && isAbsolute(xdg)) return join(xdg, 'mpr');
  return join(set(env, 'HOME') ?? homedir(), '.config', 'mpr');
};

export const credentialsPath = (env: CliEnv): string => join(configDir(env), 'credentials.json');

/** A server URL as given to `mpr login`: http(s) only, no trailing slash (paths are appended to it). */
export const normalizeUrl = (raw: string): string => {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new AppError('validation', `"${raw}" is not a URL: give the server's address, e.g. http://localhost:8080`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AppError('validation', `"${raw}": the server's URL starts with http:// or https://`);
  if (u.username || u.password) throw new AppError('validation', `"${raw}": leave the credentials out of the URL; mpr login asks for them`);
  if (u.search || u.hash) throw new AppError('validation', `"${raw}": the server's URL has no query or fragment`);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
};

const parseFile = (path: string, text: string): Credentials => {
  const broken = (why: string) => new AppError('validation', `${path} is not a credentials file (${why}): run mpr login URL again`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw broken(`not JSON: ${errorMessage(e)}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw broken('expected an object { url, key, email }');
  const o = v as Record<string, unknown>;
  for (const f of ['url', 'key', 'email'] as const) if (typeof o[f] !== 'string' || o[f] === '') throw broken(`"${f}" is missing or not a string`);
  if (o.keyId !== undefined && typeof o.keyId !== 'string') throw broken('"keyId" is not a string');
  let url: string;
  try {
    url = normalizeUrl(o.url as string);
  } catch (e) {
    throw broken(errorMessage(e));
  }
  return { url, key: o.key as string, email: o.email as string, ...(o.keyId ? { keyId: o.keyId as string } : {}) };
};

/** The stored file, or null when there is none; a file that cannot be read or parsed throws a sentence naming it. */
export const readCredentialsFile = (path: string): Credentials | null => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AppError('validation', `cannot read ${path}: ${errorMessage(e)}`);
  }
  return parseFile(path, text);
};

/** The credentials a command uses: MPR_URL + MPR_API_KEY when both are set, else the file `mpr login` wrote. */
export const resolveCredentials = (env: CliEnv): ResolvedCredentials => {
  const url = set(env, 'MPR_URL');
  const key = set(env, 'MPR_API_KEY');
  if (url && key) return { url: normalizeUrl(url), key, email: '(MPR_API_KEY)', source: { kind: 'env' } };
  if (url || key)
    throw new AppError(
      'validation',
      `${url ? 'MPR_URL' : 'MPR_API_KEY'} is set without ${url ? 'MPR_API_KEY' : 'MPR_URL'}: set both, or neither to use mpr login's`,
    );
  const path = credentialsPath(env);
  const c = readCredentialsFile(path);
  if (!c) throw new AppError('unauthorized', NOT_LOGGED_IN);
  return { ...c, source: { kind: 'file', path } };
};

/**
 * Writes the file readable by its owner only (folder 0700, file 0600), and
 * atomically: a temp file in the same folder renamed over the old one, so
 * a crash leaves the old credentials or the new ones, never half of either.
 */
export const saveCredentials = (path: string, c: Credentials): void => {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.credentials.${process.pid}.${Date.now()}.tmp`);
  try {
    // 'wx': never write through a file (or link) someone put there; the mode applies on creation.
    writeFileSync(tmp, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(tmp, 0o600); // the umask can only take bits away, but say it outright
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new AppError('validation', `cannot save the credentials in ${path}: ${errorMessage(e)}`);
  }
};

/** Removes the file; false when there was none. */
export const removeCredentials = (path: string): boolean => {
  try {
    rmSync(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new AppError('validation', `cannot remove ${path}: ${errorMessage(e)}`);
  }
};
