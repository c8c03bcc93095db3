/**
 * Multipart uploads on a bucket ('direct'): S3's own API. The client PUTs
 * each part straight to a presigned UploadPart URL whose signature covers
 * the part's Content-Length, so S3 refuses a body of any other length; MPR
 * only starts, lists, completes and aborts. An upload id is only valid with
 * the key it was started for: any other key answers NoSuchUpload, which is
 * 'not_found' here, as on folder stores.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  type ListPartsCommandOutput,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AppError, errorMessage } from '../errors.ts';
import { validateKey } from './keys.ts';
import { bareEtag, checkPartList, checkPartNumber, type MultipartUploads, type StoredPart } from './multipart.ts';

/** The longest a SigV4 presigned URL may live (7 days). */
const MAX_URL_SECONDS = 7 * 24 * 3600;
/** S3's largest part. */
const MAX_PART_BYTES = 5 * 1024 * 1024 * 1024;
/** Complete's answers for a part list S3 will not join: the caller's mistake, not an outage. */
const REFUSED_PARTS = new Set(['InvalidPart', 'InvalidPartOrder', 'EntityTooSmall', 'MalformedXML']);
/** Request headers of a checksum over the body: a presigned URL carries them as query parameters. */
const CHECKSUM_HEADER = /^x-amz-(checksum-|sdk-checksum-algorithm$)/i;

const nameOf = (e: unknown): string | undefined => (e as { name?: string } | null)?.name;

const checkHandle = (handle: string): void => {
  // S3's upload ids are opaque printable ASCII; this only keeps garbage out of the request line.
  if (typeof handle !== 'string' || !/^[\x21-\x7e]{1,1024}$/.test(handle)) {
    throw new AppError('validation', `not an upload handle: ${JSON.stringify(handle)}`);
  }
};

const checkWhole = (what: string, n: number, min: number, max: number): void => {
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new AppError('validation', `${what} must be a whole number from ${min} to ${max}, got ${n}`);
};

/** Reads `body` whole, refusing (and cancelling it) as soon as it passes maxBytes. */
const readAtMost = async (body: ReadableStream<Uint8Array>, maxBytes: number, number: number): Promise<Uint8Array> => {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        const err = new AppError('too_large', `part ${number} is over its ${maxBytes} bytes`);
        await reader.cancel(err).catch(() => {});
        throw err;
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks, size);
};

