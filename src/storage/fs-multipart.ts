/**
 * Multipart uploads on a folder store ('relay'): MPR receives each part on
 * its own signed URL and keeps it in a staging folder, one folder per
 * upload, until complete joins the parts into the object through the
 * store's put (a temp file and a rename, so the object appears whole).
 *
 * Layout: `<stagingDir>/<handle>/upload.json` ({ key, contentType,
 * createdAt }) and one `<number>.<md5 hex>.part` per part. The etag is in
 * the name, so the rename that puts a part in place records its bytes and
 * its etag in one atomic step (a sidecar etag file could be left out of step
 * by a crash), and complete joins exactly the file its etag names: a part
 * re-sent meanwhile cannot slip other bytes in.
 */
import { nanoid } from 'nanoid';
import { type FileHandle, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '../errors.ts';
import { makeFolder } from './folders.ts';
import { fsError, writeFileAtomic } from './fs-write.ts';
import type { Storage } from './index.ts';
import { validateKey } from './keys.ts';
import { bareEtag, checkPartList, checkPartNumber, type MultipartUploads, type StoredPart } from './multipart.ts';

/** What nanoid() makes: 21 characters of its url-safe alphabet. Nothing else names a staging folder, so no handle walks out of it. */
const HANDLE = /^[A-Za-z0-9_-]{21}$/;
const PART_FILE = /^(\d{1,5})\.([0-9a-f]{32})\.part$/;
/** A part being received; never matches PART_FILE, so listParts and complete skip it. */
const INCOMING = '.incoming-';
const META = 'upload.json';
/** stat calls in flight while listing a folder of up to MAX_PARTS parts. */
const STAT_BATCH = 256;

interface UploadMeta {
  key: string;
  contentType: string;
  createdAt: string;
}

interface PartFile extends StoredPart {
  name: string;
  mtimeMs: number;
}

const isGone = (e: unknown): boolean => {
  const code = (e as { code?: string } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/** fh.write may write less than asked: loop until the chunk is out. */
const writeAll = async (fh: FileHandle, chunk: Uint8Array): Promise<void> => {
  for (let off = 0; off < chunk.byteLength; ) off += (await fh.write(chunk, off, chunk.byteLength - off)).bytesWritten;
};

/** The part files, one after another, as one stream read on demand: never more than a chunk of one file in memory. */
const joined = (files: readonly { number: number; path: string }[], where: string): ReadableStream<Uint8Array> => {
  let next = 0;
  let current: { number: number; reader: ReadableStreamDefaultReader<Uint8Array> } | null = null;
  const failed = (number: number, e: unknown): Error =>
    isGone(e) ? new AppError('conflict', `part ${number} vanished while ${where} (aborted meanwhile?)`, { cause: e }) : fsError(e, where);
  return new ReadableStream<Uint8Array>(
    {
      async pull(ctl) {
        for (;;) {
          if (!current) {
            const file = files[next++];
            if (!file) return ctl.close();
            try {
              // Bun.file streams in chunks of a few MiB at most; a missing file throws right here.
              current = { number: file.number, reader: Bun.file(file.path).stream().getReader() as ReadableStreamDefaultReader<Uint8Array> };
            } catch (e) {
              throw failed(file.number, e);
            }
          }
          const { number, reader } = current;
          const r = await reader.read().catch((e) => Promise.reject(failed(number, e)));
          if (!r.done) return ctl.enqueue(r.value);
          current = null;
        }
      },
      cancel: (reason) => current?.reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
};

export const createFsMultipart = (storage: Storage, stagingDir: string): MultipartUploads => {
  const root = resolve(stagingDir);

  const folderOf = (handle: string): string => {
    if (typeof handle !== 'string' || !HANDLE.test(handle)) throw new AppError('validation', `not an upload handle: ${JSON.stringify(handle)}`);
    return join(root, handle);
  };
  const gone = (key: string, handle: string, cause?: unknown) =>
    new AppError('not_found', `no upload ${handle} of ${JSON.stringify(key)} in ${root} (completed, aborted or expired)`, { cause });

  const readMeta = async (dir: string, where: string): Promise<UploadMeta | null> => {
    let text: string;
    try {
      text = await readFile(join(dir, META), 'utf8');
    } catch (e) {
      if (isGone(e)) return null;
      throw fsError(e, where);
    }
    try {
      return JSON.parse(text) as UploadMeta;
    } catch (e) {
      throw new AppError('corrupt', `${join(dir, META)} is not JSON (${where})`, { cause: e });
    }
  };

  /** The upload's folder and record; 'not_found' when it is gone or is another key's upload (S3 answers NoSuchUpload then too). */
  const load = async (key: string, handle: string, where: string): Promise<{ dir: string; meta: UploadMeta }> => {
    validateKey(key);
    const dir = folderOf(handle);
    const meta = await readMeta(dir, where);
    if (meta?.key !== key) throw gone(key, handle);
    return { dir, meta };
  };

  /** The parts by number. A number with two files (a re-send that stopped before dropping the old one) keeps the newer. */
  const scan = async (key: string, handle: string, dir: string, where: string): Promise<Map<number, PartFile>> => {
    const names = await readdir(dir).catch((e) => Promise.reject(isGone(e) ? gone(key, handle, e) : fsError(e, where)));
    const found = new Map<number, PartFile>();
    const matches = names.flatMap((name) => {
      const m = PART_FILE.exec(name);
      return m ? [{ name, number: Number(m[1]), etag: `"${m[2]}"` }] : [];
    });
    for (let i = 0; i < matches.length; i += STAT_BATCH) {
      await Promise.all(
        matches.slice(i, i + STAT_BATCH).map(async (m) => {
          const s = await stat(join(dir, m.name)).catch((e) => (isGone(e) ? null : Promise.reject(fsError(e, where))));
          const before = found.get(m.number);
          if (s && (!before || s.mtimeMs > before.mtimeMs)) found.set(m.number, { ...m, size: s.size, mtimeMs: s.mtimeMs });
        }),
      );
    }
    return found;
  };

  /** Streams `body` into `tmp`, hashing as it goes; no more than maxBytes is ever written. */
  const receive = async (body: ReadableStream<Uint8Array>, tmp: string, number: number, maxBytes: number, onGone: (e: unknown) => Error, where: string) => {
    const reader = body.getReader();
    const fh = await open(tmp, 'wx').catch(async (e) => {
      await reader.cancel(e).catch(() => {});
      return Promise.reject(isGone(e) ? onGone(e) : fsError(e, where));
    });
    const md5 = new Bun.CryptoHasher('md5');
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read(); // the body's own error passes as it is
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) throw new AppError('too_large', `part ${number} is over its ${maxBytes} bytes`);
        md5.update(value);
        await writeAll(fh, value).catch((e) => Promise.reject(fsError(e, where)));
      }
      await fh.close().catch((e) => Promise.reject(fsError(e, where)));
    } catch (e) {
      await reader.cancel(e).catch(() => {}); // stop the sender: nobody reads the rest
      await fh.close().catch(() => {});
      await rm(tmp, { force: true });
      throw e;
    } finally {
      reader.releaseLock();
    }
    return { md5: md5.digest('hex'), size };
  };

  return {
    mode: 'relay',

    async start(key, { contentType }) {
      validateKey(key);
      const handle = nanoid();
      const dir = join(root, handle);
      const where = `starting an upload of ${JSON.stringify(key)} in ${root}`;
      await makeFolder(dir).catch((e) => Promise.reject(fsError(e, where)));
      // createdAt is for people looking into the folder; expiry is the caller's (its clock, its events).
      const meta: UploadMeta = { key, contentType, createdAt: new Date().toISOString() };
      await writeFileAtomic(join(dir, META), JSON.stringify(meta), where);
      return handle;
    },

    async partUrl(key, handle, number) {
      validateKey(key);
      folderOf(handle);
      checkPartNumber(number);
      return null; // the caller signs URLs to itself and relays the bytes to putPart
    },

    async putPart(key, handle, number, body, maxBytes) {
      const where = `receiving part ${number} of upload ${handle} in ${root}`;
      let dir: string;
      try {
        checkPartNumber(number);
        if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new AppError('validation', `maxBytes must be a whole number of bytes, got ${maxBytes}`);
        dir = (await load(key, handle, where)).dir;
      } catch (e) {
        await body.cancel(e).catch(() => {});
        throw e;
      }
      const tmp = join(dir, `${INCOMING}${number}-${nanoid(8)}`);
      // ENOENT here means an abort removed the folder under us: the upload is gone.
      const { md5, size } = await receive(body, tmp, number, maxBytes, (e) => gone(key, handle, e), where);
      const name = `${number}.${md5}.part`;
      await rename(tmp, join(dir, name)).catch(async (e) => {
        await rm(tmp, { force: true });
        return Promise.reject(isGone(e) ? gone(key, handle, e) : fsError(e, where));
      });
      // Drop what this part held before; the rename above already made the new bytes the part.
      for (const other of await readdir(dir).catch(() => [])) {
        const m = PART_FILE.exec(other);
        if (m && Number(m[1]) === number && other !== name) await unlink(join(dir, other)).catch(() => {});
      }
      return { number, etag: `"${md5}"`, size };
    },

    async listParts(key, handle) {
      const where = `listing the parts of upload ${handle} in ${root}`;
      const { dir } = await load(key, handle, where);
      const parts = [...(await scan(key, handle, dir, where)).values()].sort((a, b) => a.number - b.number);
      return parts.map(({ number, etag, size }) => ({ number, etag, size }));
    },

    async complete(key, handle, parts) {
      checkPartList(parts);
      const where = `completing upload ${handle} of ${JSON.stringify(key)} in ${root}`;
      const { dir, meta } = await load(key, handle, where);
      const received = await scan(key, handle, dir, where);
      const files = parts.map(({ number, etag }) => {
        const part = received.get(number);
        if (!part) throw new AppError('validation', `part ${number} was not received`);
        if (bareEtag(part.etag) !== bareEtag(etag)) {
          throw new AppError('validation', `part ${number}: etag ${etag} is not the received part's ${part.etag}`);
        }
        return { number, path: join(dir, part.name) };
      });
      const object = await storage.put(key, joined(files, where), { contentType: meta.contentType });
      // The object is whole; a folder left behind by a failing rm goes with the caller's next abort.
      await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
      return object;
    },

    async abort(key, handle) {
      validateKey(key);
      const dir = folderOf(handle);
      const where = `aborting upload ${handle} in ${root}`;
      const meta = await readMeta(dir, where).catch((e) => {
        if (e instanceof AppError && e.code === 'corrupt') return null; // unreadable: remove it all the same
        throw e;
      });
      if (meta && meta.key !== key) return; // another key's upload: as S3, nothing to abort here
      await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch((e) => Promise.reject(fsError(e, where)));
    },
  };
};
