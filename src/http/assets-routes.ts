/** `/api/assets`: scan the input store, list and filter assets, comment, re-probe, delete (optionally with outputs). */
import type { SQLQueryBindings } from 'bun:sqlite';
import { Elysia, t } from 'elysia';
import { assetDecider } from '../actors/asset.ts';
import { probeObject, scanAssets } from '../actors/scan.ts';
import { AppError } from '../errors.ts';
import { assetStream } from '../events/asset.ts';
import { assetsTable, jobsTable, registeredAssets, type AssetView } from '../projections/index.ts';
import type { System } from '../system.ts';
import { assetDto, objectBody, oneOf, parsePage } from './dto.ts';
import { json, responses } from './openapi-responses.ts';
import { documented, queryInteger } from './schema-kinds.ts';
import { CommentBody, ScanBody } from './schemas.ts';

type Query = Record<string, string | undefined>;

// The file name is what follows the key's last '/': rtrim strips every
// character but '/' from the end, leaving the folder, and substr skips it.
const FILE_NAME = "substr(key, length(rtrim(key, replace(key, '/', ''))) + 1) COLLATE NOCASE";
const SORTS: Record<string, string> = { key: 'key', registeredAt: 'registered_at', size: 'size', duration: 'duration', name: FILE_NAME };

// Schemas document the API in OpenAPI (models in schemas.ts). Values stay
// strings here and are checked by hand (dto.ts), so a bad one answers a
// sentence naming the parameter instead of a schema dump.
const idParam = t.Object({ id: t.String({ description: 'asset id' }) });
const listQuery = t.Object({
  status: t.Optional(t.String({ description: 'ready | invalid | missing' })),
  kind: t.Optional(t.String({ description: 'video | audio' })),
  q: t.Optional(t.String({ description: 'case-insensitive substring of the key or the comment' })),
  sort: t.Optional(t.String({ description: 'key | name | registeredAt | size | duration; prefix - for descending (default key)' })),
  limit: queryInteger('page size', { minimum: 1, maximum: 500, default: 50 }),
  offset: queryInteger('items to skip', { minimum: 0, default: 0 }),
});

const loadAsset = (s: System, id: string): AssetView => {
  const a = assetsTable.load(s.db, [id]);
  if (!a) throw new AppError('not_found', `no asset ${id}`);
  return a;
};

