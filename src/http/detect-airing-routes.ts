/**
 * `/api/detect/airings`: brand airing history, read straight from its read
 * model (projections/brand-airings.ts). Every brand any completed detect job
 * saw, and for one brand the jobs that saw it.
 */
import type { Database } from 'bun:sqlite';
import { Elysia, t } from 'elysia';
import { airedBrands, brandAirings } from '../projections/index.ts';
import type { Page } from '../types/api.ts';
import { page, pageQuery } from './route-kit.ts';
import { strict } from './input.ts';
import { json, responses } from './openapi-responses.ts';

export interface DetectAiringRoutesDeps {
  db: Database;
}

const airingsQuery = t.Object({
  ...pageQuery.properties,
  brandListId: t.Optional(t.String({ maxLength: 64, description: 'only jobs run with this brand list' })),
});
const brandParams = t.Object({
  brand: t.String({ minLength: 1, maxLength: 100, description: 'the brand name, URL-encoded; any case' }),
});
const pageOf = <T>({ rows, total }: { rows: T[]; total: number }): Page<T> => ({ items: rows, total });

export const detectAiringRoutes = (s: DetectAiringRoutesDeps) =>
  new Elysia({ prefix: '/detect', detail: { tags: ['detect'] } })
    .get('/airings', ({ query }) => pageOf(airedBrands(s.db, page(query), { brandListId: query.brandListId || undefined })), {
      query: airingsQuery,
      transform: strict({ body: false, query: airingsQuery }),
      detail: {
        summary: 'Every brand seen in a completed detect run, by name, with how many runs saw it and for how long',
        responses: responses({ 200: json('AiredBrandList', 'Brands') }, 400, 401),
      },
    })
    .get('/airings/:brand', ({ params, query }) => pageOf(brandAirings(s.db, params.brand, page(query))), {
      params: brandParams,
      query: pageQuery,
      transform: strict({ body: false, query: pageQuery }),
      detail: {
        summary: "The completed detect runs that saw a brand, newest first, with that brand's figures in each (none: an empty list)",
        responses: responses({ 200: json('BrandAiringList', 'Runs that saw the brand') }, 400, 401),
      },
    });
