/**
 * S3 storage (AWS, MinIO, R2, s3rver) with the v3 SDK. Big bodies go up as
 * multipart uploads in 8 MiB parts, so at most a few parts are in memory;
 * an upload whose body fails is aborted and leaves no object. Errors name
 * the bucket and endpoint, because "AccessDenied" alone sends people hunting.
 */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  type DeleteObjectsCommandOutput,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { stat as statLocal, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { AppError, errorMessage } from '../errors.ts';
import { writeFileAtomic } from './fs-write.ts';
import type { Body, Storage, StoredObject } from './index.ts';
import { compareKeys, contentTypeFor, validateKey, validatePrefix, validateRange } from './keys.ts';
import type { MultipartUploads } from './multipart.ts';
import { createS3Multipart } from './s3-multipart.ts';

export interface S3StorageOptions {
  bucket: string;
  /** An S3-compatible endpoint (MinIO, R2, s3rver); null or absent means AWS. */
  endpoint?: string | null;
  region?: string;
  /** Defaults to true when an endpoint is set: most S3-compatibles have no virtual-host buckets. */
  forcePathStyle?: boolean;
  /** Defaults to the SDK chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, instance role. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** TCP connect timeout per attempt (default 2000 ms). */
  connectTimeoutMs?: number;
  /**
   * A request fails when its socket is silent this long (default 60 000 ms):
   * an endpoint that accepts connections but never answers would otherwise
   * hang forever. It also ends a download whose reader stops reading that long.
   */
  idleTimeoutMs?: number;
  /**
   * SDK attempts per request (default 2). Kept small so a dead endpoint fails
   * in seconds: workers already retry whole steps on 'unavailable'.
   */
  maxAttempts?: number;
}

const PART_SIZE = 8 * 1024 * 1024;
/** Parts in flight per upload: bounds memory to about PART_SIZE × QUEUE_SIZE. */
const QUEUE_SIZE = 4;
/** DeleteObjects takes at most 1000 keys per request. */
const DELETE_BATCH = 1000;
/** The longest a SigV4 presigned URL may live (7 days). */
const MAX_URL_SECONDS = 7 * 24 * 3600;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ConnectionRefused',
  'ConnectionClosed',
]);
const DENIED = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'AllAccessDisabled',
]);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: { code?: string };
}

const statusOf = (e: unknown): number | undefined => (e as SdkError | null)?.$metadata?.httpStatusCode;
const isNotFound = (e: unknown): boolean => {
  const name = (e as SdkError | null)?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || (statusOf(e) === 404 && name !== 'NoSuchBucket');
};

