/**
 * The commands that talk to a server as a user: `mpr login` (stores an API
 * key for the CLI), `mpr logout`, `mpr user …` (admins) and `mpr key …`.
 * Each takes its environment, output and prompter as arguments; refusals
 * are AppErrors carrying the server's sentence (main.ts prints them, exit 2).
 */
import { hostname } from 'node:os';
import { scopesOfRole } from '../auth/policy.ts';
import { AppError, errorMessage, isAppError } from '../errors.ts';
import { SCOPES } from '../events/user.ts';
import type { AccessGrant, ApiKeyDto, ApiKeyList, CreatedKey, CreatedUser, Role, Scope, SigningKeyRotated, UserDto, UserList } from '../types/accounts.ts';
import { type Client, createClient } from './client.ts';
import {
  type CliEnv,
  credentialsPath,
  NOT_LOGGED_IN,
  normalizeUrl,
  readCredentialsFile,
  removeCredentials,
  resolveCredentials,
  saveCredentials,
} from './credentials.ts';
import { type Prompter, stdinPrompter } from './prompt.ts';

export interface AccountDeps {
  env: CliEnv;
  /** Results (stdout). */
  out: (s: string) => void;
  /** Questions and notes (stderr). */
  err: (s: string) => void;
  /** Made on first use: only login reads stdin. */
  prompter?: () => Prompter;
  hostname?: string;
  fetch?: (r: Request) => Promise<Response>;
}

export interface AccountFlags {
  email?: string;
  role?: string;
  password?: string;
  scopes?: string;
  expires?: string;
  json?: boolean;
  'revoke-old'?: boolean;
}

const usage = (s: string) => new AppError('validation', `usage: ${s}`);

/** A client with the stored (or MPR_API_KEY) credentials. */
export const signedIn = (d: { env: CliEnv; fetch?: (r: Request) => Promise<Response> }): Client => {
  const c = resolveCredentials(d.env);
  return createClient({
    url: c.url,
    bearer: c.key,
    fetch: d.fetch,
    refused: c.source.kind === 'env' ? (why) => `MPR_API_KEY was refused by ${c.url} (${why})` : undefined,
  });
};

const refreshCookie = (h: Headers): string | null => /(?:^|[;,]\s*)mpr_refresh=([^;,]+)/.exec(h.get('set-cookie') ?? '')?.[1] ?? null;

/** `mpr login URL [--email E]`. */
export const loginCommand = async (d: AccountDeps, a: { url: string; email?: string }) => {
  const url = normalizeUrl(a.url);
  const path = credentialsPath(d.env);
  let previous: ReturnType<typeof readCredentialsFile> = null;
  try {
    previous = readCredentialsFile(path);
  } catch {
    // A broken file is replaced below; nothing in it to revoke.
  }
  const ask = (d.prompter ?? (() => stdinPrompter(d.err)))();
  const email = (a.email ?? (await ask.ask('Email: '))).trim();
  if (!email) throw usage('mpr login URL [--email EMAIL]: an email is needed');
  const password = await ask.askHidden('Password: ');
  if (!password) throw new AppError('validation', 'no password given');

  const open = createClient({ url, bearer: null, fetch: d.fetch });
  const login = await open.send<AccessGrant>('POST', '/api/auth/login', { body: { email, password } });
  let grant = login.body;
  let cookie = refreshCookie(login.headers);
  const session = () => createClient({ url, bearer: grant.accessToken, fetch: d.fetch, refused: (why) => `${url} refused the new session (${why})` });
  try {
    if (grant.user.mustChangePassword) {
      d.err('The password in use was generated for you: choose a new one.');
      const next = await ask.askHidden('New password: ');
      if ((await ask.askHidden('New password again: ')) !== next) throw new AppError('validation', 'the two new passwords differ; nothing was changed');
      const changed = await session().send<AccessGrant>('POST', '/api/auth/password', { body: { currentPassword: password, newPassword: next } });
      grant = changed.body;
      cookie = refreshCookie(changed.headers) ?? cookie;
    }
    const s = session();
    const made = await s.post<CreatedKey>('/api/keys', { name: `cli@${d.hostname ?? hostname()}`, scopes: scopesOfRole(grant.user.role) });
    try {
      saveCredentials(path, { url, key: made.key, email: grant.user.email, keyId: made.id });
    } catch (e) {
      await s.del(`/api/keys/${encodeURIComponent(made.id)}`).catch(() => undefined);
      throw e;
    }
    // A new login replaces the key an earlier one stored for the same account here; best effort (it may be gone already).
    if (previous?.keyId && previous.url === url && previous.email === grant.user.email) {
      await s.del(`/api/keys/${encodeURIComponent(previous.keyId)}`).catch(() => undefined);
    }
    d.out(`logged in to ${url} as ${grant.user.email} (key ${made.prefix}…, saved in ${path})`);
  } finally {
    // The CLI keeps the key, not the session: end it now rather than leave it open until it expires.
    if (cookie) await open.send('POST', '/api/auth/logout', { headers: { cookie: `mpr_refresh=${cookie}` } }).catch(() => undefined);
  }
};

