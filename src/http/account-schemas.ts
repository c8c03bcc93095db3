/** The OpenAPI models of accounts, sessions and API keys (merged into schemas.ts's MODELS). */
import { t, type TSchema } from 'elysia';
import { int, iso, items, nullable } from './schema-kinds.ts';

const role = t.Union([t.Literal('admin'), t.Literal('member')]);
const scope = t.Union([t.Literal('read'), t.Literal('write'), t.Literal('admin')], { description: 'read: GET; write: changes too; admin: everything' });

export const User = t.Object(
  {
    id: t.String(),
    email: t.String(),
    role,
    disabled: t.Boolean(),
    mustChangePassword: t.Boolean({ description: 'a generated password is in use: the next login must set a new one' }),
    createdAt: iso(),
    updatedAt: iso(),
  },
  { description: 'An account' },
);

export const UserList = items(User, 'users');

export const CreatedUser = t.Composite(
  [User, t.Object({ password: t.Optional(t.String({ description: 'the generated one-time password, answered this once' })) })],
  {
    description: 'A new account',
  },
);

export const AccessGrant = t.Object(
  {
    accessToken: t.String({ description: 'a JWT for Authorization: Bearer' }),
    expiresIn: int({ description: 'seconds the token lives' }),
    user: User,
  },
  { description: 'Logged in (the refresh token is in an HTTP-only cookie)' },
);

export const TicketGrant = t.Object(
  { ticket: t.String({ description: 'single use: ?ticket= on an event stream' }), expiresIn: int({ description: 'seconds' }) },
  { description: 'A ticket for EventSource, which cannot send headers' },
);

export const ApiKey = t.Object(
  {
    id: t.String(),
    name: t.String(),
    scopes: t.Array(scope),
    prefix: t.String({ description: 'the first characters of the key, to tell keys apart' }),
    createdAt: iso(),
    expiresAt: nullable(iso()),
    lastUsedAt: nullable(iso()),
    revoked: t.Boolean(),
  },
  { description: 'An API key (its secret is never shown again)' },
);

export const ApiKeyList = items(ApiKey, 'keys');

export const CreatedKey = t.Composite([ApiKey, t.Object({ key: t.String({ description: 'the key itself: shown this once' }) })], {
  description: 'A new API key',
});

export const SigningKeyRotated = t.Object(
  {
    kid: t.String({ description: 'the new key: tokens and URLs signed from now on name it' }),
    createdAt: iso(),
    oldValidUntil: nullable(iso('until when what the old key signed stays good; null: revoked at once')),
  },
  { description: 'A rotated signing key' },
);

export const ACCOUNT_MODELS = {
  User,
  UserList,
  CreatedUser,
  AccessGrant,
  TicketGrant,
  ApiKey,
  ApiKeyList,
  CreatedKey,
  SigningKeyRotated,
} as const satisfies Record<string, TSchema>;