export const createS3Multipart = (client: S3Client, bucket: string, mapError: (e: unknown, action: string) => Error): MultipartUploads => {
  const upload = (key: string, handle: string) => `upload ${handle} of ${JSON.stringify(key)}`;
  const gone = (key: string, handle: string, cause: unknown) =>
    new AppError('not_found', `no multipart ${upload(key, handle)} in bucket ${bucket} (completed, aborted or expired)`, { cause });
  const failure = (e: unknown, key: string, handle: string, action: string): Error =>
    nameOf(e) === 'NoSuchUpload' ? gone(key, handle, e) : mapError(e, action);

  const listAll = async (key: string, handle: string): Promise<StoredPart[]> => {
    const parts: StoredPart[] = [];
    let marker: string | undefined;
    do {
      let page: ListPartsCommandOutput;
      try {
        page = await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: handle, PartNumberMarker: marker }));
      } catch (e) {
        throw failure(e, key, handle, `listing the parts of ${upload(key, handle)}`);
      }
      for (const p of page.Parts ?? []) {
        if (p.PartNumber !== undefined && p.ETag) parts.push({ number: p.PartNumber, etag: p.ETag, size: p.Size ?? 0 });
      }
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker);
    return parts.sort((a, b) => a.number - b.number);
  };

  return {
    mode: 'direct',

    async start(key, { contentType }) {
      validateKey(key);
      const action = `starting a multipart upload of ${JSON.stringify(key)}`;
      let id: string | undefined;
      try {
        id = (await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }))).UploadId;
      } catch (e) {
        throw mapError(e, action);
      }
      if (!id) throw new AppError('unavailable', `bucket ${bucket} answered no upload id (${action})`);
      return id;
    },

    async partUrl(key, handle, number, size, expiresInSeconds) {
      validateKey(key);
      checkHandle(handle);
      checkPartNumber(number);
      checkWhole('a part size', size, 0, MAX_PART_BYTES);
      checkWhole('a URL lifetime in seconds', expiresInSeconds, 1, MAX_URL_SECONDS);
      const command = new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: handle, PartNumber: number, ContentLength: size });
      // On AWS the SDK adds a CRC32 of the (absent) body, which the presigner
      // turns into query parameters no browser PUT can match. Drop them after
      // the checksum step (build) and before signing (finalizeRequest).
      command.middlewareStack.add(
        (next) => async (args) => {
          const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
          for (const name of Object.keys(headers)) if (CHECKSUM_HEADER.test(name)) delete headers[name];
          return next(args);
        },
        { step: 'build', priority: 'low', name: 'mprUnchecksummedPartUrl' },
      );
      try {
        // content-length is signed already once ContentLength is set; naming it keeps that true whatever the presigner's defaults become.
        return await getSignedUrl(client, command, { expiresIn: expiresInSeconds, signableHeaders: new Set(['content-length']) });
      } catch (e) {
        throw mapError(e, `signing a URL for part ${number} of ${upload(key, handle)}`);
      }
    },

    async putPart(key, handle, number, body, maxBytes) {
      try {
        validateKey(key);
        checkHandle(handle);
        checkPartNumber(number);
        checkWhole('maxBytes', maxBytes, 0, MAX_PART_BYTES);
      } catch (e) {
        await body.cancel(e).catch(() => {});
        throw e;
      }
      // UploadPart needs the length before the first byte: hold the part (at most maxBytes) in memory.
      const bytes = await readAtMost(body, maxBytes, number);
      const action = `uploading part ${number} of ${upload(key, handle)}`;
      let etag: string | undefined;
      try {
        const res = await client.send(
          new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: handle, PartNumber: number, Body: bytes, ContentLength: bytes.byteLength }),
        );
        etag = res.ETag;
      } catch (e) {
        throw failure(e, key, handle, action);
      }
      if (!etag) throw new AppError('unavailable', `bucket ${bucket} answered no ETag (${action})`);
      return { number, etag, size: bytes.byteLength };
    },

    async listParts(key, handle) {
      validateKey(key);
      checkHandle(handle);
      return listAll(key, handle);
    },

    async complete(key, handle, parts) {
      validateKey(key);
      checkHandle(handle);
      checkPartList(parts);
      // S3 would refuse a wrong etag too, but as "InvalidPart" without saying which.
      const received = new Map((await listAll(key, handle)).map((p) => [p.number, p]));
      let size = 0;
      const joined = parts.map(({ number, etag }) => {
        const part = received.get(number);
        if (!part) throw new AppError('validation', `part ${number} was not received`);
        if (bareEtag(part.etag) !== bareEtag(etag)) throw new AppError('validation', `part ${number}: etag ${etag} is not the received part's ${part.etag}`);
        size += part.size;
        return { PartNumber: number, ETag: part.etag };
      });
      const action = `completing ${upload(key, handle)}`;
      const started = new Date();
      try {
        await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: handle, MultipartUpload: { Parts: joined } }));
      } catch (e) {
        const name = nameOf(e) ?? '';
        if (REFUSED_PARTS.has(name)) {
          const part = (e as { PartNumber?: string }).PartNumber;
          throw new AppError('validation', `${action}: ${name}${part ? ` (part ${part})` : ''}: ${errorMessage(e)}`, { cause: e });
        }
        throw failure(e, key, handle, action);
      }
      // CompleteMultipartUpload answers no size or date: the parts' sizes add up, and the clock is close to LastModified.
      return { key, size, modifiedAt: started.toISOString() };
    },

    async abort(key, handle) {
      validateKey(key);
      checkHandle(handle);
      try {
        await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: handle }));
      } catch (e) {
        if (nameOf(e) === 'NoSuchUpload') return;
        throw mapError(e, `aborting ${upload(key, handle)}`);
      }
    },
  };
};
