/** `/api/users` (admins): list, add (a one-time password when none is given), change role, disable or enable, remove. */
import { Elysia, t } from 'elysia';
import type { Auth } from '../auth/index.ts';
import { AppError } from '../errors.ts';
import { findUser, listUsers } from '../projections/users.ts';
import type { System } from '../system.ts';
import type { CreatedUser, UserList } from '../types/accounts.ts';
import { parsePage, userDto } from './dto.ts';
import { principalOf } from './guard.ts';
import { json, responses } from './openapi-responses.ts';

export type UsersRoutesDeps = Pick<System, 'db'> & { auth: Auth };

const idParam = t.Object({ id: t.String({ maxLength: 64, description: 'user id' }) });
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
      { detail: { summary: 'Every user, by email', responses: responses({ 200: json('UserList', 'Users') }, 400, 401, 403) } },
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
      { params: idParam, detail: { summary: 'One user', responses: responses({ 200: json('User', 'The user') }, 401, 403, 404) } },
    )
    .patch('/:id', async ({ params, body, request }) => userDto(await s.auth.accounts.updateUser(principalOf(request), params.id, body)), {
      params: idParam,
      body: UpdateBody,
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
        detail: { summary: 'Remove a user, their sessions and keys', responses: responses({ 204: { description: 'Removed' } }, 401, 403, 404, 409) },
      },
    );