/** A body stream wrapper that counts bytes and remembers the body's own error. */
const counted = (source: ReadableStream<Uint8Array>) => {
  const reader = source.getReader();
  const state = { bytes: 0, error: undefined as unknown, failed: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(ctl) {
        let r: Awaited<ReturnType<typeof reader.read>>;
        try {
          r = await reader.read();
        } catch (e) {
          state.failed = true;
          state.error = e;
          throw e;
        }
        if (r.done) ctl.close();
        else {
          state.bytes += r.value.byteLength;
          ctl.enqueue(r.value);
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  return { stream, state, cancel: (reason: unknown) => reader.cancel(reason).catch(() => {}) };
};

const sizeOf = (body: Exclude<Body, ReadableStream<Uint8Array>>): number =>
  typeof body === 'string' ? Buffer.byteLength(body) : body instanceof Blob ? body.size : body.byteLength;

export const createS3Storage = (opts: S3StorageOptions): Storage => {
  const { bucket } = opts;
  const endpoint = opts.endpoint ?? null;
  const region = opts.region ?? 'us-east-1';
  const at = endpoint ?? `AWS ${region}`;
  const where = `S3 bucket ${bucket} at ${at}`;
  const client = new S3Client({
    region,
    endpoint: endpoint ?? undefined,
    forcePathStyle: opts.forcePathStyle ?? endpoint !== null,
    credentials: opts.credentials,
    maxAttempts: opts.maxAttempts ?? 2,
    requestHandler: { connectionTimeout: opts.connectTimeoutMs ?? 2000, socketTimeout: opts.idleTimeoutMs ?? 60_000 },
    // Since 3.729 the SDK adds CRC32 checksums to every upload and asks for
    // them on downloads (x-amz-checksum-mode in presigned URLs); several
    // S3-compatibles reject or mangle those, so only send what an API requires.
    ...(endpoint ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
  });

  /** Maps an SDK or network error to an AppError naming the bucket; other errors (a failing body) pass through. */
  const s3Error = (e: unknown, action: string): Error => {
    if (e instanceof AppError) return e;
    const err = (e ?? {}) as SdkError;
    const name = err.name ?? '';
    const status = statusOf(e);
    const detail = err.message && err.message !== 'UnknownError' ? `: ${err.message}` : '';
    const code = err.code ?? err.cause?.code ?? '';
    const unavailable = (what: string) => new AppError('unavailable', `${where}: ${what} (${action})`, { cause: e });
    if (name === 'NoSuchBucket') return unavailable('the bucket does not exist');
    if (name === 'NoSuchKey') return new AppError('not_found', `${where}: no such object (${action})`, { cause: e });
    if (DENIED.has(name) || status === 403 || status === 401) {
      return unavailable(`access denied (check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)${detail}`);
    }
    if (name === 'CredentialsProviderError') {
      return unavailable('no credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an AWS profile)');
    }
    if (name === 'TimeoutError' || name === 'RequestTimeout') {
      return unavailable(`the endpoint did not answer in time${detail}`);
    }
    if (NETWORK_CODES.has(code) || /ECONNREFUSED/.test(err.message ?? '')) {
      return unavailable(`cannot reach the endpoint (${code || name}${detail})`);
    }
    // MinIO's XMinioStorageFull, and any store answering 507 Insufficient Storage.
    if (status === 507 || /StorageFull|InsufficientStorage/i.test(name)) {
      return new AppError('insufficient_storage', `${where}: the store is full (${action})${detail}`, { cause: e });
    }
    if (status !== undefined) return unavailable(`${name || 'error'} (HTTP ${status})${detail}`);
    return e instanceof Error ? e : new Error(String(e));
  };

  /**
   * A HEAD on a missing bucket is a bare 404, like a missing key. The first
   * time a key looks absent, HeadBucket tells the two apart; after one
   * success we trust 404s. A 403 from HeadBucket only means the credentials
   * may not list (s3:ListBucket), not that the bucket is missing.
   */
  let bucketSeen = false;
  const ensureBucket = async (action: string): Promise<void> => {
    if (bucketSeen) return;
    try {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (e) {
      if (statusOf(e) === 404) throw new AppError('unavailable', `${where}: the bucket does not exist (${action})`, { cause: e });
      if (statusOf(e) !== 403) throw s3Error(e, action);
    }
    bucketSeen = true;
  };

  const head = async (key: string): Promise<StoredObject | null> => {
    try {
      const h = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      bucketSeen = true;
      return { key, size: h.ContentLength ?? 0, modifiedAt: (h.LastModified ?? new Date()).toISOString() };
    } catch (e) {
      if (!isNotFound(e)) throw s3Error(e, `reading ${JSON.stringify(key)}`);
      await ensureBucket(`reading ${JSON.stringify(key)}`);
      return null;
    }
  };

  const notFound = (key: string) => new AppError('not_found', `no object ${JSON.stringify(key)} in ${where}`);

  const get = async (key: string, range?: { start: number; end?: number }): Promise<ReadableStream<Uint8Array>> => {
    validateKey(key);
    validateRange(key, range);
    const empty = () => new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    if (range && range.end === range.start) {
      if (!(await head(key))) throw notFound(key);
      return empty(); // S3 has no way to ask for zero bytes
    }
    const header = range ? `bytes=${range.start}-${range.end === undefined ? '' : range.end - 1}` : undefined;
    try {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: header }));
      bucketSeen = true;
      if (!res.Body) return empty();
      return res.Body.transformToWebStream() as ReadableStream<Uint8Array>;
    } catch (e) {
      if ((e as SdkError).name === 'InvalidRange' || statusOf(e) === 416) return empty(); // start past the end
      if ((e as SdkError).name === 'NoSuchKey') throw notFound(key);
      throw s3Error(e, `reading ${JSON.stringify(key)}`);
    }
  };

  const upload = async (key: string, body: Body, contentType: string): Promise<StoredObject> => {
    const action = `writing ${JSON.stringify(key)}`;
    const wrapped = body instanceof ReadableStream ? counted(body) : null;
    const started = new Date();
    try {
      await new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: wrapped ? wrapped.stream : body, ContentType: contentType },
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
        leavePartsOnError: false,
      }).done();
    } catch (e) {
      if (wrapped?.state.failed) throw wrapped.state.error; // the body's fault: report it as it is
      await wrapped?.cancel(e); // stop the producer: nobody will read the rest
      throw s3Error(e, action);
    }
    bucketSeen = true;
    // PutObject answers no size or date: we counted the bytes, and the clock
    // is close enough to LastModified (which S3 keeps in whole seconds).
    const size = wrapped ? wrapped.state.bytes : sizeOf(body as Exclude<Body, ReadableStream<Uint8Array>>);
    return { key, size, modifiedAt: started.toISOString() };
  };

  const list = async (prefix = ''): Promise<StoredObject[]> => {
    validatePrefix(prefix);
    const found: StoredObject[] = [];
    let token: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }));
      } catch (e) {
        throw s3Error(e, prefix ? `listing ${JSON.stringify(prefix)}` : 'listing the bucket');
      }
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        try {
          validateKey(o.Key);
        } catch {
          continue; // folder markers ("a/") and keys other tools wrote that our API cannot address
        }
        found.push({ key: o.Key, size: o.Size ?? 0, modifiedAt: (o.LastModified ?? new Date(0)).toISOString() });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    bucketSeen = true;
    return found.sort((a, b) => compareKeys(a.key, b.key));
  };

  let multipart: MultipartUploads | null = null;

  return {
    backend: 's3',
    describe: endpoint ? `s3://${bucket} at ${endpoint}` : `s3://${bucket} (AWS ${region})`,
    list,
    get,

    async stat(key) {
      validateKey(key);
      return head(key);
    },

    async put(key, body, o) {
      validateKey(key);
      return upload(key, body, o?.contentType ?? contentTypeFor(key));
    },

    async putFile(key, localPath, o) {
      validateKey(key);
      const s = await statLocal(localPath).catch(() => null);
      if (!s?.isFile()) throw new AppError('not_found', `local file ${localPath} does not exist (uploading to ${JSON.stringify(key)})`);
      // A BunFile is a Blob: Upload streams it part by part instead of reading it whole.
      return upload(key, Bun.file(localPath), o?.contentType ?? contentTypeFor(key));
    },

    async getToFile(key, localPath) {
      const stream = await get(key);
      const dest = resolve(localPath);
      const action = `downloading ${JSON.stringify(key)} from ${where} to ${dest}`;
      try {
        await mkdir(dirname(dest), { recursive: true });
      } catch (e) {
        await stream.cancel().catch(() => {});
        throw new AppError('unavailable', `cannot create folder ${dirname(dest)} ${action}: ${errorMessage(e)}`, { cause: e });
      }
      await writeFileAtomic(dest, stream, action).catch((e) => Promise.reject(s3Error(e, action)));
    },

    async delete(key) {
      validateKey(key);
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (e) {
        if (isNotFound(e)) return;
        throw s3Error(e, `deleting ${JSON.stringify(key)}`);
      }
    },

    async deletePrefix(prefix) {
      validatePrefix(prefix);
      if (prefix === '') throw new AppError('validation', 'deletePrefix needs a non-empty prefix; refusing to empty the whole bucket');
      const keys = (await list(prefix)).map((o) => o.key);
      let deleted = 0;
      for (let i = 0; i < keys.length; i += DELETE_BATCH) {
        const batch = keys.slice(i, i + DELETE_BATCH);
        const action = `deleting ${batch.length} objects under ${JSON.stringify(prefix)}`;
        let res: DeleteObjectsCommandOutput;
        try {
          res = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
        } catch (e) {
          throw s3Error(e, action);
        }
        const failed = res.Errors ?? [];
        if (failed.length > 0) {
          const first = failed[0]!;
          throw new AppError(
            'unavailable',
            `${where}: ${failed.length} of ${batch.length} deletes failed (${action}), first ${first.Key}: ${first.Code} ${first.Message ?? ''}`.trim(),
          );
        }
        deleted += batch.length;
      }
      return deleted;
    },

    async url(key, expiresInSeconds = 3600) {
      validateKey(key);
      if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_URL_SECONDS) {
        throw new AppError('validation', `URL lifetime must be 1..${MAX_URL_SECONDS} seconds, got ${expiresInSeconds}`);
      }
      try {
        return await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: expiresInSeconds });
      } catch (e) {
        throw s3Error(e, `signing a URL for ${JSON.stringify(key)}`);
      }
    },

    localPath(key) {
      validateKey(key);
      return null;
    },

    multipart: () => {
      multipart ??= createS3Multipart(client, bucket, s3Error);
      return multipart;
    },
  };
};
