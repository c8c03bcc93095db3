/**
 * Events of an upload stream, `upload:<id>`: one file sent in parts straight
 * to the input store. The parts themselves are not events (a 4 GB file is
 * hundreds of them): the store keeps them, and says which arrived. The
 * upload's start, and how it ended, are facts here.
 */

/** 'direct': parts go to the bucket's presigned URLs; 'relay': through MPR's signed part URLs into a folder. */
export type UploadMode = 'direct' | 'relay';

export type UploadEvent =
  | {
      type: 'UploadStarted';
      data: {
        uploadId: string;
        /** The object key it becomes in the input store: folder + filename. */
        key: string;
        filename: string;
        folder: string;
        size: number;
        contentType: string;
        partSize: number;
        partCount: number;
        mode: UploadMode;
        /** The store's handle for the multipart upload (an S3 UploadId, or a staging folder's name). */
        handle: string;
        /** The user who started it. */
        createdBy: string;
        expiresAt: string;
        at: string;
      };
    }
  | { type: 'UploadCompleted'; data: { assetId: string; size: number; at: string } }
  | { type: 'UploadAborted'; data: { by: string; at: string } }
  /** Left open past its expiry: its parts were dropped. */
  | { type: 'UploadExpired'; data: { at: string } };

export const uploadStream = (uploadId: string) => `upload:${uploadId}`;
