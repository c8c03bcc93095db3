/** `/api/users` (admins): list, add (a one-time password when none is given), change role, disable or enable, remove. */
import { Elysia, t } from 'elysia';
import type { Auth } from '../auth/index.ts';
import { AppError } from '../errors.ts';
import { findUser, listUsers } from '../projections/users.ts';
import type { System } from '../system.ts';
import type { CreatedUser, UserList } from '../types/accounts.ts';
import { parsePage, userDto } from './dto.ts';
import { principalOf } from './guard.ts';
import { strict } from './input.ts';
import { json, responses } from './openapi-responses.ts';
import { queryInteger } from './schema-kinds.ts';
import { idParams } from './schemas.ts';

export type UsersRoutesDeps = Pick<System, 'db'> & { auth: Auth };

const idParam = idParams('user');
const listQuery = t.Object({
  limit: queryInteger('page size', { minimum: 1, maximum: 500, default: 50 }),
  offset: queryInteger('items to skip', { minimum: 0, default: 0 }),
});
const CreateBody = t.Object(
  { email: t.String({ maxLength: 320 }), role: t.Optional(t.String({ maxLength: 16 })), password: t.Optional(t.String({ maxLength: 1024 })) },
  { additionalProperties: false },
);
const UpdateBody = t.Object({ role: t.Optional(t.String({ maxLength: 16 })), disabled: t.Optional(t.Boolean()) }, { additionalProperties: false });

export const usersRoutes = (s: UsersRoutesDeps) =>
  new Elysia({ prefix: '/users', detail: { tags: ['users'] } })
    .get(
      '',
      ({ query }): UserList => {
        const { rows, total } = listUsers(s.db, parsePage(query as Record<string, string | undefined>));
        return { items: rows.map(userDto), total };
      },
      {
        query: listQuery,
        transform: strict({ body: false, query: listQuery }),
        detail: { summary: 'Every user, by email', responses: responses({ 200: json('UserList', 'Users') }, 400, 401, 403) },
      },
    )
    .post(
      '',
      async ({ body, request, set }): Promise<CreatedUser> => {
        const { user, password } = await s.auth.accounts.createUser(principalOf(request), body);
        set.status = 201;
        return { ...userDto(user), ...(password ? { password } : {}) };
      },
      {
        body: CreateBody,
        transform: strict({ body: CreateBody }),
        detail: {
          summary: 'Add a user; without a password one is generated, answered this once, and must be changed at the first login',
          responses: responses({ 201: json('CreatedUser', 'The user') }, 400, 401, 403, 409),
        },
      },
    )
    .get(
      '/:id',
      ({ params }) => {
        const u = findUser(s.db, params.id);
        if (!u) throw new AppError('not_found', `no user ${params.id}`);
        return userDto(u);
      },
      {
        params: idParam,
        transform: strict({ body: false }),
        detail: { summary: 'One user', responses: responses({ 200: json('User', 'The user') }, 401, 403, 404) },
      },
    )
    .patch('/:id', async ({ params, body, request }) => userDto(await s.auth.accounts.updateUser(principalOf(request), params.id, body)), {
      params: idParam,
      body: UpdateBody,
      transform: strict({ body: UpdateBody }),
      detail: {
        summary: 'Change a role, disable or enable (a disabled user is refused at once, sessions and keys alike)',
        responses: responses({ 200: json('User', 'The user') }, 400, 401, 403, 404, 409),
      },
    })
    .delete(
      '/:id',
      async ({ params, request, set }) => {
        await s.auth.accounts.removeUser(principalOf(request), params.id);
        set.status = 204;
      },
      {
        params: idParam,
        transform: strict({ body: false }),
        detail: { summary: 'Remove a user, their sessions and keys', responses: responses({ 204: { description: 'Removed' } }, 401, 403, 404, 409) },
      },
    );
