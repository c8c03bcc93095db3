/**
 * Who may call what, decided from the method and path alone, before any
 * route is matched: so a route added later is closed by default, and an
 * unknown path under /api answers 401 to a stranger rather than saying
 * whether it exists. Pure.
 */
import type { Role, Scope } from '../events/user.ts';

/** Who is calling, once authenticated. */
export interface Principal {
  userId: string;
  role: Role;
  /** What this credential may do: a session gets its role's scopes, a key its own (never more than its user's role allows). */
  scopes: Scope[];
  via: 'session' | 'key' | 'ticket';
  sessionId: string | null;
  keyId: string | null;
  /** A generated password is in use: only the password change and the calls around it are open. */
  mustChangePassword: boolean;
}

export type Need =
  /** Open to anyone (the handler may check a credential of its own, e.g. the refresh cookie). */
  { open: true } | { open: false; scope: Scope };

/** Routes anyone may call. */
const OPEN: readonly (readonly [string, string])[] = [
  ['POST', '/api/auth/login'],
  ['POST', '/api/auth/refresh'],
  // Ends the session its cookie names; works with an expired access token.
  ['POST', '/api/auth/logout'],
  ['GET', '/api/health'],
  ['HEAD', '/api/health'],
];

/** Path prefixes only admins reach. */
const ADMIN_PREFIXES = ['/api/users', '/api/admin'];

/** Path prefixes anyone may read, but only admins change (the dead-letter list). */
const ADMIN_WRITE_PREFIXES = ['/api/work'];

/** Calls open to a user who must first change a generated password. */
const BEFORE_PASSWORD_CHANGE = new Set(['GET /api/auth/me', 'POST /api/auth/password', 'POST /api/auth/logout-all']);

const READS = new Set(['GET', 'HEAD']);

/** Pure: what a request to `path` (no query) needs. Only /api is guarded; the UI's files are public. */
export const needOf = (method: string, path: string): Need | null => {
  if (path !== '/api' && !path.startsWith('/api/')) return null;
  const m = method.toUpperCase();
  if (OPEN.some(([om, op]) => om === m && op === path)) return { open: true };
  // CORS preflights carry no credentials by design; they are answered by the CORS rules alone.
  if (m === 'OPTIONS') return { open: true };
  if (ADMIN_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) return { open: false, scope: 'admin' };
  if (!READS.has(m) && ADMIN_WRITE_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) return { open: false, scope: 'admin' };
  return { open: false, scope: READS.has(m) ? 'read' : 'write' };
};

/** The scopes a role grants. */
export const scopesOfRole = (role: Role): Scope[] => (role === 'admin' ? ['read', 'write', 'admin'] : ['read', 'write']);

/** Whether `have` covers `need`: write implies read, admin implies both. */
export const covers = (have: readonly Scope[], need: Scope): boolean =>
  have.includes('admin') || have.includes(need) || (need === 'read' && have.includes('write'));

/** Pure: whether the principal may make this call (after it was authenticated). */
export const allowed = (p: Principal, method: string, path: string, need: Scope): { ok: true } | { ok: false; why: string } => {
  if (p.mustChangePassword && !BEFORE_PASSWORD_CHANGE.has(`${method.toUpperCase()} ${path}`)) {
    return { ok: false, why: 'choose a new password first (POST /api/auth/password)' };
  }
  if (!covers(p.scopes, need)) {
    return {
      ok: false,
      why:
        p.via === 'key' ? `this key's scopes (${p.scopes.join(', ')}) do not include ${need}` : `this needs the ${need} scope, which a ${p.role} does not have`,
    };
  }
  return { ok: true };
};
