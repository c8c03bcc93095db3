/**
 * The API's shapes for accounts, sessions and API keys: the part of the
 * contract (api.ts) that the login page, the user menu and the keys and
 * users pages share with the server. Imported type-only, like api.ts.
 */
import type { Page } from './api.ts';

export type Role = 'admin' | 'member';
/** read: GET; write: changes too; admin: users and everything else. */
export type Scope = 'read' | 'write' | 'admin';

export interface UserDto {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  /** A generated password is still in use: the next login must set a new one. */
  mustChangePassword: boolean;
  createdAt: string;
  updatedAt: string;
}

export type UserList = Page<UserDto>;

/** `POST /api/auth/login`. */
export interface LoginRequest {
  email: string;
  password: string;
}

/** `POST /api/auth/login` and `POST /api/auth/refresh` (the refresh token travels in an HTTP-only cookie). */
export interface AccessGrant {
  /** A JWT for `Authorization: Bearer`. */
  accessToken: string;
  /** Seconds the access token lives. */
  expiresIn: number;
  user: UserDto;
}

/** `POST /api/auth/password`: a new password for the caller (forced after a generated one). */
export interface PasswordChangeRequest {
  currentPassword: string;
  newPassword: string;
}

/** `POST /api/auth/ticket`: a single-use ticket for `EventSource` (`?ticket=`), which cannot send headers. */
export interface TicketGrant {
  ticket: string;
  expiresIn: number;
}

/** `POST /api/users` (admin). */
export interface CreateUserRequest {
  email: string;
  role?: Role;
  /** Left out: a one-time password is generated and answered once (`password` in the reply). */
  password?: string;
}

/** `POST /api/users`: the user, and the generated one-time password when none was given. */
export interface CreatedUser extends UserDto {
  password?: string;
}

/** `PATCH /api/users/:id` (admin). */
export interface UpdateUserRequest {
  role?: Role;
  disabled?: boolean;
}

export interface ApiKeyDto {
  id: string;
  name: string;
  scopes: Scope[];
  /** The first characters of the key, to tell keys apart (`mpr_AbCd…`). */
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revoked: boolean;
}

export type ApiKeyList = Page<ApiKeyDto>;

/** `POST /api/keys`. */
export interface CreateKeyRequest {
  name: string;
  scopes: Scope[];
  /** ISO time; left out, the key does not expire. */
  expiresAt?: string | null;
}

/** `POST /api/keys`: the key itself, shown this once. */
export interface CreatedKey extends ApiKeyDto {
  key: string;
}

/** `POST /api/admin/signing-key/rotate`. */
export interface SigningKeyRotated {
  /** The new key's id (the `kid` of tokens and URLs signed from now on). */
  kid: string;
  createdAt: string;
  /** Until when what the old key signed stays good; null when it was revoked at once. */
  oldValidUntil: string | null;
}
