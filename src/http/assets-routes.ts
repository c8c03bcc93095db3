/** `/api/assets`: scan the input store, list and filter assets, comment, re-probe, delete (optionally with outputs). */
import { Elysia, t } from 'elysia';
import { probeObject, scanAssets } from '../actors/scan.ts';
import { AppError } from '../errors.ts';
import { ASSET_SORTS, findAsset, queryAssets, registeredAssets, type AssetQuery, type AssetSortBy, type AssetView } from '../projections/index.ts';
import type { System } from '../system.ts';
import { assetDto, objectBody, oneOf, parsePage } from './dto.ts';
import { json, responses } from './openapi-responses.ts';
import { optionalJson, strict } from './input.ts';
import { documented, queryInteger } from './schema-kinds.ts';
import { CommentBody, idParams, ScanBody } from './schemas.ts';

/** What the assets routes read and command. */
export type AssetsRoutesDeps = Pick<System, 'db' | 'log' | 'runtime' | 'actors' | 'projections' | 'storage' | 'bins' | 'now'>;
type Deps = AssetsRoutesDeps;

export interface AssetsRoutesOptions {
  /** How long a delete with deleteOutputs waits for the asset-outputs router before answering 202; 30 s. */
  outputsWaitMs?: number;
  /** How often it looks at the asset's stream meanwhile; 50 ms. */
  pollMs?: number;
}

// Not a model in schemas.ts (another module's): described here, where it is answered.
const PENDING_OUTPUTS = {
  description: 'Deleted; its outputs are still being removed',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: { deleted: { const: true, type: 'boolean' }, outputsDeleted: { type: 'null' }, pending: { const: true, type: 'boolean' } },
        required: ['deleted', 'outputsDeleted', 'pending'],
      },
    },
  },
};

type Query = Record<string, string | undefined>;
const SORTS: readonly string[] = ASSET_SORTS;

// Query values stay strings, bounded here and checked by hand (dto.ts), so
// a bad one answers a sentence naming the parameter instead of a schema dump.
const idParam = idParams('asset');
const listQuery = t.Object({
  status: t.Optional(t.String({ maxLength: 16, description: 'ready | invalid | missing' })),
  kind: t.Optional(t.String({ maxLength: 16, description: 'video | audio' })),
  q: t.Optional(t.String({ maxLength: 200, description: 'case-insensitive substring of the key or the comment' })),
  sort: t.Optional(t.String({ maxLength: 32, description: 'key | name | registeredAt | size | duration; prefix - for descending (default key)' })),
  limit: queryInteger('page size', { minimum: 1, maximum: 500, default: 50 }),
  offset: queryInteger('items to skip', { minimum: 0, default: 0 }),
});
const deleteQuery = t.Object({ deleteOutputs: t.Optional(documented(t.Boolean({ description: 'also delete the outputs of its jobs (default false)' }))) });

const loadAsset = (s: Deps, id: string): AssetView => {
  const a = findAsset(s.db, id);
  if (!a) throw new AppError('not_found', `no asset ${id}`);
  return a;
};

/** `?sort=by` or `-by` (descending); default key. */
const parseSort = (v: string | undefined): AssetQuery['sort'] => {
  const sort = v ?? 'key';
  const desc = sort.startsWith('-');
  const by = desc ? sort.slice(1) : sort;
  if (!SORTS.includes(by)) throw new AppError('validation', `sort: one of ${SORTS.join(', ')} (prefix - for descending), got "${sort}"`);
  return { by: by as AssetSortBy, desc };
};

/** The list's filter and order from the query string, checked in the order the messages have always come in. */
const parseAssetQuery = (q: Query): AssetQuery => {
  const status = oneOf('status', q.status, ['ready', 'invalid', 'missing'] as const);
  const kind = oneOf('kind', q.kind, ['video', 'audio'] as const);
  return { status, kind, q: q.q || undefined, sort: parseSort(q.sort) };
};

const listAssets = (s: Deps, q: Query) => {
  const page = parsePage(q);
  const { rows, total } = queryAssets(s.db, parseAssetQuery(q), page);
  return { items: rows.map(assetDto), total };
};

/**
 * The asset-outputs router's record of the deletion at `version` of the
 * asset's stream (what it removed), or null if none came within `waitMs`.
 */
const outputsDeletedAfter = async (s: Deps, stream: string, version: number, o: Required<AssetsRoutesOptions>): Promise<number | null> => {
  const deadline = Date.now() + o.outputsWaitMs;
  for (;;) {
    const later = await s.log.readStream(stream, version + 1);
    const done = later.find((e) => e.type === 'AssetOutputsDeleted');
    if (done) {
      // Answered once the jobs read model says so too: a job read next shows its outputs deleted.
      await s.projections.waitFor(done.position);
      return (done.data as { objects: number }).objects;
    }
    if (Date.now() >= deadline) return null;
    await Bun.sleep(o.pollMs);
  }
};