const listAssets = (s: System, q: Query) => {
  const { limit, offset } = parsePage(q);
  const where: string[] = [];
  const args: SQLQueryBindings[] = [];
  const status = oneOf('status', q.status, ['ready', 'invalid', 'missing'] as const);
  const kind = oneOf('kind', q.kind, ['video', 'audio'] as const);
  if (status) where.push('status = ?') && args.push(status);
  if (kind) where.push('kind = ?') && args.push(kind);
  if (q.q) {
    where.push("(lower(key) LIKE ? ESCAPE '\\' OR lower(comment) LIKE ? ESCAPE '\\')");
    const like = `%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    args.push(like, like);
  }
  const sort = q.sort ?? 'key';
  const desc = sort.startsWith('-');
  const column = SORTS[desc ? sort.slice(1) : sort];
  if (!column) throw new AppError('validation', `sort: one of ${Object.keys(SORTS).join(', ')} (prefix - for descending), got "${sort}"`);
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = assetsTable.count(s.db, clause, args);
  const rows = assetsTable.select(s.db, `${clause} ORDER BY ${column} ${desc ? 'DESC' : 'ASC'}, id LIMIT ? OFFSET ?`, [...args, limit, offset]);
  return { items: rows.map(assetDto), total };
};

export const assetsRoutes = (s: System) =>
  new Elysia({ prefix: '/assets', detail: { tags: ['assets'] } })
    .get('', ({ query }) => listAssets(s, query as Query), {
      query: listQuery,
      detail: {
        summary: 'List assets (filters: status, kind, q; sort: key|name|registeredAt|size|duration, - for descending; limit, offset)',
        responses: responses({ 200: json('AssetList', 'A page of assets') }, 400),
      },
    })
    .post(
      '/scan',
      async ({ body }) => {
        const b = objectBody(body, ['prefix']);
        if (b.prefix !== undefined && typeof b.prefix !== 'string') throw new AppError('validation', 'prefix: a key prefix string');
        const r = await scanAssets({ runtime: s.runtime, input: s.storage.input, bins: s.bins, now: s.now, registered: registeredAssets(s.db) }, { prefix: b.prefix as string | undefined, actor: 'api' });
        await s.projections.waitFor(await s.log.head());
        return r;
      },
      {
        body: t.Optional(ScanBody),
        detail: {
          summary: 'Scan the input store: probe and register new or changed media files, mark registered ones that are gone as missing → { found, registered, skipped, updated, restored, missing, keys, missingKeys }',
          responses: responses({ 200: json('ScanResult', 'What the scan found and did') }, 400, 503),
        },
      },
    )
    .get('/:id', ({ params }) => assetDto(loadAsset(s, params.id)), {
      params: idParam,
      detail: { summary: 'One asset, with its probe', responses: responses({ 200: json('Asset', 'The asset') }, 404) },
    })
    .patch(
      '/:id',
      async ({ params, body }) => {
        const b = objectBody(body, ['comment']);
        if (typeof b.comment !== 'string') throw new AppError('validation', 'comment: a string is required');
        loadAsset(s, params.id);
        const r = await s.runtime.execute(assetStream(params.id), assetDecider, { type: 'CommentAsset', data: { comment: b.comment, at: s.now() } }, { actor: 'api' });
        await s.projections.waitFor(r.position);
        return assetDto(loadAsset(s, params.id));
      },
      { params: idParam, body: CommentBody, detail: { summary: "Edit an asset's comment", responses: responses({ 200: json('Asset', 'The asset with its new comment') }, 400, 404) } },
    )
    .post(
      '/:id/probe',
      async ({ params }) => {
        const a = loadAsset(s, params.id);
        const o = await s.storage.input.stat(a.key);
        if (!o) throw new AppError('invalid_state', `${a.key} is no longer in the input store`);
        const facts = await probeObject({ input: s.storage.input, bins: s.bins }, o);
        const r = await s.runtime.execute(assetStream(a.id), assetDecider, { type: 'ReprobeAsset', data: { ...facts, at: s.now() } }, { actor: 'api' });
        await s.projections.waitFor(r.position);
        return assetDto(loadAsset(s, a.id));
      },
      { params: idParam, detail: { summary: 'Probe an asset again', responses: responses({ 200: json('Asset', 'The asset as probed now') }, 404, 409, 503) } },
    )
    .delete(
      '/:id',
      async ({ params, query }) => {
        const deleteOutputs = oneOf('deleteOutputs', (query as Query).deleteOutputs, ['true', 'false'] as const) === 'true';
        loadAsset(s, params.id);
        const r = await s.runtime.execute(assetStream(params.id), assetDecider, { type: 'DeleteAsset', data: { deleteOutputs, at: s.now() } }, { actor: 'api' });
        let outputsDeleted = 0;
        if (deleteOutputs) {
          const jobs = jobsTable.select(s.db, 'WHERE asset_id = ?', [params.id]);
          for (const j of jobs) outputsDeleted += await s.storage.output.deletePrefix(`jobs/${j.id}/`);
        }
        await s.projections.waitFor(r.position);
        return { deleted: true, outputsDeleted };
      },
      {
        params: idParam,
        query: t.Object({ deleteOutputs: t.Optional(documented(t.Boolean({ description: 'also delete the outputs of its jobs (default false)' }))) }),
        detail: {
          summary: 'Delete an asset record (the input file stays; ?deleteOutputs=true also removes its jobs’ outputs)',
          responses: responses({ 200: json('AssetDeleted', 'Deleted') }, 400, 404, 503),
        },
      },
    );
