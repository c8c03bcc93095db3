/**
 * `/api/detect`: the media the detection pages show (src/work/detect/media.ts).
 * A filmstrip of a source and its file to play, both as URLs a browser
 * loads without a token (a signed output URL; a signed source URL, see
 * source-files.ts); a run's cached frames; brand lists' reference images,
 * posted as their own bytes and read back.
 */
import { Elysia, t } from 'elysia';
import { AppError } from '../errors.ts';
import type { System } from '../system.ts';
import { anId, none } from './route-kit.ts';
import { outputUrl } from './dto.ts';
import { strict } from './input.ts';
import { json, ref, responses } from './openapi-responses.ts';
import { queryInteger } from './schema-kinds.ts';
import { mediaTypeFor, SOURCE_URL_TTL_SECONDS, signSourceUrl } from './source-files.ts';

export type DetectMediaRoutesDeps = Pick<System, 'detectMedia' | 'auth'>;

/** The largest reference image taken (the work checks it again on the bytes). */
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

const assetParams = t.Object({ id: anId('the asset (GET /api/detect/sources lists the ready videos)') });
const listParams = t.Object({ id: anId('brand list id') });
/** The list's id, and the image key after it (`*`: Elysia passes it on only where the schema allows more than it names). */
const imageParams = t.Object({ id: anId('brand list id') }, { additionalProperties: true });
const filmstripQuery = t.Object({
  count: queryInteger('frames in the strip', { minimum: 2, maximum: 60, default: 20 }),
  height: queryInteger('height of each frame, px', { minimum: 32, maximum: 240, default: 90 }),
});
const frameParams = t.Object({
  jobId: anId('detect job id'),
  seq: t.String({ pattern: '^[0-9]{1,9}$', description: 'the frame: its number on the timeline, from 0' }),
});

/** An error answer with words of its own (the shared list's say JSON where these are about images). */
const error = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
const binary = (type: string, description: string) => ({ description, content: { [type]: { schema: { type: 'string', format: 'binary' } } } });

/** `/api/detect/brands/<id>/images/<key>`: where a reference image is read back (each key segment escaped). */
export const brandImageUrl = (listId: string, key: string) =>
  `/api/detect/brands/${encodeURIComponent(listId)}/images/${key.split('/').map(encodeURIComponent).join('/')}`;

/** The request's bytes, refused past `max` before more is read (the length header is only a first hint). */
const readCapped = async (request: Request, max: number): Promise<Uint8Array> => {
  const tooBig = (n: number | string) => new AppError('too_large', `an image may be at most 5 MB (${max} bytes); this one is ${n} bytes`);
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d{1,16}$/.test(declared) && Number(declared) > max) throw tooBig(declared);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) throw tooBig(`more than ${max}`);
      parts.push(value);
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(parts);
};

/** A wildcard's key, each segment decoded (Elysia leaves a wildcard as sent); '' for encoding that is not valid (no key: a 404). */
const keyOf = (raw: string): string => {
  try {
    return raw.split('/').map(decodeURIComponent).join('/');
  } catch {
    return '';
  }
};

const imageType = (request: Request): string => {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!type.startsWith('image/')) {
    throw new AppError('unsupported_media_type', `send the image's bytes as image/png, image/jpeg or image/webp (got ${type || 'no content type'})`);
  }
  return type;
};

export const detectMediaRoutes = (s: DetectMediaRoutesDeps) =>
  new Elysia({ prefix: '/detect', detail: { tags: ['detect'] } })
    .get(
      '/sources/:id/filmstrip',
      async ({ params, query }) => {
        const strip = await s.detectMedia.filmstrip(params.id, query);
        const { key, ...rest } = strip;
        return { ...rest, url: `${outputUrl(key)}?${await s.auth.outputs.grantFor(key)}` };
      },
      {
        params: assetParams,
        query: filmstripQuery,
        transform: strict({ body: false, query: filmstripQuery }),
        detail: {
          summary: 'A filmstrip of a source: `count` frames evenly over it, side by side in one JPEG (made once, then kept); its URL needs no token',
          responses: responses(
            {
              200: json('Filmstrip', 'The strip'),
              422: error('ffmpeg cannot read the file, or it has no duration to spread the frames over'),
            },
            400,
            401,
            404,
            409,
            503,
          ),
        },
      },
    )
    .get(
      '/sources/:id/media',
      async ({ params }) => {
        const src = await s.detectMedia.sourceFile(params.id);
        const exp = Math.floor(s.auth.clock() / 1000) + SOURCE_URL_TTL_SECONDS;
        return {
          assetId: src.assetId,
          url: signSourceUrl(src.key, exp, await s.auth.secrets.current()),
          contentType: mediaTypeFor(src.key),
          expiresAt: new Date(exp * 1000).toISOString(),
        };
      },
      {
        params: assetParams,
        transform: none,
        detail: {
          summary: "A short-lived signed URL that streams a source's file (byte ranges work), for a <video>",
          responses: responses({ 200: json('SourceMedia', 'The URL and until when it works') }, 401, 404, 409),
        },
      },
    )
    .get(
      '/frames/:jobId/:seq',
      async ({ params }) =>
        new Response(await s.detectMedia.frame(params.jobId, Number(params.seq)), {
          headers: { 'content-type': 'image/jpeg', 'cache-control': 'private, max-age=3600' },
        }),
      {
        params: frameParams,
        transform: none,
        detail: {
          summary: 'A frame a run looked at (JPEG from the frame cache), by its number on the timeline',
          responses: responses(
            { 200: binary('image/jpeg', 'The frame'), 409: error('Not extracted yet, or the frame cache was dropped: run the timeline again') },
            400,
            401,
            404,
          ),
        },
      },
    )
    .post(
      '/brands/:id/images',
      async ({ params, request, set }) => {
        // strict() would read the body as one it refuses: the query is checked here instead.
        if (new URL(request.url).search !== '') throw new AppError('validation', 'unknown query parameter (this route takes none)');
        imageType(request);
        const { key } = await s.detectMedia.putBrandImage(params.id, await readCapped(request, MAX_IMAGE_BYTES));
        set.status = 201;
        return { key, url: brandImageUrl(params.id, key) };
      },
      {
        params: listParams,
        parse: 'none',
        detail: {
          summary: "Keep a reference image (a logo crop) for a brand list: the image's own bytes, at most 5 MB; answers its key for a brand's `images`",
          requestBody: {
            required: true,
            description: 'PNG, JPEG or WebP bytes, with their content type',
            content: {
              'image/png': { schema: { type: 'string', format: 'binary' } },
              'image/jpeg': { schema: { type: 'string', format: 'binary' } },
              'image/webp': { schema: { type: 'string', format: 'binary' } },
            },
          },
          responses: responses(
            {
              201: json('BrandImage', 'Kept'),
              400: error('The bytes are not an image that can be read'),
              413: error('More than 5 MB'),
              415: error('Not sent as image/*, or an image that is not PNG, JPEG or WebP'),
            },
            401,
            403,
            404,
          ),
        },
      },
    )
    .get(
      '/brands/:id/images/*',
      async ({ params }) => {
        const img = await s.detectMedia.brandImage(params.id, keyOf((params as Record<string, string>)['*'] ?? ''));
        return new Response(img.bytes, { headers: { 'content-type': img.contentType, 'cache-control': 'private, max-age=86400' } });
      },
      {
        params: imageParams,
        transform: none,
        detail: {
          summary: "A brand list's reference image, by the key POST …/images answered (only keys of that list)",
          responses: responses({ 200: binary('image/*', 'The image') }, 401, 404),
        },
      },
    );
