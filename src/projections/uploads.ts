/**
 * The Upload read model: each upload's target, shape, owner, standing and
 * expiry, for the list a user resumes from, the one-key-one-upload check,
 * and the sweep that expires stale ones.
 */
import type { Database } from 'bun:sqlite';
import { streamId, streamKind } from '../events/index.ts';
import type { UploadMode } from '../events/upload.ts';
import type { Projection } from './projection.ts';
import { defineTable } from './table.ts';

export interface UploadView {
  id: string;
  key: string;
  filename: string;
  folder: string;
  size: number;
  content_type: string;
  part_size: number;
  part_count: number;
  mode: UploadMode;
  handle: string;
  status: 'open' | 'completed' | 'aborted' | 'expired';
  created_by: string;
  created_at: string;
  expires_at: string;
  updated_at: string;
  asset_id: string | null;
}

export const uploadsTable = defineTable<UploadView>({
  name: 'uploads',
  key: ['id'],
  columns: {
    id: 'TEXT',
    key: 'TEXT',
    filename: 'TEXT',
    folder: 'TEXT',
    size: 'INTEGER',
    content_type: 'TEXT',
    part_size: 'INTEGER',
    part_count: 'INTEGER',
    mode: 'TEXT',
    handle: 'TEXT',
    status: 'TEXT',
    created_by: 'TEXT',
    created_at: 'TEXT',
    expires_at: 'TEXT',
    updated_at: 'TEXT',
    asset_id: 'TEXT',
  },
  indexes: [['status', 'expires_at'], ['key'], ['created_by', 'created_at']],
});

export const uploadsProjection: Projection<UploadView> = {
  name: 'uploads',
  version: 1,
  table: uploadsTable,
  keyOf: (e) => (streamKind(e.stream) === 'upload' ? [streamId(e.stream)] : null),
  fold: (v, e) => {
    switch (e.type) {
      case 'UploadStarted': {
        const d = e.data;
        return {
          id: d.uploadId,
          key: d.key,
          filename: d.filename,
          folder: d.folder,
          size: d.size,
          content_type: d.contentType,
          part_size: d.partSize,
          part_count: d.partCount,
          mode: d.mode,
          handle: d.handle,
          status: 'open',
          created_by: d.createdBy,
          created_at: d.at,
          expires_at: d.expiresAt,
          updated_at: d.at,
          asset_id: null,
        };
      }
      case 'UploadCompleted':
        return v && { ...v, status: 'completed', asset_id: e.data.assetId, updated_at: e.data.at };
      case 'UploadAborted':
        return v && { ...v, status: 'aborted', updated_at: e.data.at };
      case 'UploadExpired':
        return v && { ...v, status: 'expired', updated_at: e.data.at };
      default:
        return null;
    }
  },
};

export const findUpload = (db: Database, id: string): UploadView | null => uploadsTable.load(db, [id]);

/** The open upload that will become `key`, if any. */
export const openUploadOfKey = (db: Database, key: string): UploadView | null =>
  uploadsTable.select(db, "WHERE key = ? AND status = 'open' LIMIT 1", [key])[0] ?? null;

/** A user's uploads (null: everyone's), newest first; `open` only the ones still open. */
export const listUploads = (
  db: Database,
  q: { createdBy: string | null; openOnly: boolean; limit: number; offset: number },
): { rows: UploadView[]; total: number } => {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (q.createdBy !== null) {
    where.push('created_by = ?');
    params.push(q.createdBy);
  }
  if (q.openOnly) where.push("status = 'open'");
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  return {
    rows: uploadsTable.select(db, `${clause} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`, [...params, q.limit, q.offset]),
    total: uploadsTable.count(db, clause, params),
  };
};

/** Open uploads whose time ran out by `nowIso`, oldest first. */
export const staleUploads = (db: Database, nowIso: string, limit = 100): UploadView[] =>
  uploadsTable.select(db, "WHERE status = 'open' AND expires_at <= ? ORDER BY expires_at LIMIT ?", [nowIso, limit]);
