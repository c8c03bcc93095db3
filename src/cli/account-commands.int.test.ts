/**
 * `mpr login`, `mpr user …`, `mpr key …` and `mpr logout` as a user runs them:
 * the real CLI in its own process, against a real server on loopback, with
 * passwords piped on stdin and the credentials in a temp config folder.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_ADMIN } from '../../test/auth.ts';
import { testEnv } from '../../test/system.ts';
import { createApp } from '../http/app.ts';
import type { System } from '../system.ts';
import type { ApiKeyDto, UserDto } from '../types/accounts.ts';

const MAIN = new URL('./main.ts', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'mpr-cli-auth-'));
const adminDir = join(home, 'admin', 'mpr'); // not there yet: login makes it
const memberDir = join(home, 'member');
const emptyDir = join(home, 'empty');

interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

const mpr = async (o: { dir: string; stdin?: string; env?: Record<string, string> }, ...args: string[]): Promise<Run> => {
  const p = Bun.spawn(['bun', MAIN, ...args], {
    // The client needs none of the server's settings; MPR_URL/MPR_API_KEY are cleared so the file is what counts.
    env: { ...process.env, MPR_CONFIG_DIR: o.dir, MPR_URL: '', MPR_API_KEY: '', ...o.env },
    stdin: o.stdin === undefined ? 'ignore' : new Blob([o.stdin]),
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { stdout, stderr, code };
};
const ok = (r: Run): Run => {
  if (r.code !== 0) throw new Error(`mpr exited ${r.code}:\n${r.stderr}`);
  return r;
};
const refused = (r: Run, sentence: string | RegExp) => {
  expect(r.code).toBe(2);
  if (typeof sentence === 'string') expect(r.stderr).toContain(sentence);
  else expect(r.stderr).toMatch(sentence);
};

describe('mpr login, user, key, logout against a server', () => {
  const env = testEnv('sqlite', 'cli-auth');
  let s: System;
  let server: ReturnType<typeof Bun.serve>;
  let url: string;
  const admin = (...args: string[]) => mpr({ dir: adminDir }, ...args);
  const member = (...args: string[]) => mpr({ dir: memberDir }, ...args);
  const MEMBER = 'member@cli.test';
  let oneTime = '';
  /** A raw call with a key, to see what the server thinks of it. */
  const me = (key: string) => fetch(`${url}/api/auth/me`, { headers: { authorization: `Bearer ${key}` } });

  beforeAll(async () => {
    s = await env.boot();
    await s.start();
    const app = createApp(s);
    server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: app.fetch });
    url = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server?.stop(true);
    await env.cleanup();
    rmSync(home, { recursive: true, force: true });
  }, 60_000);

  test('not logged in: exit 2 with the sentence; usage errors are exit 2 too', async () => {
    refused(await admin('user', 'list'), 'mpr: not logged in: run mpr login URL');
    refused(await admin('logout'), 'not logged in: run mpr login URL');
    refused(await admin('login'), 'usage: mpr login URL');
    refused(await admin('user'), 'usage: mpr user add EMAIL');
    refused(await admin('key', 'frob'), 'usage: mpr key create NAME');
    refused(await admin('login', url, '--email', 'x@y', '--password', 'pw'), 'not --password');
    refused(await mpr({ dir: emptyDir, env: { MPR_URL: url } }, 'key', 'list'), 'MPR_URL is set without MPR_API_KEY');
  }, 60_000);

  test('a wrong password, an unreachable server, no password on stdin: exit 2, the reason, nothing stored', async () => {
    refused(await mpr({ dir: adminDir, stdin: 'wrong-password\n' }, 'login', url, '--email', TEST_ADMIN.email), /mpr: .*(password|credentials)/i);
    refused(await mpr({ dir: adminDir, stdin: 'pw\n' }, 'login', 'http://127.0.0.1:1', '--email', 'x@y'), 'cannot reach http://127.0.0.1:1');
    refused(await mpr({ dir: adminDir, stdin: '' }, 'login', url, '--email', 'x@y'), 'no answer to "Password" on stdin');
    expect(existsSync(adminDir)).toBe(false);
  }, 60_000);

  test('login as the admin: a key for the CLI in a 0600 file (folder 0700) that holds no password', async () => {
    const r = ok(await mpr({ dir: adminDir, stdin: `${TEST_ADMIN.password}\n` }, 'login', `${url}/`, '--email', TEST_ADMIN.email));
    const file = join(adminDir, 'credentials.json');
    expect(r.stdout.trim()).toBe(`logged in to ${url} as ${TEST_ADMIN.email} (key ${r.stdout.match(/key (mpr_\S+)…/)![1]}…, saved in ${file})`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(adminDir).mode & 0o777).toBe(0o700);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(TEST_ADMIN.password);
    const stored = JSON.parse(text);
    expect(stored).toMatchObject({ url, email: TEST_ADMIN.email });
    expect(stored.key).toStartWith('mpr_');
    const self = (await (await me(stored.key)).json()) as UserDto;
    expect(self.email).toBe(TEST_ADMIN.email);
    // The CLI keeps the key, not the login's session: that one was ended at once.
    const events = await s.log.readStream(`user:${self.id}`);
    const ids = (type: string) => events.filter((e) => e.type === type).map((e) => (e.data as { sessionId: string }).sessionId);
    expect(ids('SessionStarted')).toHaveLength(1);
    expect(ids('SessionEnded')).toEqual(ids('SessionStarted'));

    const keys = JSON.parse(ok(await admin('key', 'list', '--json')).stdout) as ApiKeyDto[];
    const cli = keys.find((k) => k.id === stored.keyId)!;
    expect(cli.name).toStartWith('cli@');
    expect(cli.scopes.sort()).toEqual(['admin', 'read', 'write']);
  }, 60_000);

  test('user add prints a one-time password; list shows the user, as a table or JSON', async () => {
    const r = ok(await admin('user', 'add', MEMBER));
    expect(r.stdout).toContain(`added ${MEMBER} as member`);
    oneTime = r.stdout.match(/one-time password .*: (\S+)\n/)![1]!;
    expect(oneTime.length).toBeGreaterThan(8);
    refused(await admin('user', 'add', MEMBER), 'mpr: ');

    const users = JSON.parse(ok(await admin('user', 'list', '--json')).stdout) as UserDto[];
    expect(users.find((u) => u.email === MEMBER)).toMatchObject({ role: 'member', disabled: false, mustChangePassword: true });
    const table = ok(await admin('user', 'list')).stdout.split('\n');
    expect(table[0]).toMatch(/^EMAIL\s+ROLE\s+DISABLED\s+MUST CHANGE PASSWORD\s+CREATED$/);
    expect(table.find((l) => l.startsWith(MEMBER))).toMatch(/member\s+-\s+yes\s+\d{4}-/);
  }, 60_000);

  test('a member logs in with the one-time password and chooses a new one; their key is read+write, no admin', async () => {
    const mismatch = await mpr({ dir: memberDir, stdin: `${oneTime}\nnew-member-pass-1\nsomething-else-2\n` }, 'login', url, '--email', MEMBER);
    refused(mismatch, 'the two new passwords differ');
    const r = ok(await mpr({ dir: memberDir, stdin: `${oneTime}\nnew-member-pass-1\nnew-member-pass-1\n` }, 'login', url, '--email', MEMBER));
    expect(r.stdout).toContain(`logged in to ${url} as ${MEMBER}`);
    expect(r.stderr).toContain('choose a new one');
    const keys = JSON.parse(ok(await member('key', 'list', '--json')).stdout) as ApiKeyDto[];
    expect(keys.map((k) => k.scopes.sort())).toEqual([['read', 'write']]);
    refused(await member('user', 'list'), /mpr: .*admin/);
    // Logging in again replaces the stored key: the old one is revoked, not left behind.
    ok(await mpr({ dir: memberDir, stdin: 'new-member-pass-1\n' }, 'login', url, '--email', MEMBER));
    const again = JSON.parse(ok(await member('key', 'list', '--json')).stdout) as ApiKeyDto[];
    expect(again.map((k) => k.revoked).sort()).toEqual([false, true]);
    const users = JSON.parse(ok(await admin('user', 'list', '--json')).stdout) as UserDto[];
    expect(users.find((u) => u.email === MEMBER)!.mustChangePassword).toBe(false);
  }, 60_000);

  test("disable: the member's key and logins are refused; enable lets them back", async () => {
    expect(ok(await admin('user', 'disable', MEMBER)).stdout).toContain(`disabled ${MEMBER}`);
    refused(await member('key', 'list'), new RegExp(`the stored key was refused \\(.*\\): run mpr login ${url} again`));
    refused(await mpr({ dir: memberDir, stdin: 'new-member-pass-1\n' }, 'login', url, '--email', MEMBER), 'disabled');
    const users = JSON.parse(ok(await admin('user', 'list', '--json')).stdout) as UserDto[];
    expect(users.find((u) => u.email === MEMBER)!.disabled).toBe(true);
    ok(await admin('user', 'enable', MEMBER));
    ok(await member('key', 'list'));
    refused(await admin('user', 'disable', 'nobody@cli.test'), 'no user nobody@cli.test');
  }, 60_000);

  test('key create prints the key once, alone on stdout; list shows it; revoke refuses it from then on', async () => {
    const made = ok(await admin('key', 'create', 'ci', '--scopes', 'read', '--expires', '2099-01-01'));
    const key = made.stdout.trim();
    expect(key).toMatch(/^mpr_\S+$/);
    expect(made.stderr).toContain('created key "ci"');
    expect((await me(key)).status).toBe(200);
    // MPR_URL + MPR_API_KEY win over the file (here there is none).
    const viaEnv = ok(await mpr({ dir: emptyDir, env: { MPR_URL: url, MPR_API_KEY: key } }, 'key', 'list', '--json'));
    const ci = (JSON.parse(viaEnv.stdout) as ApiKeyDto[]).find((k) => k.name === 'ci')!;
    expect(ci).toMatchObject({ scopes: ['read'], expiresAt: '2099-01-01T00:00:00.000Z', revoked: false });
    expect(ok(await admin('key', 'list')).stdout).toMatch(new RegExp(`${ci.id}\\s+ci\\s+${ci.prefix}…\\s+read\\s`));

    expect(ok(await admin('key', 'revoke', ci.id)).stdout).toContain(`revoked key ${ci.id}`);
    expect((await me(key)).status).toBe(401);
    refused(
      await mpr({ dir: emptyDir, env: { MPR_URL: url, MPR_API_KEY: key } }, 'key', 'list'),
      `MPR_API_KEY was refused by ${url} (this API key was revoked)`,
    );
    refused(await admin('key', 'revoke', 'no-such-key'), 'no key no-such-key');
    refused(await admin('key', 'create', 'bad', '--scopes', 'root'), '--scopes');
    refused(await admin('key', 'create', 'bad', '--expires', 'soon'), '--expires needs an ISO date');
  }, 60_000);

  test('signing-key rotate: admins only; what the old key signed stays good, or is refused with --revoke-old', async () => {
    refused(await member('signing-key', 'rotate'), "this key's scopes (read, write) do not include admin");
    refused(await admin('signing-key'), 'usage: mpr signing-key rotate');
    const login = async () => {
      const r = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: TEST_ADMIN.email, password: TEST_ADMIN.password }),
      });
      return ((await r.json()) as { accessToken: string }).accessToken;
    };
    const token = await login();
    const kept = ok(await admin('signing-key', 'rotate')).stdout;
    expect(kept).toMatch(/^new signing key \S+; tokens and links signed before stay good until \d{4}-/);
    expect((await me(token)).status).toBe(200);
    const after = await login();
    expect(ok(await admin('signing-key', 'rotate', '--revoke-old')).stdout).toContain('is refused from now on');
    expect((await me(token)).status).toBe(401);
    expect((await me(after)).status).toBe(401);
    // API keys are not signed by it: the CLI's key goes on working.
    expect(ok(await admin('key', 'list', '--json')).stdout).toContain('"name"');
  }, 60_000);

  test('user remove; logout revokes the stored key and removes the file', async () => {
    const memberKey = JSON.parse(readFileSync(join(memberDir, 'credentials.json'), 'utf8')).key as string;
    ok(await admin('user', 'remove', MEMBER));
    expect((await me(memberKey)).status).toBe(401);

    const file = join(adminDir, 'credentials.json');
    const adminKey = JSON.parse(readFileSync(file, 'utf8')).key as string;
    const out = ok(await admin('logout'));
    expect(out.stdout).toContain(`logged out of ${url}`);
    expect(out.stdout).toContain('revoked');
    expect(existsSync(file)).toBe(false);
    expect((await me(adminKey)).status).toBe(401);
    refused(await admin('key', 'list'), 'not logged in: run mpr login URL');

    // The member's key was refused already (their account is gone): logout still clears the file.
    const gone = ok(await member('logout'));
    expect(gone.stdout).toContain('already refused');
    expect(existsSync(join(memberDir, 'credentials.json'))).toBe(false);
  }, 60_000);
});
