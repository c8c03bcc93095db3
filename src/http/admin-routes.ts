/** `/api/admin` (admins): server-wide chores. Today: rotating the secret that signs access tokens and signed URLs. */
import { Elysia, t } from 'elysia';
import type { Auth } from '../auth/index.ts';
import type { Logger } from '../logger.ts';
import type { SigningKeyRotated } from '../types/accounts.ts';
import { principalOf } from './guard.ts';
import { optionalJson, strict } from './input.ts';
import { json, responses } from './openapi-responses.ts';

export interface AdminRoutesDeps {
  auth: Auth;
  logger: Logger;
  /** How long what the old secret signed stays good by default: the longest-lived of access tokens, output URLs and upload part URLs. */
  keepOldSeconds: number;
}

const RotateBody = t.Optional(
  t.Object(
    {
      revokeOld: t.Optional(
        t.Boolean({
          description: 'true: what the old secret signed stops working now (after a leak); every browser logs in again silently by its refresh cookie',
        }),
      ),
    },
    { additionalProperties: false },
  ),
);

export const adminRoutes = (d: AdminRoutesDeps) =>
  new Elysia({ prefix: '/admin', detail: { tags: ['admin'] } }).post(
    '/signing-key/rotate',
    async ({ body, request }): Promise<SigningKeyRotated> => {
      const revoke = body?.revokeOld === true;
      const keepMs = revoke ? 0 : d.keepOldSeconds * 1000;
      const next = await d.auth.secrets.rotate(keepMs);
      d.logger.warn(
        `signing key rotated by ${principalOf(request).userId}: new key ${next.kid}; ${revoke ? 'what the old keys signed is refused from now on' : `the old key verifies for ${d.keepOldSeconds} s more`}`,
      );
      return {
        kid: next.kid,
        createdAt: new Date(next.createdAtMs).toISOString(),
        oldValidUntil: revoke ? null : new Date(next.createdAtMs + keepMs).toISOString(),
      };
    },
    {
      body: RotateBody,
      parse: [optionalJson, 'json'],
      transform: strict({ body: RotateBody }),
      detail: {
        summary: 'A new signing key for access tokens and signed URLs; the old one verifies until what it signed expires, or not at all (revokeOld)',
        responses: responses({ 200: json('SigningKeyRotated', 'Rotated') }, 400, 401, 403),
      },
    },
  );
