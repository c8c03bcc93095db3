/**
 * Multipart uploads straight into a store, for clients that send a big file
 * in parts, in parallel, and may stop and resume: S3's own multipart API on
 * a bucket (the client PUTs each part to a presigned UploadPart URL), and
 * part files in a staging folder on a folder store (MPR receives the parts
 * itself, on its signed part URLs). Completing assembles the object at its
 * key; aborting removes every part. Upload handles are opaque strings the
 * caller keeps (the upload actor's events carry them); a handle only works
 * with the key it was started for, as on S3 (any other: 'not_found').
 */
import { AppError } from '../errors.ts';
import type { StoredObject } from './index.ts';

export interface StoredPart {
  /** 1-based, as in S3. */
  number: number;
  /** Quoted, as S3 returns it (`"<md5 hex>"`). */
  etag: string;
  size: number;
}

export interface MultipartUploads {
  /** 'direct': the client PUTs parts to the store (presigned URLs); 'relay': parts come through MPR (putPart). */
  readonly mode: 'direct' | 'relay';
  /** Starts an upload of `key`; returns the store's handle for it. Nothing is visible at `key` until complete. */
  start(key: string, opts: { contentType: string }): Promise<string>;
  /**
   * 'direct' only: a URL that accepts one `PUT` of part `number`, exactly
   * `size` bytes (the length is signed, so a bigger body is refused by the
   * store), valid `expiresInSeconds`. 'relay' stores answer null.
   */
  partUrl(key: string, handle: string, number: number, size: number, expiresInSeconds: number): Promise<string | null>;
  /**
   * Stores part `number` from `body`, refusing (AppError 'too_large') a body
   * longer than `maxBytes` while it streams, so no more than that is
   * written. Re-sending a part replaces it (idempotent). This is how parts
   * arrive on 'relay' stores; 'direct' stores take it too (tests, the CLI)
   * but hold the part in memory first, as S3 needs its length up front.
   */
  putPart(key: string, handle: string, number: number, body: ReadableStream<Uint8Array>, maxBytes: number): Promise<StoredPart>;
  /** The parts received so far, by number; AppError 'not_found' when the upload is gone (completed, aborted, expired). */
  listParts(key: string, handle: string): Promise<StoredPart[]>;
  /**
   * Joins the parts, in the order given (strictly increasing numbers, each
   * matching a received part's etag, else AppError 'validation' naming the
   * part; the upload stays usable), into the object at `key`, and ends the
   * upload. Part sizes are the caller's to check (listParts): S3 refuses
   * parts under MIN_PART_BYTES but for the last, folder stores do not.
   */
  complete(key: string, handle: string, parts: readonly { number: number; etag: string }[]): Promise<StoredObject>;
  /** Drops the upload and every part it holds; no error when already gone. */
  abort(key: string, handle: string): Promise<void>;
}

/**
 * S3's bounds, which callers plan parts by on folder stores too so clients
 * see one set of rules. Both stores refuse part numbers past MAX_PARTS; only
 * S3 itself refuses a small part (at complete).
 */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PARTS = 10_000;

/** AppError 'validation' unless `number` is a part number S3 takes: an integer 1..MAX_PARTS. */
export const checkPartNumber = (number: number): void => {
  if (!Number.isInteger(number) || number < 1 || number > MAX_PARTS) {
    throw new AppError('validation', `a part number is an integer from 1 to ${MAX_PARTS}, got ${number}`);
  }
};

/** AppError 'validation' naming the first part out of place, unless `parts` is non-empty and strictly increasing by number. */
export const checkPartList = (parts: readonly { number: number; etag: string }[]): void => {
  if (parts.length === 0) throw new AppError('validation', 'completing an upload needs at least one part');
  for (const [i, part] of parts.entries()) {
    checkPartNumber(part.number);
    const before = parts[i - 1];
    if (before && part.number <= before.number) {
      throw new AppError('validation', `part ${part.number} is listed after part ${before.number}: list each part once, in increasing order`);
    }
  }
};

/** An etag as S3 compares them: without quotes (or the W/ a proxy may add). */
export const bareEtag = (etag: string): string => etag.replace(/^W\//, '').replaceAll('"', '');
