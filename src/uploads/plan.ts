/**
 * An upload's arithmetic, pure: how a file is cut into parts, how big each
 * slot is, and whether the parts a store holds make up the file the client
 * announced. The service (service.ts) does the I/O around it.
 */
import { AppError } from '../errors.ts';
import type { StoredPart } from '../storage/multipart.ts';

const MiB = 1024 * 1024;
/** Parts per upload at most: S3 allows 10 000, but every part is a URL in the answer to create, so bigger files get bigger parts. */
export const MAX_UPLOAD_PARTS = 1000;
/** S3's largest part. */
export const MAX_PART_BYTES = 5 * 1024 * MiB;
export const DEFAULT_PART_BYTES = 8 * MiB;

export interface PartPlan {
  size: number;
  partSize: number;
  partCount: number;
}

/** Pure: parts of at least `minPart` bytes (whole MiB when they must grow), at most MAX_UPLOAD_PARTS of them. */
export const planParts = (size: number, minPart = DEFAULT_PART_BYTES): PartPlan => {
  const needed = Math.ceil(size / MAX_UPLOAD_PARTS);
  const partSize = needed <= minPart ? minPart : Math.ceil(needed / MiB) * MiB;
  if (partSize > MAX_PART_BYTES) throw new AppError('too_large', `a file of ${size} bytes needs parts over S3's 5 GiB limit`);
  return { size, partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
};

/** Pure: the bytes part `number` (1-based) carries: partSize, except the last, which holds the rest. */
export const slotSize = (p: PartPlan, number: number): number => (number < p.partCount ? p.partSize : p.size - p.partSize * (p.partCount - 1));

/** Pure: whether `number` names a part of the plan. */
export const isPartNumber = (p: PartPlan, number: number): boolean => Number.isInteger(number) && number >= 1 && number <= p.partCount;

const bare = (etag: string) => etag.replace(/^W\//, '').replace(/"/g, '');

/** Pure: the stored parts that are whole (the size of their slot): a part cut short by a dropped connection is not. */
export const wholeParts = (p: PartPlan, stored: readonly StoredPart[]): StoredPart[] =>
  stored.filter((s) => isPartNumber(p, s.number) && s.size === slotSize(p, s.number));

/**
 * Pure: the parts to join, in order, when the client's list names every part
 * once, each with the etag of a whole stored part; else a 'validation' error
 * naming the first part that is wrong.
 */
export const checkCompletion = (
  p: PartPlan,
  stored: readonly StoredPart[],
  given: readonly { number: number; etag: string }[],
): { number: number; etag: string }[] => {
  const byNumber = new Map(stored.map((s) => [s.number, s]));
  const seen = new Set<number>();
  for (const g of given) {
    if (!isPartNumber(p, g.number)) throw new AppError('validation', `parts: ${g.number} is not a part of this upload (1 to ${p.partCount})`);
    if (seen.has(g.number)) throw new AppError('validation', `parts: part ${g.number} is listed twice`);
    seen.add(g.number);
  }
  for (let n = 1; n <= p.partCount; n++) {
    if (!seen.has(n)) throw new AppError('validation', `parts: part ${n} of ${p.partCount} is missing from the list`);
  }
  const ordered = [...given].sort((a, b) => a.number - b.number);
  for (const g of ordered) {
    const s = byNumber.get(g.number);
    if (!s) throw new AppError('validation', `parts: part ${g.number} was never received; send it again`);
    if (bare(s.etag) !== bare(g.etag))
      throw new AppError('validation', `parts: part ${g.number}'s etag ${g.etag} is not the one stored (${s.etag}); send it again`);
    const want = slotSize(p, g.number);
    if (s.size !== want) throw new AppError('validation', `parts: part ${g.number} holds ${s.size} bytes, not ${want}; send it again`);
  }
  return ordered.map((g) => ({ number: g.number, etag: byNumber.get(g.number)!.etag }));
};
