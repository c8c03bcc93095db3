/**
 * The OpenAPI document is what a client generator needs: every route the
 * app registers is in it with a response schema, errors are documented with
 * the shared Error model, numeric query parameters are numbers, and every
 * $ref resolves.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { testEnv, type TestEnv } from '../../test/system.ts';
import { createApp } from './app.ts';
import { componentSchemas, MODELS } from './schemas.ts';
import { signedIn } from '../../test/auth.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Query parameters that carry numbers: positions, pages, attempts, flags given as 0/1. */
const NUMERIC = new Set(['limit', 'offset', 'after', 'at', 'position', 'from', 'telemetry']);
/** Routes left out of the document on purpose: the web UI and the document itself. */
const UNDOCUMENTED = new Set(['GET /', 'GET /*', 'GET /api/openapi', 'GET /api/openapi/json']);
/** Wildcard routes OpenAPI cannot template, documented under a named parameter instead. */
const WILDCARD_AS = { '/api/outputs/*': '/api/outputs/{key}' } as Record<string, string>;

/** Actions that take no body: the path says it all (the cookie or the token says who). */
const BODYLESS = /\/(cancel|retry|probe)$|^\/api\/auth\/(refresh|logout|logout-all|ticket)$|^\/api\/detect\/(stop|pause|resume|step|clear)\//;

const docPath = (path: string) => WILDCARD_AS[path] ?? path.replace(/:([^/]+)/g, '{$1}');

let env: TestEnv;
let app: ReturnType<typeof createApp>;
let doc: Json;
beforeAll(async () => {
  env = testEnv('sqlite', 'openapi');
  const s = await env.boot();
  app = await signedIn(s, createApp(s));
  const res = await app.handle(new Request('http://localhost/api/openapi/json'));
  expect(res.status).toBe(200);
  doc = (await res.json()) as Json;
});
afterAll(() => env.cleanup());

const operations = () =>
  Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op: op as Json })));

describe('the OpenAPI document', () => {
  test('every registered route is documented with a response schema, its errors with the shared Error model', () => {
    const routes = app.routes.map((r) => `${r.method} ${r.path}`).filter((r) => !UNDOCUMENTED.has(r));
    expect(routes.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const route of routes) {
      const [method, path] = route.split(' ') as [string, string];
      const op = doc.paths[docPath(path)]?.[method.toLowerCase()] as Json | undefined;
      if (!op) {
        problems.push(`${route}: not in the document`);
        continue;
      }
      const responses = Object.entries((op.responses ?? {}) as Record<string, Json>);
      const ok = responses.filter(([status]) => status.startsWith('2'));
      if (ok.length === 0) problems.push(`${route}: no success response`);
      for (const [status, r] of ok) {
        if (status === '204' || method === 'HEAD') continue;
        const content = Object.values((r.content ?? {}) as Record<string, Json>);
        if (content.length === 0 || content.some((c) => !c.schema)) problems.push(`${route} ${status}: no response schema`);
      }
      const errors = responses.filter(([status]) => /^[45]/.test(status) && status !== '416');
      if (!errors.some(([status]) => status === '500')) problems.push(`${route}: 500 not documented`);
      for (const [status, r] of errors) {
        if (r.content?.['application/json']?.schema?.$ref !== '#/components/schemas/Error') problems.push(`${route} ${status}: not the Error model`);
      }
      const takesInput = (op.parameters ?? []).some((p: Json) => p.in === 'query') || op.requestBody;
      if (takesInput && !responses.some(([status]) => status === '400')) problems.push(`${route}: takes input but documents no 400`);
      if (['POST', 'PUT', 'PATCH'].includes(method) && !op.requestBody && !BODYLESS.test(path)) {
        problems.push(`${route}: no request body schema`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('numeric query parameters are numbers, not strings', () => {
    const params = operations().flatMap(({ path, method, op }) =>
      ((op.parameters ?? []) as Json[]).filter((p) => p.in === 'query').map((p) => ({ where: `${method} ${path} ?${p.name}`, p })),
    );
    const numeric = params.filter(({ p }) => NUMERIC.has(p.name));
    // Not vacuous: the paging and position parameters are there.
    expect(numeric.map((x) => x.where)).toEqual(
      expect.arrayContaining(['get /api/jobs ?limit', 'get /api/assets ?offset', 'get /api/events ?after', 'get /api/jobs/{id}/state ?at']),
    );
    expect(
      numeric.filter(({ p }) => p.schema?.type !== 'integer' && p.schema?.type !== 'number').map((x) => `${x.where}: ${JSON.stringify(x.p.schema)}`),
    ).toEqual([]);
    const limit = numeric.find((x) => x.where === 'get /api/jobs ?limit')!.p.schema;
    expect(limit).toMatchObject({ type: 'integer', minimum: 1, maximum: 500, default: 50 });
    // ?attempt is a number or "all".
    const attempt = params.find((x) => x.where === 'get /api/jobs/{id}/chunks ?attempt')!.p.schema;
    expect(attempt.anyOf).toEqual([
      { type: 'integer', minimum: 1 },
      { const: 'all', type: 'string' },
    ]);
  });

  test('models are shared components and every $ref resolves', () => {
    const schemas = doc.components.schemas as Json;
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(Object.keys(MODELS)));
    expect(schemas).toEqual(componentSchemas() as Json);
    const refs: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) k === '$ref' ? refs.push(x as string) : walk(x);
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(50);
    expect([...new Set(refs)].filter((r) => !schemas[r.replace('#/components/schemas/', '')])).toEqual([]);
    // Nested models are references, so a generator makes one type each.
    expect(schemas.JobList.properties.items.items).toEqual({ $ref: '#/components/schemas/Job' });
    expect(schemas.Job.properties.renditions.items).toEqual({ $ref: '#/components/schemas/Rendition' });
    expect(schemas.Job.properties.range.anyOf).toEqual([{ $ref: '#/components/schemas/TimeRange' }, { type: 'null' }]);
    expect(schemas.Error.properties.error.properties.message.type).toBe('string');
  });

  test('request bodies: a transcode takes range { start, end }; presets are described for create and replace', () => {
    const create = doc.paths['/api/jobs'].post.requestBody.content['application/json'].schema;
    expect(create.properties.range.allOf[0]).toMatchObject({ type: 'object', required: ['start', 'end'] });
    expect(doc.paths['/api/presets'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/PresetInput' });
    expect(doc.paths['/api/jobs/{id}/fork'].post.requestBody.content['application/json'].schema.properties.fromPosition.type).toBe('integer');
  });
});
