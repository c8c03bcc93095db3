/**
 * Uploads, end to end: create (a checked target, a part plan, the store's
 * multipart upload, an `upload:<id>` stream), the parts (presigned bucket
 * URLs, or signed URLs to MPR that relay into a staging folder), progress
 * for a resume, completion (the parts checked against the plan, joined at
 * the key, probed and registered as an asset), abort, and the sweep that
 * expires uploads left open. Owners see their uploads; admins see all;
 * anyone else is told there is no such upload.
 */
import type { Database } from 'bun:sqlite';
import { actorsOf } from '../actors/registry.ts';
import type { Runtime } from '../actors/runtime.ts';
import { isMediaKey, probeObject } from '../actors/scan.ts';
import { AppError } from '../errors.ts';
import { assetIdFor } from '../events/asset.ts';
import type { UploadMode } from '../events/upload.ts';
import type { Binaries } from '../media/binaries.ts';
import { findAsset } from '../projections/asset-queries.ts';
import { findUpload, openUploadOfKey, staleUploads, type UploadView } from '../projections/uploads.ts';
import type { MultipartUploads, StoredPart } from '../storage/multipart.ts';
import type { StoredObject } from '../storage/index.ts';
import { joinKey, type Storage } from '../storage/index.ts';
import { checkNewFolder, checkNewName } from '../storage/names.ts';
import type { CompletedUpload, CreatedUpload, CreateUploadRequest, UploadDto, UploadPartSlot, UploadProgress } from '../types/uploads.ts';
import { checkCompletion, isPartNumber, type PartPlan, planParts, slotSize, wholeParts } from './plan.ts';
import { newId } from '../ids.ts';

export interface UploadsDeps {
  runtime: Runtime;
  db: Database;
  input: Storage;
  /** Where a folder store keeps parts until they are joined (in the data folder, never in the input folder a scan reads). */
  stagingDir: string;
  bins: () => Binaries;
  now: () => string;
  /** The query string of a signed part URL (relay mode). */
  signPart: (uploadId: string, number: number, expSeconds: number) => Promise<string>;
  /** MPR_PUBLIC_URL: relay part URLs are absolute under it; without it they are paths on this server. */
  publicUrl: string | null;
  maxUploadBytes: number;
  ttlSeconds: number;
  /** Smallest part (tests use small ones; S3 needs 5 MiB but for the last). */
  minPartBytes?: number;
  /** Waits until the read models have folded the log up to `position`. */
  caughtUp: (position: number) => Promise<void>;
}

/** Who is asking: uploads are their creator's (admins see all). */
export interface Caller {
  userId: string;
  role: string;
}

/** S3 presigned URLs live 7 days at most. */
const MAX_URL_SECONDS = 7 * 24 * 3600;
const CONTENT_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

export const uploadDto = (v: UploadView): UploadDto => ({
  id: v.id,
  key: v.key,
  filename: v.filename,
  folder: v.folder,
  size: v.size,
  contentType: v.content_type,
  partSize: v.part_size,
  partCount: v.part_count,
  status: v.status,
  mode: v.mode,
  createdBy: v.created_by,
  createdAt: v.created_at,
  expiresAt: v.expires_at,
  assetId: v.asset_id,
});

const planOf = (v: Pick<UploadView, 'size' | 'part_size' | 'part_count'>): PartPlan => ({ size: v.size, partSize: v.part_size, partCount: v.part_count });

