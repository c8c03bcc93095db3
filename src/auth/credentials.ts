/**
 * Secrets people hold: passwords (argon2id through Bun.password, its cost
 * deliberate) and API keys (`mpr_<keyId>_<secret>`: the id finds the record,
 * the secret's SHA-256 proves it; a key has 32 random bytes, so a fast hash
 * is as safe as a slow one and keeps every request cheap).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.ts';
import { randomToken } from './tokens.ts';
import { newId } from '../ids.ts';

export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 256;

/** Throws a validation error naming the rule a new password breaks. */
export const checkNewPassword = (password: unknown, field = 'password'): string => {
  if (typeof password !== 'string') throw new AppError('validation', `${field}: a string`);
  if (password.length < MIN_PASSWORD) throw new AppError('validation', `${field}: at least ${MIN_PASSWORD} characters`);
  if (password.length > MAX_PASSWORD) throw new AppError('validation', `${field}: at most ${MAX_PASSWORD} characters`);
  return password;
};

export const hashPassword = (password: string): Promise<string> => Bun.password.hash(password, { algorithm: 'argon2id' });

/** False for a wrong password and for a hash that is not one (never throws on bad input). */
export const verifyPassword = async (password: string, hash: string): Promise<boolean> => {
  if (!hash) return false;
  try {
    return await Bun.password.verify(password, hash);
  } catch {
    return false;
  }
};

/** A hash to verify against when the account does not exist, so a login takes as long either way. */
let decoy: Promise<string> | null = null;
export const decoyHash = (): Promise<string> => {
  decoy ??= hashPassword(randomToken(16));
  return decoy;
};

/** A one-time password for a generated account: 20 characters from an unambiguous alphabet. */
export const generatePassword = (): string => {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
};

export const KEY_PREFIX = 'mpr_';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A new key: what the user is shown once, and what is kept. */
export const newApiKey = (): { keyId: string; secret: string; key: string; secretHash: string } => {
  const keyId = newId(12);
  const secret = randomToken(32);
  // The id is url-safe and may hold '_': the secret is what follows the last one.
  return { keyId, secret, key: `${KEY_PREFIX}${keyId}_${secret}`, secretHash: sha256(secret) };
};

/** `mpr_<keyId>_<secret>` → its parts, or null when it is not shaped like a key. */
export const parseApiKey = (key: string): { keyId: string; secret: string } | null => {
  if (!key.startsWith(KEY_PREFIX)) return null;
  const rest = key.slice(KEY_PREFIX.length);
  // keyId: 9 bytes → 12 characters; secret: 32 bytes → 43 characters.
  if (rest.length !== 12 + 1 + 43 || rest[12] !== '_' || !/^[A-Za-z0-9_-]+$/.test(rest)) return null;
  return { keyId: rest.slice(0, 12), secret: rest.slice(13) };
};

/** Constant-time: whether `secret` is the one whose hash is kept. */
export const secretMatches = (secret: string, secretHash: string): boolean => {
  const a = Buffer.from(sha256(secret), 'hex');
  const b = Buffer.from(secretHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
};
