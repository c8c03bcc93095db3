/**
 * A throwaway S3-protocol server for integration tests: s3rver runs inside
 * the test process (no Docker, no binary), on 127.0.0.1 and a port the OS
 * picks, storing into a temp folder that stop() removes. It accepts the
 * access key S3RVER (secret S3RVER). It verifies no SigV4 signature but
 * those of presigned multipart part URLs (s3rver-multipart.ts adds that,
 * with ListParts and AbortMultipartUpload, which it lacks).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { teachS3rverMultipart } from './s3rver-multipart.ts';

export interface S3Server {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** Makes a bucket (a unique `mpr-test-…` one when no name is given) and returns its name. */
  createBucket(name?: string): Promise<string>;
  stop(): Promise<void>;
}

/** What the tests pass as credentials; s3rver's built-in account. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** The part of s3rver's API used here (the package ships no types). */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  store: { putBucket(name: string): Promise<unknown> };
}
type S3rverConstructor = new (opts: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  resetOnClose: boolean;
  configureBuckets?: { name: string }[];
}) => S3rverInstance;

const HOW_TO_FIX = 's3rver is a devDependency (package.json); run `bun install` in the repository root. The S3 integration tests need it and never skip.';

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with the cipher named
 * 'des', an OpenSSL alias for 'des-cbc' that Bun's BoringSSL does not know,
 * so every second page failed with a 500. Teach node:crypto the alias (only
 * that name changes; it threw before).
 */
const aliasDesCipher = (): void => {
  const crypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto') & { __mprDesAlias?: true };
  if (crypto.__mprDesAlias) return;
  const alias = (name: string) => (name.toLowerCase() === 'des' ? 'des-cbc' : name);
  const { createCipheriv, createDecipheriv } = crypto;
  crypto.createCipheriv = ((name: string, ...rest: unknown[]) =>
    (createCipheriv as (...a: unknown[]) => unknown)(alias(name), ...rest)) as typeof createCipheriv;
  crypto.createDecipheriv = ((name: string, ...rest: unknown[]) =>
    (createDecipheriv as (...a: unknown[]) => unknown)(alias(name), ...rest)) as typeof createDecipheriv;
  crypto.__mprDesAlias = true;
};

/**
 * s3rver pages through a bucket assuming readdirSync returns names sorted, as
 * libuv does under Node; Bun returns directory order, so page 2 repeated and
 * skipped keys. Its store takes `walk` from lib/utils when first loaded, so
 * swapping in a sorted walk before loading s3rver fixes every listing.
 */
const sortS3rverWalk = (require: NodeJS.Require): void => {
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const utils = require('s3rver/lib/utils') as { walk: (dir: string, filter?: (p: string) => boolean) => Generator<string> };
  const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  utils.walk = function* walk(dir, recurseFilter): Generator<string> {
    for (const filename of fs.readdirSync(dir).sort(byBytes)) {
      const filePath = path.posix.join(dir, filename);
      if (!fs.statSync(filePath).isDirectory()) yield filePath;
      else if (!recurseFilter || recurseFilter(filePath)) yield* walk(filePath, recurseFilter);
    }
  };
};

const loadS3rver = (): S3rverConstructor => {
  aliasDesCipher();
  try {
    const require = createRequire(import.meta.url);
    sortS3rverWalk(require);
    return require('s3rver') as S3rverConstructor;
  } catch (e) {
    throw new Error(`cannot load s3rver: ${e instanceof Error ? e.message : String(e)}. ${HOW_TO_FIX}`);
  }
};

export const uniqueBucketName = (): string => `mpr-test-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export const startS3Server = async (): Promise<S3Server> => {
  const S3rver = loadS3rver();
  teachS3rverMultipart();
  const dir = mkdtempSync(join(tmpdir(), 'mpr-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, resetOnClose: true });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`s3rver did not start on 127.0.0.1: ${e instanceof Error ? e.message : String(e)}. ${HOW_TO_FIX}`);
  }
  const endpoint = `http://127.0.0.1:${address.port}`;
  let stopped = false;
  return {
    endpoint,
    async createBucket(name = uniqueBucketName()) {
      // Straight into the store: no signed CreateBucket request needed.
      await server.store.putBucket(name);
      return name;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
