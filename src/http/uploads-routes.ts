/**
 * `/api/uploads`: direct multipart uploads. Create one (a URL per part),
 * PUT the parts (to the bucket, or here on signed part URLs the guard
 * checks), see what arrived, complete it into a probed asset, or abort it.
 */
import { Elysia, t } from 'elysia';
import { AppError } from '../errors.ts';
import { listUploads } from '../projections/uploads.ts';
import { uploadDto, type Uploads } from '../uploads/service.ts';
import type { CompletedUpload, CreatedUpload, PartReceipt, UploadList, UploadProgress } from '../types/uploads.ts';
import type { System } from '../system.ts';
import { parsePage } from './dto.ts';
import { principalOf } from './guard.ts';
import { strict } from './input.ts';
import { json, responses } from './openapi-responses.ts';
import { queryInteger } from './schema-kinds.ts';
import { idParams } from './schemas.ts';
import { CompleteUploadBody, CreateUploadBody } from './upload-schemas.ts';

export type UploadsRoutesDeps = Pick<System, 'db'> & { uploads: Uploads };

const idParam = idParams('upload');
const partParams = t.Object({
  id: t.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'upload id' }),
  number: t.String({ maxLength: 6, description: 'part number, from 1' }),
});
const partQuery = t.Object({
  exp: t.Optional(t.String({ maxLength: 12, description: 'expiry (epoch seconds), signed' })),
  kid: t.Optional(t.String({ maxLength: 64, description: 'the signing key' })),
  sig: t.Optional(t.String({ maxLength: 128, description: 'the signature' })),
});
const listQuery = t.Object({
  open: t.Optional(t.Union([t.Literal('true'), t.Literal('false')], { description: 'only the ones still open (to resume)' })),
  all: t.Optional(t.Union([t.Literal('true'), t.Literal('false')], { description: "admins: everyone's" })),
  limit: queryInteger('page size', { minimum: 1, maximum: 500, default: 50 }),
  offset: queryInteger('items to skip', { minimum: 0, default: 0 }),
});

const partNumber = (raw: string): number => {
  if (!/^\d{1,6}$/.test(raw)) throw new AppError('validation', `part number: a whole number from 1, got ${JSON.stringify(raw.slice(0, 20))}`);
  return Number(raw);
};

const lengthOf = (request: Request): number | null => {
  const raw = request.headers.get('content-length');
  return raw !== null && /^\d{1,16}$/.test(raw) ? Number(raw) : null;
};

export const uploadsRoutes = (s: UploadsRoutesDeps) =>
  new Elysia({ prefix: '/uploads', detail: { tags: ['uploads'] } })
    .get(
      '',
      ({ query, request }): UploadList => {
        const p = principalOf(request);
        const all = query.all === 'true' && p.role === 'admin';
        const page = parsePage(query as Record<string, string | undefined>);
        const { rows, total } = listUploads(s.db, { createdBy: all ? null : p.userId, openOnly: query.open === 'true', ...page });
        return { items: rows.map(uploadDto), total };
      },
      {
        query: listQuery,
        transform: strict({ body: false, query: listQuery }),
        detail: { summary: "The caller's uploads, newest first", responses: responses({ 200: json('UploadList', 'Uploads') }, 400, 401) },
      },
    )
    .post(
      '',
      async ({ body, request, set }): Promise<CreatedUpload> => {
        const made = await s.uploads.create(principalOf(request), body);
        set.status = 201;
        return made;
      },
      {
        body: CreateUploadBody,
        transform: strict({ body: CreateUploadBody }),
        detail: {
          summary: 'Start an upload: PUT each part to its URL, then complete it. Refused before any byte is stored when too big (MPR_MAX_UPLOAD_BYTES)',
          responses: responses({ 201: json('CreatedUpload', 'The upload and its part URLs') }, 400, 401, 403, 409, 413),
        },
      },
    )
    .get('/:id', ({ params, request }): Promise<UploadProgress> => s.uploads.progress(principalOf(request), params.id), {
      params: idParam,
      transform: strict({ body: false }),
      detail: {
        summary: 'What arrived, and fresh URLs for the parts still missing (to resume)',
        responses: responses({ 200: json('UploadProgress', 'Progress') }, 401, 404, 409),
      },
    })
    .put(
      '/:id/parts/:number',
      async ({ params, request, set }): Promise<PartReceipt> => {
        // The guard checked the signature when there is one; a bare token does not open a part.
        if (!new URL(request.url).searchParams.has('sig')) throw new AppError('forbidden', 'PUT parts to the signed URLs that POST /api/uploads answered');
        const part = await s.uploads.receivePart(params.id, partNumber(params.number), request.body, lengthOf(request));
        set.headers.etag = part.etag;
        return part;
      },
      {
        params: partParams,
        query: partQuery,
        parse: 'none',
        detail: {
          requestBody: {
            required: true,
            description: "the part's bytes, exactly its slot's size",
            content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
          summary: 'One part of an upload to a folder store (a signed URL from POST /api/uploads; any content type)',
          responses: responses({ 200: json('PartReceipt', 'Stored; the ETag header is the etag') }, 400, 403, 404, 409, 413),
        },
      },
    )
    .post('/:id/complete', ({ params, body, request }): Promise<CompletedUpload> => s.uploads.complete(principalOf(request), params.id, body.parts), {
      params: idParam,
      body: CompleteUploadBody,
      detail: {
        summary: 'Join the parts into the file, probe it and register it as an asset (idempotent)',
        responses: responses({ 200: json('CompletedUpload', 'The asset') }, 400, 401, 404, 409),
      },
    })
    .delete(
      '/:id',
      async ({ params, request, set }) => {
        await s.uploads.abort(principalOf(request), params.id);
        set.status = 204;
      },
      {
        params: idParam,
        transform: strict({ body: false }),
        detail: { summary: 'Abort: every part is dropped', responses: responses({ 204: { description: 'Aborted' } }, 401, 404, 409) },
      },
    );
