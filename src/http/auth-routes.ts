/**
 * `/api/auth`: log in, refresh, log out (here, or everywhere), who am I, a
 * new password, and single-use tickets for event streams. The refresh token
 * travels only in an HTTP-only, SameSite=Strict cookie scoped to this path,
 * so page scripts never see it and other sites never send it.
 */
import { Elysia, t } from 'elysia';
import type { Auth, Issued } from '../auth/index.ts';
import { randomToken } from '../auth/tokens.ts';
import { findUser } from '../projections/users.ts';
import type { System } from '../system.ts';
import type { AccessGrant, TicketGrant } from '../types/accounts.ts';
import { userDto } from './dto.ts';
import { principalOf } from './guard.ts';
import { strict } from './input.ts';
import { json, responses } from './openapi-responses.ts';

export type AuthRoutesDeps = Pick<System, 'db'> & { auth: Auth; secureCookies: boolean; trustProxy: boolean };

const COOKIE = 'mpr_refresh';
const TICKET_TTL_MS = 30_000;

const cookieOf = (request: Request): string | null => {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return null;
};

const setCookie = (value: string, maxAge: number, secure: boolean) =>
  `${COOKIE}=${value}; Path=/api/auth; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;

type Server = { requestIP(r: Request): { address: string } | null } | null;

/** Who is asking: the socket's address, or behind a trusted proxy the first X-Forwarded-For address. */
const clientOf = (request: Request, server: Server, trustProxy: boolean) => {
  const forwarded = trustProxy ? request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() : undefined;
  return { ip: forwarded || server?.requestIP(request)?.address || null, userAgent: request.headers.get('user-agent') };
};

const LoginBody = t.Object({ email: t.String({ maxLength: 320 }), password: t.String({ maxLength: 1024 }) }, { additionalProperties: false });
const PasswordBody = t.Object({ currentPassword: t.String({ maxLength: 1024 }), newPassword: t.String({ maxLength: 1024 }) }, { additionalProperties: false });

export const authRoutes = (s: AuthRoutesDeps) => {
  const grant = (issued: Issued, set: { headers: Record<string, unknown> }): AccessGrant => {
    set.headers['set-cookie'] = setCookie(issued.refreshToken, issued.refreshMaxAge, s.secureCookies);
    set.headers['cache-control'] = 'no-store';
    const user = findUser(s.db, issued.userId);
    if (!user) throw new Error(`user ${issued.userId} has a session but no read model row`);
    return { accessToken: issued.accessToken, expiresIn: issued.expiresIn, user: userDto(user) };
  };

  return new Elysia({ prefix: '/auth', detail: { tags: ['auth'] } })
    .post(
      '/login',
      async ({ body, request, set, server }) => grant(await s.auth.sessions.login(body.email, body.password, clientOf(request, server, s.trustProxy)), set),
      {
        body: LoginBody,
        transform: strict({ body: LoginBody }),
        detail: {
          summary: 'Log in: an access token (15 min) in the body, a refresh token in an HTTP-only cookie',
          responses: responses({ 200: json('AccessGrant', 'Logged in') }, 400, 401, 429),
        },
      },
    )
    .post('/refresh', async ({ request, set }) => grant(await s.auth.sessions.refresh(cookieOf(request)), set), {
      transform: strict({ body: false }),
      detail: {
        summary: 'A new access token for the refresh cookie, which is rotated (a reused one ends the session)',
        responses: responses({ 200: json('AccessGrant', 'Refreshed') }, 401),
      },
    })
    .post(
      '/logout',
      async ({ request, set }) => {
        await s.auth.sessions.logout(cookieOf(request));
        set.headers['set-cookie'] = setCookie('', 0, s.secureCookies);
        set.status = 204;
      },
      {
        transform: strict({ body: false }),
        detail: { summary: 'End this session (the refresh cookie names it)', responses: responses({ 204: { description: 'Logged out' } }) },
      },
    )
    .post(
      '/logout-all',
      async ({ request, set }) => {
        await s.auth.sessions.logoutAll(principalOf(request).userId);
        set.headers['set-cookie'] = setCookie('', 0, s.secureCookies);
        set.status = 204;
      },
      {
        transform: strict({ body: false }),
        detail: { summary: 'End every session of the caller, on every device', responses: responses({ 204: { description: 'Logged out everywhere' } }, 401) },
      },
    )
    .get(
      '/me',
      ({ request }) => {
        const user = findUser(s.db, principalOf(request).userId);
        if (!user) throw new Error('an authenticated user with no read model row');
        return userDto(user);
      },
      { transform: strict({ body: false }), detail: { summary: 'The caller', responses: responses({ 200: json('User', 'The caller') }, 401) } },
    )
    .post(
      '/password',
      async ({ body, request, set, server }) =>
        grant(await s.auth.sessions.changePassword(principalOf(request), body.currentPassword, body.newPassword, clientOf(request, server, s.trustProxy)), set),
      {
        body: PasswordBody,
        transform: strict({ body: PasswordBody }),
        detail: {
          summary: "A new password for the caller: every other session ends; this one goes on with the answer's token",
          responses: responses({ 200: json('AccessGrant', 'Changed') }, 400, 401),
        },
      },
    )
    .post(
      '/ticket',
      async ({ request }): Promise<TicketGrant> => {
        const ticket = randomToken(24);
        await s.auth.authenticator.issueTicket(principalOf(request), ticket, TICKET_TTL_MS);
        return { ticket, expiresIn: TICKET_TTL_MS / 1000 };
      },
      {
        transform: strict({ body: false }),
        detail: {
          summary: 'A single-use ticket (30 s) for an event stream: `?ticket=` in place of the header EventSource cannot send',
          responses: responses({ 200: json('TicketGrant', 'The ticket') }, 401),
        },
      },
    );
};
