/**
 * Credentials for tests that exercise routes other than auth: an admin
 * account and an API key with every scope, made through the real accounts
 * service (no bypass of the guard), and a `handle` that sends it.
 */
import type { Principal } from '../src/auth/index.ts';
import { findUserByEmail } from '../src/projections/users.ts';
import type { System } from '../src/system.ts';

const ADMIN = { email: 'test-admin@mpr.test', password: 'test-admin-password' };

/** The admin's principal, as the guard would make it. */
const adminPrincipal = async (s: System): Promise<Principal> => {
  await s.auth.accounts.ensureFirstAdmin(ADMIN);
  const u = findUserByEmail(s.db, ADMIN.email);
  if (!u) throw new Error(`no admin ${ADMIN.email}: another first admin was made before (use adminKey before any other account)`);
  return { userId: u.id, role: 'admin', scopes: ['read', 'write', 'admin'], via: 'session', sessionId: null, keyId: null, mustChangePassword: false };
};

const keys = new WeakMap<System, Promise<string>>();

/**
 * An API key of the test admin with every scope, made once per system (its
 * events, UserCreated and ApiKeyCreated, are in the log from then on: a test
 * that reads the whole log calls this before appending its own events).
 */
export const adminKey = (s: System): Promise<string> => {
  let k = keys.get(s);
  if (!k) {
    k = adminPrincipal(s).then(async (p) => (await s.auth.accounts.createKey(p, { name: 'tests', scopes: ['admin'] })).key);
    keys.set(s, k);
  }
  return k;
};

/** Headers that authenticate as the test admin. */
export const adminHeaders = async (s: System): Promise<Record<string, string>> => ({ authorization: `Bearer ${await adminKey(s)}` });

/**
 * The same app, whose `handle` sends the test admin's key with every request
 * that does not carry an Authorization of its own: for tests of what routes
 * do, through the real guard.
 */
export const signedIn = async <A extends { handle(r: Request): Promise<Response> }>(s: System, app: A): Promise<A> => {
  const key = await adminKey(s);
  const handle = app.handle.bind(app);
  const wrapped = Object.create(app) as A;
  wrapped.handle = (r: Request) => {
    if (!r.headers.has('authorization')) r.headers.set('authorization', `Bearer ${key}`);
    return handle(r);
  };
  return wrapped;
};

export { ADMIN as TEST_ADMIN };