/** The id of the stored key, for a file written without one: the one unrevoked key whose prefix it starts with. */
const storedKeyId = async (c: Client, key: string, path: string): Promise<string> => {
  const { items } = await c.get<ApiKeyList>('/api/keys');
  const mine = items.filter((k) => !k.revoked && key.startsWith(k.prefix));
  if (mine.length !== 1) {
    throw new AppError('not_found', `cannot tell which of your keys ${path} holds: revoke it with mpr key revoke ID, then remove ${path}`);
  }
  return mine[0]!.id;
};

/** `mpr logout`: revokes the stored key on the server and removes the file. */
export const logoutCommand = async (d: AccountDeps) => {
  const path = credentialsPath(d.env);
  const c = readCredentialsFile(path);
  if (!c) {
    const env = d.env.MPR_URL && d.env.MPR_API_KEY ? ' (MPR_URL and MPR_API_KEY are set: unset them, or revoke that key with mpr key revoke ID)' : '';
    throw new AppError('unauthorized', `${NOT_LOGGED_IN}${env}`);
  }
  const client = createClient({ url: c.url, bearer: c.key, fetch: d.fetch, refused: (why) => why });
  const shown = `${c.key.slice(0, 10)}…`;
  let what: string;
  try {
    await client.del(`/api/keys/${encodeURIComponent(c.keyId ?? (await storedKeyId(client, c.key, path)))}`);
    what = 'revoked';
  } catch (e) {
    // A key the server refuses already (revoked, expired, its user removed) has nothing left to revoke.
    if (!isAppError(e, 'unauthorized')) {
      throw new AppError(
        isAppError(e) ? e.code : 'unavailable',
        `${errorMessage(e)}; the key still works and ${path} is kept: run mpr logout again once ${c.url} answers`,
      );
    }
    what = `already refused: ${errorMessage(e)}`;
  }
  removeCredentials(path);
  d.out(`logged out of ${c.url} (key ${shown} ${what}; ${path} removed)`);
};

const when = (iso: string | null, none: string) => (iso ? iso.replace(/\.\d+Z$/, 'Z') : none);

/** Columns padded to their widest cell. */
export const table = (head: string[], rows: string[][]): string[] => {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(width[i]!))).join('  '));
};

const allUsers = async (c: Client): Promise<UserDto[]> => {
  const users: UserDto[] = [];
  for (;;) {
    const page = await c.get<UserList>(`/api/users?limit=500&offset=${users.length}`);
    users.push(...page.items);
    if (page.items.length === 0 || users.length >= page.total) return users;
  }
};

const userByEmail = async (c: Client, email: string): Promise<UserDto> => {
  const want = email.trim().toLowerCase();
  const u = (await allUsers(c)).find((x) => x.email.toLowerCase() === want);
  if (!u) throw new AppError('not_found', `no user ${email} on ${c.url}`);
  return u;
};

export const userCommand = async (d: AccountDeps, sub: string | undefined, args: string[], f: AccountFlags) => {
  const USAGE = 'mpr user add EMAIL [--role admin|member] [--password P] | list [--json] | disable EMAIL | enable EMAIL | remove EMAIL';
  switch (sub) {
    case 'add': {
      if (!args[0]) throw usage('mpr user add EMAIL [--role admin|member] [--password P]');
      const body = { email: args[0], ...(f.role ? { role: f.role as Role } : {}), ...(f.password !== undefined ? { password: f.password } : {}) };
      const u = await signedIn(d).post<CreatedUser>('/api/users', body);
      if (f.json) return d.out(JSON.stringify(u, null, 2));
      d.out(`added ${u.email} as ${u.role}`);
      if (u.password) d.out(`one-time password (shown this once; it must be changed at the first login): ${u.password}`);
      return;
    }
    case 'list': {
      const users = await allUsers(signedIn(d));
      if (f.json) return d.out(JSON.stringify(users, null, 2));
      if (users.length === 0) return d.out('no users');
      const rows = users.map((u) => [u.email, u.role, u.disabled ? 'disabled' : '-', u.mustChangePassword ? 'yes' : '-', when(u.createdAt, '-')]);
      for (const line of table(['EMAIL', 'ROLE', 'DISABLED', 'MUST CHANGE PASSWORD', 'CREATED'], rows)) d.out(line);
      return;
    }
    case 'disable':
    case 'enable': {
      if (!args[0]) throw usage(`mpr user ${sub} EMAIL`);
      const c = signedIn(d);
      const u = await userByEmail(c, args[0]);
      await c.patch<UserDto>(`/api/users/${encodeURIComponent(u.id)}`, { disabled: sub === 'disable' });
      return d.out(sub === 'disable' ? `disabled ${u.email}: their sessions and keys are refused from now on` : `enabled ${u.email}`);
    }
    case 'remove': {
      if (!args[0]) throw usage('mpr user remove EMAIL');
      const c = signedIn(d);
      const u = await userByEmail(c, args[0]);
      await c.del(`/api/users/${encodeURIComponent(u.id)}`);
      return d.out(`removed ${u.email}, their sessions and keys`);
    }
    default:
      throw usage(USAGE);
  }
};

