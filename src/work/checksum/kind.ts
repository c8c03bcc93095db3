/**
 * The `checksum` job kind: SHA-256 of an input-store object's byte ranges,
 * hashed in parallel chunks, combined into a hash list. Small, but real work
 * through the same actors, routers and replay as transcoding. It reads only
 * through the input Storage, like every other kind: a job names a key
 * (`clips/a.mp4`), never a path on the server, so a request cannot make it
 * read /etc/passwd.
 */
import { AppError } from '../../errors.ts';
import type { ChunkSpec } from '../../events/job.ts';
import { validateKey, type Storage } from '../../storage/index.ts';
import { NO_TAGS, type JobKind } from '../../actors/job-kind.ts';

export interface ChecksumParams {
  inputKey: string;
  chunkBytes: number;
}

const MIN_CHUNK = 4096;

/** Pure: byte ranges [start, end) of at most chunkBytes covering size bytes (one empty range for an empty file). */
export const planRanges = (size: number, chunkBytes: number): ChunkSpec<RangeSpec>[] => {
  const count = Math.max(1, Math.ceil(size / chunkBytes));
  return Array.from({ length: count }, (_, n) => ({ n, spec: { start: n * chunkBytes, end: Math.min(size, (n + 1) * chunkBytes) } }));
};

/** Pure: the hash of the ordered chunk hashes. */
export const combineHashes = (hashes: string[]): string => {
  const h = new Bun.CryptoHasher('sha256');
  for (const x of hashes) h.update(x);
  return h.digest('hex');
};

/** Pure: checks and normalises a checksum job's params (AppError 'validation' naming the field). */
export const checksumParams = (p: Record<string, unknown>): ChecksumParams => {
  if ('path' in p) {
    throw new AppError('validation', 'checksum reads from the input store: give params.inputKey, a key such as "clips/a.mp4", not params.path');
  }
  if (typeof p.inputKey !== 'string' || p.inputKey.length === 0) {
    throw new AppError('validation', 'checksum needs params.inputKey, the key of an object in the input store (such as "clips/a.mp4")');
  }
  try {
    validateKey(p.inputKey);
  } catch (e) {
    throw new AppError('validation', `params.inputKey: ${(e as Error).message}`, { cause: e });
  }
  const chunkBytes = p.chunkBytes ?? 1024 * 1024;
  if (typeof chunkBytes !== 'number' || !Number.isInteger(chunkBytes) || chunkBytes < MIN_CHUNK) {
    throw new AppError('validation', `params.chunkBytes must be a whole number >= ${MIN_CHUNK}`);
  }
  return { inputKey: p.inputKey, chunkBytes };
};

export interface ChecksumResult {
  sha256List: string;
  bytes: number;
  chunks: number;
}

export interface RangeSpec {
  start: number;
  end: number;
}

export const createChecksumKind = (d: { input: Storage }): JobKind<ChecksumParams, ChecksumResult, RangeSpec> => ({
  name: 'checksum',
  validate: (p) => ({ ...checksumParams(p) }),
  tags: (p) => ({ ...NO_TAGS, sourceKey: p.inputKey }),
  async plan({ inputKey, chunkBytes }) {
    const found = await d.input.stat(inputKey);
    if (!found) throw new AppError('validation', `cannot read ${inputKey}: no such object in the input store (${d.input.describe})`);
    return planRanges(found.size, chunkBytes);
  },
  async run(chunk, p, { signal, progress }) {
    const { start, end } = chunk.spec;
    const hasher = new Bun.CryptoHasher('sha256');
    // Streamed, so a large range never sits in memory whole.
    const reader = (await d.input.get(p.inputKey, { start, end })).getReader();
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
    if (bytes !== end - start) throw new AppError('unrecoverable', `the object changed while hashing: read ${bytes} of ${end - start} bytes`);
    return { sha256: hasher.digest('hex'), bytes };
  },
  tooManyChunks: ({ chunkBytes }, count, max) => ({
    field: 'chunkBytes',
    // count ranges of chunkBytes cover the object, so this size covers it in at most `max`.
    advice: `use larger chunks (at least ${Math.ceil((count * chunkBytes) / max)} bytes)`,
  }),
  combine(results) {
    const rs = results as { sha256: string; bytes: number }[];
    return { sha256List: combineHashes(rs.map((r) => r.sha256)), bytes: rs.reduce((a, r) => a + r.bytes, 0), chunks: rs.length };
  },
});
