/**
 * Events of a user stream, `user:<id>`: the account, its sessions and its
 * API keys. Secrets never enter the log in the clear: a password is kept as
 * its argon2id hash, a key as the SHA-256 of its secret part. Refresh-token
 * rotations are not events (one every 15 minutes per open tab would swamp
 * the log): their JTIs live in the session store, the fast path; a
 * session's start and end are facts here.
 */

export type Role = 'admin' | 'member';
export const ROLES: readonly Role[] = ['admin', 'member'];

/** What an API key may do: read (GET), write (and read), admin (everything). */
export type Scope = 'read' | 'write' | 'admin';
export const SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

/** Why a session ended. */
export type SessionEndReason = 'logout' | 'logout-all' | 'refresh token reused' | 'user disabled' | 'user removed' | 'password changed' | 'expired';

export type UserEvent =
  | {
      type: 'UserCreated';
      data: {
        userId: string;
        email: string;
        role: Role;
        passwordHash: string;
        /** A generated password: the first login must set a new one. */
        mustChangePassword: boolean;
        /** The admin who added the user; null for the first admin, made at start-up. */
        by: string | null;
        at: string;
      };
    }
  | { type: 'UserPasswordChanged'; data: { passwordHash: string; mustChangePassword: boolean; at: string } }
  | { type: 'UserRoleChanged'; data: { role: Role; at: string } }
  | { type: 'UserDisabled'; data: { by: string | null; at: string } }
  | { type: 'UserEnabled'; data: { by: string | null; at: string } }
  | { type: 'UserRemoved'; data: { by: string | null; at: string } }
  | { type: 'SessionStarted'; data: { sessionId: string; expiresAt: string; userAgent: string | null; ip: string | null; at: string } }
  | { type: 'SessionEnded'; data: { sessionId: string; reason: SessionEndReason; at: string } }
  /** Every session of the user ended at once (log out everywhere, disable, password change). */
  | { type: 'AllSessionsEnded'; data: { reason: SessionEndReason; at: string } }
  | {
      type: 'ApiKeyCreated';
      data: { keyId: string; name: string; scopes: Scope[]; secretHash: string; expiresAt: string | null; at: string };
    }
  | { type: 'ApiKeyRevoked'; data: { keyId: string; at: string } };

export const userStream = (userId: string) => `user:${userId}`;

/** Pure: the one spelling of an email address that accounts are found by. */
export const normalizeEmail = (email: string): string => email.trim().normalize('NFC').toLowerCase();

/** Pure: a user's id from their email (so two creations of one address meet on one stream and the second is refused). */
export const userIdFor = (email: string): string => `u${new Bun.CryptoHasher('sha256').update(normalizeEmail(email)).digest('hex').slice(0, 15)}`;
