/**
 * Picks the storage for each side from the config: a side with a bucket
 * lives on S3 (at S3_ENDPOINT_URL, or AWS when that is unset), a side
 * without one in its folder. Credentials come from the SDK's usual chain
 * (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profile, instance role), so
 * they never pass through Config or logs.
 */
import type { Config } from '../config.ts';
import { createFsStorage } from './fs.ts';
import type { Storage } from './index.ts';
import { createS3Storage } from './s3.ts';

export type StorageConfig = Pick<Config, 'mediaIn' | 'mediaOut' | 's3EndpointUrl' | 's3BucketIn' | 's3BucketOut'>;

export const storageFromConfig = (c: StorageConfig): { input: Storage; output: Storage } => {
  const side = (bucket: string | null, folder: string): Storage => (bucket ? createS3Storage({ bucket, endpoint: c.s3EndpointUrl }) : createFsStorage(folder));
  return { input: side(c.s3BucketIn, c.mediaIn), output: side(c.s3BucketOut, c.mediaOut) };
};
