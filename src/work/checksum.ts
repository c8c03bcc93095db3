/**
 * The `checksum` job kind: SHA-256 of a file's byte ranges, hashed in
 * parallel chunks, combined into a hash list. Small, but real work through
 * the same actors, routers and replay as transcoding.
 */
import { stat } from 'node:fs/promises';
import { AppError, errorMessage } from '../errors.ts';
import type { ChunkSpec } from '../events/job.ts';
import type { JobKind } from './kinds.ts';

interface ChecksumParams {
  path: string;
  chunkBytes: number;
}

const MIN_CHUNK = 4096;

/** Pure: byte ranges [start, end) of at most chunkBytes covering size bytes (one empty range for an empty file). */
export const planRanges = (size: number, chunkBytes: number): ChunkSpec[] => {
  const count = Math.max(1, Math.ceil(size / chunkBytes));
  return Array.from({ length: count }, (_, n) => ({ n, spec: { start: n * chunkBytes, end: Math.min(size, (n + 1) * chunkBytes) } }));
};

/** Pure: the hash of the ordered chunk hashes. */
export const combineHashes = (hashes: string[]): string => {
  const h = new Bun.CryptoHasher('sha256');
  for (const x of hashes) h.update(x);
  return h.digest('hex');
};

const params = (p: Record<string, unknown>): ChecksumParams => p as unknown as ChecksumParams;

export const checksumKind: JobKind = {
  name: 'checksum',
  validate(p) {
    if (typeof p.path !== 'string' || p.path.length === 0) throw new AppError('validation', 'checksum needs params.path, a file path');
    const chunkBytes = p.chunkBytes ?? 1024 * 1024;
    if (typeof chunkBytes !== 'number' || !Number.isInteger(chunkBytes) || chunkBytes < MIN_CHUNK) {
      throw new AppError('validation', `params.chunkBytes must be a whole number >= ${MIN_CHUNK}`);
    }
    return { path: p.path, chunkBytes };
  },
  async plan(p) {
    const { path, chunkBytes } = params(p);
    let size: number;
    try {
      const s = await stat(path);
      if (!s.isFile()) throw new Error('not a regular file');
      size = s.size;
    } catch (e) {
      throw new AppError('validation', `cannot read ${path}: ${errorMessage(e)}`);
    }
    return planRanges(size, chunkBytes);
  },
  async run(chunk, p, { signal, progress }) {
    const { start, end } = chunk.spec as { start: number; end: number };
    const hasher = new Bun.CryptoHasher('sha256');
    // Streamed, so a large range never sits in memory whole.
    const reader = Bun.file(params(p).path).slice(start, end).stream().getReader();
    let bytes = 0;
    for (;;) {
      if (signal.aborted) {
        await reader.cancel();
        throw new AppError('invalid_state', 'cancelled');
      }
      const { done, value } = await reader.read();
      if (done) break;
      hasher.update(value);
      bytes += value.byteLength;
      progress({ percent: end > start ? (bytes / (end - start)) * 100 : 100 });
    }
    if (bytes !== end - start) throw new AppError('unrecoverable', `file changed while hashing: read ${bytes} of ${end - start} bytes`);
    return { sha256: hasher.digest('hex'), bytes };
  },
  combine(results) {
    const rs = results as { sha256: string; bytes: number }[];
    return { sha256List: combineHashes(rs.map((r) => r.sha256)), bytes: rs.reduce((a, r) => a + r.bytes, 0), chunks: rs.length };
  },
};
