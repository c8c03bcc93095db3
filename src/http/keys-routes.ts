/** `/api/keys`: the caller's API keys: list (with last use), create (the key answered this once), revoke. */
import { Elysia, t } from 'elysia';
import type { Auth } from '../auth/index.ts';
import { AppError } from '../errors.ts';
import { keysOfUser } from '../projections/users.ts';
import type { System } from '../system.ts';
import type { ApiKeyList, CreatedKey } from '../types/accounts.ts';
import { keyDto } from './dto.ts';
import { principalOf } from './guard.ts';
import { strict } from './input.ts';
import { json, responses } from './openapi-responses.ts';
import { idParams } from './schemas.ts';

export type KeysRoutesDeps = Pick<System, 'db'> & { auth: Auth };

const CreateBody = t.Object(
  {
    name: t.String({ maxLength: 100 }),
    scopes: t.Array(t.String({ maxLength: 16 }), { maxItems: 3 }),
    expiresAt: t.Optional(t.Union([t.String({ maxLength: 40 }), t.Null()])),
  },
  { additionalProperties: false },
);

export const keysRoutes = (s: KeysRoutesDeps) => {
  const list = async (userId: string): Promise<ApiKeyList> => {
    const rows = keysOfUser(s.db, userId);
    const used = await s.auth.store.lastUsed(rows.map((k) => k.id));
    return { items: rows.map((k) => keyDto(k, used[k.id] ?? null)), total: rows.length };
  };
  return new Elysia({ prefix: '/keys', detail: { tags: ['keys'] } })
    .get('', ({ request }) => list(principalOf(request).userId), {
      transform: strict({ body: false }),
      detail: { summary: "The caller's API keys (secrets are never shown again)", responses: responses({ 200: json('ApiKeyList', 'Keys') }, 401) },
    })
    .post(
      '',
      async ({ body, request, set }): Promise<CreatedKey> => {
        const p = principalOf(request);
        const made = await s.auth.accounts.createKey(p, body);
        const row = keysOfUser(s.db, p.userId).find((k) => k.id === made.keyId);
        if (!row) throw new AppError('unavailable', 'the key was made but is not readable yet; list the keys');
        set.status = 201;
        return { ...keyDto(row, null), key: made.key };
      },
      {
        body: CreateBody,
        transform: strict({ body: CreateBody }),
        detail: {
          summary: 'A new API key: `key` is answered this once; store it (Authorization: Bearer mpr_…)',
          responses: responses({ 201: json('CreatedKey', 'The key') }, 400, 401, 403),
        },
      },
    )
    .delete(
      '/:id',
      async ({ params, request, set }) => {
        await s.auth.accounts.revokeKey(principalOf(request), params.id);
        set.status = 204;
      },
      {
        params: idParams('key'),
        transform: strict({ body: false }),
        detail: { summary: 'Revoke a key: refused from the next request on', responses: responses({ 204: { description: 'Revoked' } }, 401, 404) },
      },
    );
};