export const assetsRoutes = (s: AssetsRoutesDeps, opts: AssetsRoutesOptions = {}) => {
  const wait = { outputsWaitMs: opts.outputsWaitMs ?? 30_000, pollMs: opts.pollMs ?? 50 };
  return new Elysia({ prefix: '/assets', detail: { tags: ['assets'] } })
    .get('', ({ query }) => listAssets(s, query as Query), {
      query: listQuery,
      transform: strict({ body: false, query: listQuery }),
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
        const r = await scanAssets(
          { runtime: s.runtime, input: s.storage.input, bins: s.bins, now: s.now, registered: registeredAssets(s.db) },
          { prefix: b.prefix as string | undefined, actor: 'api' },
        );
        await s.projections.waitFor(await s.log.head());
        return r;
      },
      {
        body: t.Optional(ScanBody),
        // optionalJson reads the body; 'json' after it is never reached, and only tells the OpenAPI document the body is JSON.
        parse: [optionalJson, 'json'],
        transform: strict({ body: ScanBody }),
        detail: {
          summary:
            'Scan the input store: probe and register new or changed media files, mark registered ones that are gone as missing → { found, registered, skipped, updated, restored, missing, keys, missingKeys }',
          responses: responses({ 200: json('ScanResult', 'What the scan found and did') }, 400, 503),
        },
      },
    )
    .get('/:id', ({ params }) => assetDto(loadAsset(s, params.id)), {
      params: idParam,
      transform: strict({ body: false }),
      detail: { summary: 'One asset, with its probe', responses: responses({ 200: json('Asset', 'The asset') }, 404) },
    })
    .patch(
      '/:id',
      async ({ params, body }) => {
        const b = objectBody(body, ['comment']);
        if (typeof b.comment !== 'string') throw new AppError('validation', 'comment: a string is required');
        loadAsset(s, params.id);
        const r = await s.actors.asset(params.id).execute({ type: 'CommentAsset', data: { comment: b.comment, at: s.now() } }, { actor: 'api' });
        await s.projections.waitFor(r.position);
        return assetDto(loadAsset(s, params.id));
      },
      {
        params: idParam,
        body: CommentBody,
        transform: strict({ body: CommentBody }),
        detail: { summary: "Edit an asset's comment", responses: responses({ 200: json('Asset', 'The asset with its new comment') }, 400, 404) },
      },
    )
    .post(
      '/:id/probe',
      async ({ params }) => {
        const a = loadAsset(s, params.id);
        const o = await s.storage.input.stat(a.key);
        if (!o) throw new AppError('invalid_state', `${a.key} is no longer in the input store`);
        const facts = await probeObject({ input: s.storage.input, bins: s.bins }, o);
        const r = await s.actors.asset(a.id).execute({ type: 'ReprobeAsset', data: { ...facts, at: s.now() } }, { actor: 'api' });
        await s.projections.waitFor(r.position);
        return assetDto(loadAsset(s, a.id));
      },
      {
        params: idParam,
        transform: strict({ body: false }),
        detail: { summary: 'Probe an asset again', responses: responses({ 200: json('Asset', 'The asset as probed now') }, 404, 409, 503) },
      },
    )
    .delete(
      '/:id',
      async ({ params, query, status }) => {
        const deleteOutputs = oneOf('deleteOutputs', (query as Query).deleteOutputs, ['true', 'false'] as const) === 'true';
        loadAsset(s, params.id);
        const asset = s.actors.asset(params.id);
        const r = await asset.execute({ type: 'DeleteAsset', data: { deleteOutputs, at: s.now() } }, { actor: 'api' });
        // The outputs go in the asset-outputs router (an effect, redone after a crash); its record says how many went.
        const outputsDeleted = deleteOutputs ? await outputsDeletedAfter(s, asset.stream, r.events[0]!.version, wait) : 0;
        await s.projections.waitFor(r.position);
        if (outputsDeleted === null) return status(202, { deleted: true as const, outputsDeleted: null, pending: true as const });
        return { deleted: true, outputsDeleted };
      },
      {
        params: idParam,
        query: deleteQuery,
        transform: strict({ body: false, query: deleteQuery }),
        detail: {
          summary: 'Delete an asset record (the input file stays; ?deleteOutputs=true also removes its jobs’ outputs)',
          description:
            'With deleteOutputs=true the outputs are removed in the background (the asset-outputs router) and the answer waits for that, up to 30 s, to say how many files went. Past that it answers 202 { deleted: true, outputsDeleted: null, pending: true }: the asset is deleted and the router is still removing its outputs (an AssetOutputsDeleted event on the asset’s stream says when they went).',
          responses: responses({ 200: json('AssetDeleted', 'Deleted'), 202: PENDING_OUTPUTS }, 400, 404, 503),
        },
      },
    );
};
