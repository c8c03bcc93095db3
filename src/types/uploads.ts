/**
 * The API's shapes for direct multipart uploads: create an upload, PUT its
 * parts (in parallel, to the URLs the server hands out), complete it into an
 * asset, or abort it. Shared with the UI's uploader and the CLI; imported
 * type-only, like api.ts.
 *
 * Flow: `POST /api/uploads` → `{ id, parts: [{ number, size, url }] }`;
 * `PUT` each part's bytes to its url (exactly `size` bytes; the answer's
 * `ETag` header is the part's etag); `POST /api/uploads/:id/complete`
 * with every part's etag → the asset, registered and probed. After a
 * reload, `GET /api/uploads/:id` says which parts arrived and hands out
 * fresh URLs for the rest.
 */
import type { Page } from './api.ts';

/** `POST /api/uploads`. */
export interface CreateUploadRequest {
  /** One file name, no folders: `match 3.mp4`. */
  filename: string;
  /** Bytes; at most the server's MPR_MAX_UPLOAD_BYTES. */
  size: number;
  /** The file's media type as the client knows it (`video/mp4`); stored with the object. */
  contentType: string;
  /** A folder of the input store to put it in (`2026/cup`); the top when absent. */
  folder?: string;
}

/** One part the client sends: bytes [(number-1)·partSize, +size) of the file. */
export interface UploadPartSlot {
  number: number;
  size: number;
  /** Where to `PUT` it: a presigned URL on the bucket (S3), or a signed URL on this server (folders). Expires with the upload. */
  url: string;
}

export interface ReceivedPart {
  number: number;
  /** As the store answered it, quotes included. */
  etag: string;
  size: number;
}

export type UploadStatus = 'open' | 'completed' | 'aborted' | 'expired';

export interface UploadDto {
  id: string;
  /** The object key it becomes in the input store. */
  key: string;
  filename: string;
  folder: string;
  size: number;
  contentType: string;
  partSize: number;
  partCount: number;
  status: UploadStatus;
  /** 'direct': parts go straight to the bucket; 'relay': through this server to its folder. */
  mode: 'direct' | 'relay';
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  /** The asset it became, once completed. */
  assetId: string | null;
}

/** `POST /api/uploads`: the upload and a URL for every part. */
export interface CreatedUpload extends UploadDto {
  parts: UploadPartSlot[];
}

/** `GET /api/uploads/:id`: what arrived, and (while open) fresh URLs for the parts still missing. */
export interface UploadProgress extends UploadDto {
  received: ReceivedPart[];
  /** The parts not received yet, with fresh URLs; empty unless open. */
  missing: UploadPartSlot[];
}

/** `GET /api/uploads`: the caller's uploads (an admin's: everyone's), newest first. */
export type UploadList = Page<UploadDto>;

/** `POST /api/uploads/:id/complete`. */
export interface CompleteUploadRequest {
  parts: { number: number; etag: string }[];
}

/** `POST /api/uploads/:id/complete`: the asset the file became. */
export interface CompletedUpload {
  uploadId: string;
  assetId: string;
  key: string;
  /** The probe's verdict: 'ready', or 'invalid' with a reason (the upload still completed: the bytes are stored). */
  status: string;
  reason: string | null;
}

/** `PUT <part url>` (relay mode) answers this, with the etag in the `ETag` header too. */
export type PartReceipt = ReceivedPart;