const parseScopes = (raw: string | undefined): Scope[] => {
  const list = (raw ?? 'read,write')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.filter((s) => !SCOPES.includes(s as Scope));
  if (list.length === 0 || bad.length) throw new AppError('validation', `--scopes: a comma-separated list of ${SCOPES.join(', ')}, got "${raw}"`);
  return list as Scope[];
};

const parseExpiry = (raw: string | undefined): string | undefined => {
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  if (!Number.isFinite(ms)) throw new AppError('validation', `--expires needs an ISO date or time (2030-01-31, 2030-01-31T12:00:00Z), got "${raw}"`);
  return new Date(ms).toISOString();
};

const keyLine = (k: ApiKeyDto) => [
  k.id,
  k.name,
  `${k.prefix}…`,
  k.scopes.join(','),
  when(k.createdAt, '-'),
  when(k.expiresAt, 'never'),
  when(k.lastUsedAt, 'never'),
  k.revoked ? 'revoked' : '-',
];

export const keyCommand = async (d: AccountDeps, sub: string | undefined, args: string[], f: AccountFlags) => {
  switch (sub) {
    case 'create': {
      if (!args[0]) throw usage('mpr key create NAME [--scopes read,write] [--expires ISO]');
      const body = { name: args[0], scopes: parseScopes(f.scopes), ...(f.expires !== undefined ? { expiresAt: parseExpiry(f.expires) } : {}) };
      const k = await signedIn(d).post<CreatedKey>('/api/keys', body);
      if (f.json) return d.out(JSON.stringify(k, null, 2));
      // The key alone on stdout, so `KEY=$(mpr key create ci)` works; the rest is for the person.
      d.err(`created key "${k.name}" (id ${k.id}, scopes ${k.scopes.join(',')}, expires ${when(k.expiresAt, 'never')}); store it now, it is not shown again:`);
      return d.out(k.key);
    }
    case 'list': {
      const { items } = await signedIn(d).get<ApiKeyList>('/api/keys');
      if (f.json) return d.out(JSON.stringify(items, null, 2));
      if (items.length === 0) return d.out('no keys');
      for (const line of table(['ID', 'NAME', 'PREFIX', 'SCOPES', 'CREATED', 'EXPIRES', 'LAST USED', 'REVOKED'], items.map(keyLine))) d.out(line);
      return;
    }
    case 'revoke': {
      if (!args[0]) throw usage('mpr key revoke ID');
      await signedIn(d).del(`/api/keys/${encodeURIComponent(args[0])}`);
      return d.out(`revoked key ${args[0]}`);
    }
    default:
      throw usage('mpr key create NAME [--scopes read,write] [--expires ISO] | list [--json] | revoke ID');
  }
};

/** `mpr signing-key rotate [--revoke-old]` (admins): a new secret for access tokens and signed URLs. */
export const signingKeyCommand = async (d: AccountDeps, sub: string | undefined, f: AccountFlags) => {
  if (sub !== 'rotate') throw usage('mpr signing-key rotate [--revoke-old]');
  const r = await signedIn(d).post<SigningKeyRotated>('/api/admin/signing-key/rotate', { revokeOld: f['revoke-old'] === true });
  if (f.json) return d.out(JSON.stringify(r, null, 2));
  d.out(
    r.oldValidUntil
      ? `new signing key ${r.kid}; tokens and links signed before stay good until ${r.oldValidUntil}`
      : `new signing key ${r.kid}; every token and link signed before is refused from now on (browsers log in again by themselves)`,
  );
};

export const ACCOUNT_COMMANDS: readonly string[] = ['login', 'logout', 'user', 'key', 'signing-key'];

/** Dispatch for main.ts: `command` is one of ACCOUNT_COMMANDS, `rest` the positionals after it. */
export const accountCommand = async (d: AccountDeps, command: string, rest: string[], f: AccountFlags): Promise<void> => {
  switch (command) {
    case 'login':
      if (!rest[0] || rest.length > 1) throw usage('mpr login URL [--email EMAIL]');
      if (f.password !== undefined) {
        throw new AppError(
          'validation',
          'mpr login asks for the password (or reads it from stdin: printf "%s\\n" "$PW" | mpr login URL --email E), not --password',
        );
      }
      return loginCommand(d, { url: rest[0], email: f.email });
    case 'logout':
      return logoutCommand(d);
    case 'user':
      return userCommand(d, rest[0], rest.slice(1), f);
    case 'key':
      return keyCommand(d, rest[0], rest.slice(1), f);
    case 'signing-key':
      return signingKeyCommand(d, rest[0], f);
    default:
      throw new AppError('validation', `not an account command: ${command}`);
  }
};
