/**
 * A server's uploads in memory, for the uploader and uploads-store tests:
 * create, parts (bytes kept, an etag each), progress, complete (the parts
 * checked and joined), abort; plus hooks to fail or hold a part, and counts
 * of what was called.
 */
import type { CompletedUpload, CreatedUpload, UploadDto, UploadProgress } from '../../src/types/uploads.ts';
import { ApiError, type PartOptions } from '../src/api.ts';
import type { UploadsApi } from '../src/uploads/uploader.ts';

interface Held {
  dto: UploadDto;
  parts: Map<number, { etag: string; bytes: Uint8Array }>;
  joined: Uint8Array | null;
}

export interface FakeUploads {
  api: UploadsApi;
  uploads: Map<string, Held>;
  /** Every part PUT, in order: `uploadId:number`. */
  puts: string[];
  aborted: string[];
  completed: string[];
  /** The most parts of one upload in flight at once, and of uploads being sent at once. */
  maxParts: () => number;
  maxFiles: () => number;
  /** Called before a part is stored: throw to fail it; await to hold it. */
  beforePart: (uploadId: string, n: number, attempt: number) => void | Promise<void>;
  /** An upload as if made by an earlier page. */
  seed: (name: string, bytes: Uint8Array, partsSent: number[], over?: Partial<UploadDto>) => string;
}

export const fakeUploads = (partSize = 100): FakeUploads => {
  const uploads = new Map<string, Held>();
  const puts: string[] = [];
  const aborted: string[] = [];
  const completed: string[] = [];
  const tries = new Map<string, number>();
  const flying = new Map<string, number>();
  let maxParts = 0;
  const sending = new Set<string>();
  let maxFiles = 0;
  let seq = 0;

  const slot = (u: UploadDto, number: number) => ({
    number,
    size: number < u.partCount ? u.partSize : u.size - u.partSize * (u.partCount - 1),
    url: `/api/uploads/${u.id}/parts/${number}?sig=s${number}`,
  });
  const make = (filename: string, size: number, folder: string, over: Partial<UploadDto> = {}): UploadDto => {
    const id = `u${++seq}`;
    const partCount = Math.max(1, Math.ceil(size / partSize));
    const dto: UploadDto = {
      id,
      key: folder ? `${folder}/${filename}` : filename,
      filename,
      folder,
      size,
      contentType: 'video/mp4',
      partSize,
      partCount,
      status: 'open',
      mode: 'relay',
      createdBy: 'me',
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      assetId: null,
      ...over,
    };
    uploads.set(id, { dto, parts: new Map(), joined: null });
    return dto;
  };
  const held = (id: string) => {
    const h = uploads.get(id);
    if (!h) throw new ApiError(404, 'not_found', `no upload ${id}`);
    return h;
  };

  const f: FakeUploads = {
    uploads,
    puts,
    aborted,
    completed,
    maxParts: () => maxParts,
    maxFiles: () => maxFiles,
    beforePart: () => undefined,
    seed(name, bytes, partsSent, over = {}) {
      const dto = make(name, bytes.length, '', over);
      const h = uploads.get(dto.id)!;
      for (const n of partsSent) {
        const s = slot(dto, n);
        h.parts.set(n, { etag: `"${dto.id}-${n}"`, bytes: bytes.slice((n - 1) * partSize, (n - 1) * partSize + s.size) });
      }
      return dto.id;
    },
    api: {
      createUpload: async (req) => {
        if (req.size > 10_000_000) throw new ApiError(413, 'too_large', 'size: over the limit (MPR_MAX_UPLOAD_BYTES)');
        const dto = make(req.filename, req.size, req.folder ?? '');
        const created: CreatedUpload = { ...dto, parts: Array.from({ length: dto.partCount }, (_, i) => slot(dto, i + 1)) };
        return created;
      },
      getUpload: async (id) => {
        const h = held(id);
        const open = h.dto.status === 'open';
        const received = open ? [...h.parts].map(([number, p]) => ({ number, etag: p.etag, size: p.bytes.length })).sort((a, b) => a.number - b.number) : [];
        const missing = open
          ? Array.from({ length: h.dto.partCount }, (_, i) => i + 1)
              .filter((n) => !h.parts.has(n))
              .map((n) => slot(h.dto, n))
          : [];
        const p: UploadProgress = { ...h.dto, received, missing };
        return p;
      },
      putPart: async (url: string, body: Blob, o: PartOptions) => {
        const m = /^\/api\/uploads\/([^/]+)\/parts\/(\d+)\?sig=/.exec(url);
        if (!m) throw new ApiError(403, 'forbidden', 'not a part URL');
        const [id, n] = [m[1]!, Number(m[2])];
        const k = `${id}:${n}`;
        const attempt = (tries.get(k) ?? 0) + 1;
        tries.set(k, attempt);
        puts.push(k);
        flying.set(id, (flying.get(id) ?? 0) + 1);
        maxParts = Math.max(maxParts, flying.get(id)!);
        sending.add(id);
        maxFiles = Math.max(maxFiles, sending.size);
        try {
          if (o.signal.aborted) throw new DOMException('aborted', 'AbortError');
          const bytes = new Uint8Array(await body.arrayBuffer());
          o.onProgress?.(Math.floor(bytes.length / 2));
          await f.beforePart(id, n, attempt);
          if (o.signal.aborted) throw new DOMException('aborted', 'AbortError');
          const h = held(id);
          if (h.dto.status !== 'open') throw new ApiError(409, 'invalid_state', `upload ${id} is ${h.dto.status}`);
          const etag = `"${id}-${n}"`;
          h.parts.set(n, { etag, bytes });
          o.onProgress?.(bytes.length);
          return etag;
        } finally {
          flying.set(id, flying.get(id)! - 1);
          // A file counts as being sent from its first part to its completion.
        }
      },
      completeUpload: async (id, req) => {
        const h = held(id);
        sending.delete(id);
        if (h.dto.status !== 'open') throw new ApiError(409, 'invalid_state', `upload ${id} is ${h.dto.status}`);
        const numbers = req.parts.map((p) => p.number);
        if (numbers.join() !== Array.from({ length: h.dto.partCount }, (_, i) => i + 1).join())
          throw new ApiError(400, 'validation', 'parts: not every part, in order');
        for (const p of req.parts)
          if (h.parts.get(p.number)?.etag !== p.etag) throw new ApiError(400, 'validation', `parts: part ${p.number}'s etag is not the one stored`);
        const joined = new Uint8Array(h.dto.size);
        for (const [n, p] of h.parts) joined.set(p.bytes, (n - 1) * h.dto.partSize);
        h.joined = joined;
        h.dto = { ...h.dto, status: 'completed', assetId: `a-${id}` };
        completed.push(id);
        const done: CompletedUpload = { uploadId: id, assetId: `a-${id}`, key: h.dto.key, status: 'ready', reason: null };
        return done;
      },
      abortUpload: async (id) => {
        const h = held(id);
        sending.delete(id);
        if (h.dto.status === 'completed') throw new ApiError(409, 'invalid_state', 'completed');
        h.dto = { ...h.dto, status: 'aborted' };
        h.parts.clear();
        aborted.push(id);
        return null;
      },
    },
  };
  return f;
};

/** Bytes 0, 1, 2, … (mod 251) as a File. */
export const fileOf = (name: string, size: number, lastModified = 1_700_000_000_000): File => {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = i % 251;
  return new File([bytes], name, { type: 'video/mp4', lastModified });
};

export const bytesOf = async (f: Blob) => new Uint8Array(await f.arrayBuffer());
