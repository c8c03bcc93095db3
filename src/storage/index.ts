/**
 * Where media lives: a folder or an S3-compatible bucket behind one small
 * interface. Keys are always relative (`subfolder/video3.mp4`) so the same
 * database works on both. Every method validates its key first
 * (AppError 'validation'); a backend that is missing, unreachable, refuses the
 * credentials or is out of space raises AppError 'unavailable' naming the
 * folder or bucket, which workers retry.
 */

import type { MultipartUploads } from './multipart.ts';

export interface StoredObject {
  key: string;
  size: number;
  /** ISO 8601. */
  modifiedAt: string;
}

export type Body = ReadableStream<Uint8Array> | Uint8Array | string | Blob;

export interface Storage {
  readonly backend: 'fs' | 's3';
  /** Human description for logs/status: the folder path or s3://bucket at endpoint. */
  readonly describe: string;
  /** Every object whose key starts with prefix ('' = all), sorted by key; paginates internally. */
  list(prefix?: string): Promise<StoredObject[]>;
  /** null when absent. */
  stat(key: string): Promise<StoredObject | null>;
  /**
   * Streaming read; AppError('not_found') when absent. Optional byte range
   * [start, end): clamped to the object, empty when start is past the end.
   */
  get(key: string, range?: { start: number; end?: number }): Promise<ReadableStream<Uint8Array>>;
  /**
   * Streaming write: never buffers the whole body (S3 uses multipart for big
   * bodies). Atomic for readers: an fs write goes to a temp file then rename;
   * a body stream that errors leaves nothing behind.
   */
  put(key: string, body: Body, opts?: { contentType?: string }): Promise<StoredObject>;
  /** Uploads a local file; the content type is guessed from the extension unless given. */
  putFile(key: string, localPath: string, opts?: { contentType?: string }): Promise<StoredObject>;
  /** Downloads to a local file (streamed, written to a temp file then renamed). */
  getToFile(key: string, localPath: string): Promise<void>;
  /** No error when absent. */
  delete(key: string): Promise<void>;
  /** Deletes every object under prefix; returns how many. prefix must be non-empty. */
  deletePrefix(prefix: string): Promise<number>;
  /**
   * A URL a client (or ffmpeg) can GET: S3 → a presigned GET URL valid
   * expiresInSeconds (default 3600); fs → `file://` absolute URL.
   */
  url(key: string, expiresInSeconds?: number): Promise<string>;
  /** The local file path for a key when the backend is a folder (ffmpeg reads it directly), else null. */
  localPath(key: string): string | null;
  /**
   * Multipart uploads into this store: S3's own API on a bucket ('direct',
   * `stagingDir` unused), part files under `stagingDir` on a folder ('relay';
   * keep it outside the folder, or a list would show the parts).
   */
  multipart(stagingDir: string): MultipartUploads;
}

/** What a tool such as ffmpeg opens for a key: the file itself on folders, a presigned URL on S3 (valid long enough for a long encode). */
export const toolInput = async (storage: Storage, key: string, ttlSeconds = 6 * 3600): Promise<string> =>
  storage.localPath(key) ?? (await storage.url(key, ttlSeconds));

/** A whole object's bytes (for small objects: items, manifests, images). */
export const readBytes = async (storage: Storage, key: string): Promise<Uint8Array> => new Uint8Array(await new Response(await storage.get(key)).arrayBuffer());

/** A whole object parsed as JSON (written by MPR itself, so trusted to have the shape asked for). */
export const readJson = async <T>(storage: Storage, key: string): Promise<T> => JSON.parse(await new Response(await storage.get(key)).text()) as T;

export { compareKeys, contentTypeFor, joinKey, MAX_KEY_BYTES, MAX_SEGMENT_BYTES, validateKey, validatePrefix } from './keys.ts';
export { createFsStorage } from './fs.ts';
export { nonFileAt, nonFileKind } from './file-kind.ts';
export { createFsMultipart } from './fs-multipart.ts';
export { MAX_PARTS, MIN_PART_BYTES, type MultipartUploads, type StoredPart } from './multipart.ts';
export { createS3Multipart } from './s3-multipart.ts';
export { createS3Storage, type S3StorageOptions } from './s3.ts';
export { storageFromConfig, type StorageConfig } from './factory.ts';