export const createUploads = (d: UploadsDeps) => {
  let parts: MultipartUploads | null = null;
  const multipart = (): MultipartUploads => {
    parts ??= d.input.multipart(d.stagingDir);
    return parts;
  };
  const actors = actorsOf(d.runtime);
  /** One completion per upload at a time in this process (a double click, a retried request). */
  const completing = new Map<string, Promise<CompletedUpload>>();

  /** The upload as its caller may see it: a stranger's or an unknown id is "no such upload". */
  const visible = async (caller: Caller, id: string): Promise<UploadView> => {
    const v = findUpload(d.db, id);
    if (!v || (v.created_by !== caller.userId && caller.role !== 'admin')) throw new AppError('not_found', `no upload ${id}`);
    return v;
  };

  const partUrls = async (v: UploadView, numbers: readonly number[]): Promise<UploadPartSlot[]> => {
    const plan = planOf(v);
    const expSeconds = Math.floor(Date.parse(v.expires_at) / 1000);
    const ttl = Math.max(1, Math.min(MAX_URL_SECONDS, expSeconds - Math.floor(Date.parse(d.now()) / 1000)));
    const base = (d.publicUrl ?? '').replace(/\/+$/, '');
    return Promise.all(
      numbers.map(async (number) => {
        const size = slotSize(plan, number);
        const direct = v.mode === 'direct' ? await multipart().partUrl(v.key, v.handle, number, size, ttl) : null;
        const url = direct ?? `${base}/api/uploads/${v.id}/parts/${number}?${await d.signPart(v.id, number, expSeconds)}`;
        return { number, size, url };
      }),
    );
  };

  const mustBeOpen = (v: UploadView) => {
    if (v.status !== 'open') throw new AppError('invalid_state', `upload ${v.id} is ${v.status}`);
    if (Date.parse(v.expires_at) <= Date.parse(d.now())) throw new AppError('invalid_state', `upload ${v.id} expired at ${v.expires_at}; start it again`);
  };

  const storedParts = async (v: UploadView): Promise<StoredPart[]> => {
    try {
      return await multipart().listParts(v.key, v.handle);
    } catch (e) {
      if (e instanceof AppError && e.code === 'not_found')
        throw new AppError('invalid_state', `upload ${v.id}'s parts are gone from the store; start it again`);
      throw e;
    }
  };

  /** The parts joined at the key; or the file an earlier try joined before it could record it (its parts are gone, the file is whole). */
  const join = async (v: UploadView, given: readonly { number: number; etag: string }[]): Promise<StoredObject> => {
    const stored = await multipart()
      .listParts(v.key, v.handle)
      .catch((e) => (e instanceof AppError && e.code === 'not_found' ? null : Promise.reject(e)));
    const there = await d.input.stat(v.key);
    if (stored === null) {
      if (there?.size === v.size) return there;
      throw new AppError('invalid_state', `upload ${v.id}'s parts are gone from the store; start it again`);
    }
    const ordered = checkCompletion(planOf(v), stored, given);
    if (there) throw new AppError('conflict', `a file ${v.key} appeared in the input store meanwhile; abort this upload or remove that file`);
    return multipart().complete(v.key, v.handle, ordered);
  };

  const complete = async (caller: Caller, id: string, given: readonly { number: number; etag: string }[]): Promise<CompletedUpload> => {
    const v = await visible(caller, id);
    const { state } = await actors.upload(id).load();
    if (state.status === 'completed') return completedAnswer(v, state.assetId!);
    mustBeOpen({ ...v, status: state.status === 'none' ? v.status : state.status });
    const object = await join(v, given);
    if (object.size !== v.size) {
      await d.input.delete(v.key);
      throw new AppError('validation', `the joined file holds ${object.size} bytes, not the ${v.size} announced; start the upload again`);
    }
    const facts = await probeObject({ input: d.input, bins: d.bins }, object);
    const assetId = assetIdFor(v.key);
    const asset = actors.asset(assetId);
    const meta = { actor: caller.userId, correlationId: id };
    const { state: was } = await asset.load();
    if (was.status === 'active') await asset.execute({ type: 'ReprobeAsset', data: { ...facts, at: d.now() } }, meta);
    else await asset.execute({ type: 'RegisterAsset', data: { assetId, key: v.key, ...facts, at: d.now() } }, meta);
    const r = await actors.upload(id).execute({ type: 'CompleteUpload', data: { assetId, size: object.size, at: d.now() } }, meta);
    await d.caughtUp(r.position);
    return { uploadId: id, assetId, key: v.key, status: facts.status, reason: facts.reason };
  };

  const completedAnswer = (v: UploadView, assetId: string): CompletedUpload => {
    const row = findAsset(d.db, assetId);
    return { uploadId: v.id, assetId, key: v.key, status: row?.status ?? 'ready', reason: row?.reason ?? null };
  };

  return {
    async create(caller: Caller, req: CreateUploadRequest): Promise<CreatedUpload> {
      const filename = checkNewName(req.filename, 'filename');
      const folder = checkNewFolder(req.folder ?? '');
      if (!isMediaKey(filename))
        throw new AppError('validation', `filename: ${JSON.stringify(filename)} is not a video or audio file MPR reads (by its extension)`);
      if (!Number.isSafeInteger(req.size) || req.size < 1) throw new AppError('validation', 'size: a whole number of bytes, at least 1');
      if (req.size > d.maxUploadBytes)
        throw new AppError('too_large', `size: ${req.size} bytes is over this server's limit of ${d.maxUploadBytes} (MPR_MAX_UPLOAD_BYTES)`);
      if (!CONTENT_TYPE.test(req.contentType) || req.contentType.length > 200) throw new AppError('validation', 'contentType: a media type such as video/mp4');
      const key = joinKey(folder, filename);
      if (await d.input.stat(key)) throw new AppError('conflict', `${key} exists already in the input store; remove it first or upload under another name`);
      if (openUploadOfKey(d.db, key)) throw new AppError('conflict', `another upload is sending ${key} right now`);
      const plan = planParts(req.size, d.minPartBytes);
      const store = multipart();
      const handle = await store.start(key, { contentType: req.contentType });
      const id = newId(16);
      const at = d.now();
      const expiresAt = new Date(Date.parse(at) + d.ttlSeconds * 1000).toISOString();
      const mode: UploadMode = store.mode;
      const r = await actors.upload(id).execute(
        {
          type: 'StartUpload',
          data: { uploadId: id, key, filename, folder, contentType: req.contentType, ...plan, mode, handle, createdBy: caller.userId, expiresAt, at },
        },
        { actor: caller.userId, correlationId: id },
      );
      await d.caughtUp(r.position);
      const v = findUpload(d.db, id)!;
      return {
        ...uploadDto(v),
        parts: await partUrls(
          v,
          Array.from({ length: plan.partCount }, (_, i) => i + 1),
        ),
      };
    },

    async progress(caller: Caller, id: string): Promise<UploadProgress> {
      const v = await visible(caller, id);
      if (v.status !== 'open') return { ...uploadDto(v), received: [], missing: [] };
      const plan = planOf(v);
      const received = wholeParts(plan, await storedParts(v));
      const have = new Set(received.map((p) => p.number));
      const missing = Array.from({ length: plan.partCount }, (_, i) => i + 1).filter((n) => !have.has(n));
      return { ...uploadDto(v), received, missing: Date.parse(v.expires_at) > Date.parse(d.now()) ? await partUrls(v, missing) : [] };
    },

    /** A part sent to MPR (relay mode); the signed URL was checked by the guard. Refuses a body longer than its slot before storing it. */
    async receivePart(id: string, number: number, body: ReadableStream<Uint8Array> | null, declaredLength: number | null): Promise<StoredPart> {
      const v = findUpload(d.db, id);
      if (!v) throw new AppError('not_found', `no upload ${id}`);
      mustBeOpen(v);
      if (v.mode !== 'relay') throw new AppError('invalid_state', `upload ${id} sends its parts straight to the bucket, not here`);
      const plan = planOf(v);
      if (!isPartNumber(plan, number)) throw new AppError('validation', `part ${number} is not a part of this upload (1 to ${plan.partCount})`);
      const slot = slotSize(plan, number);
      if (declaredLength !== null && declaredLength > slot) throw new AppError('too_large', `part ${number} takes ${slot} bytes, not ${declaredLength}`);
      const part = await multipart().putPart(v.key, v.handle, number, body ?? new Blob([]).stream(), slot);
      if (part.size !== slot) throw new AppError('validation', `part ${number} must be ${slot} bytes; ${part.size} arrived (send it again)`);
      return part;
    },

    complete(caller: Caller, id: string, given: readonly { number: number; etag: string }[]): Promise<CompletedUpload> {
      const running = completing.get(id);
      if (running) return running;
      const p = complete(caller, id, given).finally(() => completing.delete(id));
      completing.set(id, p);
      return p;
    },

    async abort(caller: Caller, id: string): Promise<void> {
      const v = await visible(caller, id);
      if (v.status === 'completed') throw new AppError('invalid_state', `upload ${id} is completed: delete the asset instead`);
      if (v.status !== 'open') return;
      await multipart().abort(v.key, v.handle);
      const r = await actors.upload(id).execute({ type: 'AbortUpload', data: { by: caller.userId, at: d.now() } }, { actor: caller.userId, correlationId: id });
      await d.caughtUp(r.position);
    },

    /** Expires the uploads left open past their time and drops their parts; returns how many. Safe to run on several nodes at once. */
    async sweep(): Promise<number> {
      const at = d.now();
      let expired = 0;
      for (const v of staleUploads(d.db, at)) {
        await multipart().abort(v.key, v.handle);
        const r = await actors.upload(v.id).execute({ type: 'ExpireUpload', data: { at } }, { actor: 'upload-sweep', correlationId: v.id });
        if (r.events.length > 0) expired++;
        await d.caughtUp(r.position);
      }
      return expired;
    },
  };
};

export type Uploads = ReturnType<typeof createUploads>;
