/**
 * s3rver's missing multipart calls (ListParts, AbortMultipartUpload,
 * NoSuchUpload) and S3's check of presigned part URLs, taught to its router
 * for the tests: see teachS3rverMultipart. startS3Server applies it.
 */
import { createHash, createHmac } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** s3rver's built-in secret, which presigned URLs are checked against. */
const SECRET = 'S3RVER';

/** The parts of a koa context and a koa-router layer that the patch below touches. */
interface Ctx {
  method: string;
  path: string;
  querystring: string;
  query: Record<string, string | undefined>;
  params: { bucket: string; key: string; queryMethod?: string };
  headers: Record<string, string | undefined>;
  store: { getResourcePath(bucket: string, key: string | undefined, resource: string): string };
  body: unknown;
  status: number;
}
type Handler = (ctx: Ctx, next: () => Promise<unknown>) => unknown;

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
/** RFC 3986 encoding, as SigV4 canonicalises query strings. */
const uriEncode = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Checks a presigned request as S3 does: the signature over the method, the
 * path, the query and the signed headers' values as they arrived. A body of
 * another length than signed arrives with another Content-Length, so the
 * signature no longer matches. Returns why it is refused, or null.
 */
const presignedRefusal = (ctx: Ctx): [code: string, message: string] | null => {
  const q = ctx.query;
  const [, ...scope] = (q['X-Amz-Credential'] ?? '').split('/');
  const query = ctx.querystring
    .split('&')
    .map((pair) => pair.split('=').map((s) => decodeURIComponent(s.replaceAll('+', ' '))))
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k = '', v = '']) => `${uriEncode(k)}=${uriEncode(v)}`)
    .sort()
    .join('&');
  const signed = (q['X-Amz-SignedHeaders'] ?? '').split(';');
  const headers = signed.map((h) => `${h}:${(ctx.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonical = [ctx.method, ctx.path, query, headers, signed.join(';'), 'UNSIGNED-PAYLOAD'].join('\n');
  const date = q['X-Amz-Date'] ?? '';
  const toSign = ['AWS4-HMAC-SHA256', date, scope.join('/'), createHash('sha256').update(canonical).digest('hex')].join('\n');
  const key = scope.reduce<string | Buffer>((k, part) => hmac(k, part), `AWS4${SECRET}`);
  if (hmac(key, toSign).toString('hex') !== q['X-Amz-Signature']) return ['SignatureDoesNotMatch', 'The request signature we calculated does not match'];
  const at = Date.parse(date.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  return Date.now() > at + Number(q['X-Amz-Expires']) * 1000 ? ['AccessDenied', 'Request has expired'] : null;
};

/**
 * s3rver 3.7 lacks what this suite needs of S3's multipart API: GET and
 * DELETE with ?uploadId (ListParts, AbortMultipartUpload) answer
 * MethodNotAllowed, a part sent to an unknown upload id makes that upload
 * up, and no SigV4 signature is checked at all. This teaches its router
 * those calls, NoSuchUpload and a check of presigned part URLs, leaving
 * every other request as it was.
 */
export const teachS3rverMultipart = (): void => {
  const require = createRequire(import.meta.url);
  const router = require('s3rver/lib/routes') as { stack: { path: string; methods: string[]; stack: Handler[] }[]; mprMultipart?: true };
  if (router.mprMultipart) return;
  router.mprMultipart = true;
  const S3Error = require('s3rver/lib/models/error') as new (code: string, message: string) => Error;

  const uploadDir = async (ctx: Ctx): Promise<string> => {
    const id = ctx.query.uploadId ?? '';
    const dir = join(ctx.store.getResourcePath(ctx.params.bucket, undefined, 'uploads'), id);
    const key = /^[0-9a-f]+$/.test(id) ? await readFile(join(dir, 'key'), 'utf8').catch(() => null) : null;
    if (key !== ctx.params.key) throw new S3Error('NoSuchUpload', 'The specified upload does not exist.');
    return dir;
  };
  const onUploadId = (method: string, handle: (ctx: Ctx, original: () => unknown) => unknown) => {
    const layer = router.stack.find((l) => l.path === '/:bucket/:key+' && l.methods.includes(method))!;
    const original = layer.stack.at(-1)!;
    layer.stack[layer.stack.length - 1] = (ctx, next) => (ctx.params.queryMethod === 'uploadId' ? handle(ctx, () => original(ctx, next)) : original(ctx, next));
  };

  onUploadId('GET', async (ctx) => {
    const dir = await uploadDir(ctx);
    const marker = Number(ctx.query['part-number-marker'] ?? 0);
    const max = Number(ctx.query['max-parts'] ?? 1000);
    const numbers = (await readdir(dir))
      .filter((n) => /^\d+$/.test(n) && Number(n) > marker)
      .map(Number)
      .sort((a, b) => a - b);
    const page = numbers.slice(0, max);
    const parts = await Promise.all(
      page.map(async (n) => {
        const [s, md5] = await Promise.all([stat(join(dir, `${n}`)), readFile(join(dir, `${n}.md5`), 'utf8')]);
        return { PartNumber: n, LastModified: s.mtime.toISOString(), ETag: `"${md5}"`, Size: s.size };
      }),
    );
    const { bucket: Bucket, key: Key } = ctx.params;
    const truncated = numbers.length > page.length;
    ctx.body = {
      ListPartsResult: {
        Bucket,
        Key,
        UploadId: ctx.query.uploadId,
        MaxParts: max,
        IsTruncated: truncated,
        NextPartNumberMarker: page.at(-1) ?? marker,
        Part: parts,
      },
    };
  });
  onUploadId('DELETE', async (ctx) => {
    await rm(await uploadDir(ctx), { recursive: true, force: true });
    ctx.status = 204;
  });
  onUploadId('PUT', async (ctx, original) => {
    const refused = 'X-Amz-Signature' in ctx.query ? presignedRefusal(ctx) : null;
    if (refused) throw new S3Error(...refused);
    await uploadDir(ctx);
    return original();
  });
  onUploadId('POST', async (ctx, original) => {
    await uploadDir(ctx);
    return original();
  });
};
