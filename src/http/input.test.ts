/**
 * What a route answers to hostile input, on a small app wired like the real
 * one (onError → toErrorResponse): Elysia's validation in words naming the
 * field, and what the `strict` hook adds (unknown fields and parameters, a
 * body where none is taken, malformed JSON in an optional body).
 */
import { describe, expect, test } from 'bun:test';
import { Elysia, t } from 'elysia';
import { printable, toErrorResponse } from './errors.ts';
import { optionalJson, strict } from './input.ts';
import { int } from './schema-kinds.ts';
import { idParams } from './schemas.ts';

const Body = t.Object(
  {
    name: t.String({ maxLength: 80 }),
    size: t.Optional(t.Number({ minimum: 0, maximum: 53_687_091_200 })),
    count: t.Optional(int({ minimum: 1, maximum: 9 })),
    role: t.Optional(t.Union([t.Literal('admin'), t.Literal('member')])),
    video: t.Optional(
      t.Union([
        t.Object(
          { rungs: t.Array(t.Object({ height: int({ minimum: 144, maximum: 4320 }) }, { additionalProperties: false }), { maxItems: 8 }) },
          { additionalProperties: false },
        ),
        t.Null(),
      ]),
    ),
  },
  { additionalProperties: false },
);
const Query = t.Object({ q: t.Optional(t.String({ maxLength: 10 })) });
const Scan = t.Object({ prefix: t.Optional(t.String({ maxLength: 10 })) }, { additionalProperties: false });

const app = new Elysia()
  .onError(({ code, error, set }) => {
    const r = toErrorResponse(error, code);
    set.status = r.status;
    return r.body;
  })
  .post('/things', ({ body }) => body, { body: Body, query: Query, transform: strict({ body: Body, query: Query }) })
  .post('/things/checked', ({ body }) => body, { transform: strict({ body: Body, validate: true }) })
  .post('/things/:id/poke', ({ params }) => ({ poked: params.id }), { params: idParams('thing'), transform: strict({ body: false }) })
  .post('/scan', ({ body }) => ({ scanned: body }), { body: t.Optional(Scan), parse: [optionalJson, 'json'], transform: strict({ body: Scan }) })
  .get('/events', ({ query }) => query, { query: Query, transform: strict({ body: false, query: Query, alsoQuery: ['ticket'] }) });

const send = async (method: string, path: string, body?: string) => {
  const res = await app.handle(
    new Request(`http://localhost${path}`, { method, body, headers: body === undefined ? {} : { 'content-type': 'application/json' } }),
  );
  const json = (await res.json()) as { error?: { code: string; message: string } } & Record<string, unknown>;
  return [res.status, json.error ? json.error.message : (json as unknown)] as const;
};
const refused = async (method: string, path: string, body: string | undefined, message: string) =>
  expect(await send(method, path, body)).toEqual([400, message]);

describe('bodies', () => {
  test('a good body passes', async () => {
    expect(await send('POST', '/things', '{"name":"a","count":3,"video":null}')).toEqual([200, { name: 'a', count: 3, video: null }]);
  });

  test('unknown fields are named, at any depth, instead of being dropped', async () => {
    await refused('POST', '/things', '{"name":"a","foo":1}', 'unknown field body.foo (allowed here: name, size, count, role, video)');
    await refused(
      'POST',
      '/things',
      '{"name":"a","video":{"rungs":[{"height":360,"fps":30}]}}',
      'unknown field body.video.rungs[0].fps (allowed here: height)',
    );
    await refused('POST', '/things', '{"name":"a","__proto__":{"admin":true}}', 'unknown field body.__proto__ (allowed here: name, size, count, role, video)');
  });

  test('wrong types, sizes and ranges say which field and what it must be', async () => {
    await refused('POST', '/things', '{"name":5}', 'body.name: must be a string, got a whole number');
    await refused('POST', '/things', '{}', 'body.name: is required');
    await refused('POST', '/things', JSON.stringify({ name: 'x'.repeat(5_000_000) }), 'body.name: must be at most 80 characters');
    await refused('POST', '/things', '{"name":"a","size":1e300}', 'body.size: must be at most 53687091200');
    await refused('POST', '/things', '{"name":"a","count":"3"}', 'body.count: must be a whole number from 1 to 9, got a string');
    await refused('POST', '/things', '{"name":"a","count":2.5}', 'body.count: must be a whole number from 1 to 9');
    await refused('POST', '/things', '{"name":"a","role":"root"}', 'body.role: must be one of admin, member');
    await refused(
      'POST',
      '/things',
      '{"name":"a","video":{"rungs":[{"height":99999}]}}',
      'body.video.rungs[0].height: must be a whole number from 144 to 4320',
    );
    await refused(
      'POST',
      '/things',
      `{"name":"a","video":{"rungs":[${'{"height":360},'.repeat(8)}{"height":360}]}}`,
      'body.video.rungs: must have at most 8 items',
    );
  });

  test('JSON that is not an object, is malformed, or nests too deep', async () => {
    await refused('POST', '/things', '[1,2]', 'body: must be a JSON object, got an array');
    await refused('POST', '/things', '"a string"', 'body: must be a JSON object, got a string');
    await refused('POST', '/things', 'null', 'body: must be a JSON object, got null');
    await refused('POST', '/things', '{"name":', 'body: not valid JSON');
    await refused('POST', '/things', `{"name":"a","video":${'['.repeat(40)}${']'.repeat(40)}}`, 'body: nested deeper than 32 levels');
  });

  test('a body checked in the hook (validate) answers the same words', async () => {
    await refused('POST', '/things/checked', '{"name":"a","count":0}', 'body.count: must be a whole number from 1 to 9');
    await refused('POST', '/things/checked', undefined, 'body: a JSON object is required');
    expect(await send('POST', '/things/checked', '{"name":"a"}')).toEqual([200, { name: 'a' }]);
  });

  test('a route that takes no body refuses one, JSON or not, but not an empty one', async () => {
    await refused('POST', '/things/abc/poke', '{}', 'body: this route takes no body; send the request without one');
    await refused('POST', '/things/abc/poke', 'x'.repeat(10_000), 'body: this route takes no body; send the request without one');
    expect(await send('POST', '/things/abc/poke')).toEqual([200, { poked: 'abc' }]);
    expect(await send('POST', '/things/abc/poke', '')).toEqual([200, { poked: 'abc' }]);
  });

  test('an optional body may be left out, but malformed JSON is not taken for none', async () => {
    expect(await send('POST', '/scan')).toEqual([200, { scanned: {} }]);
    expect(await send('POST', '/scan', '{"prefix":"a/"}')).toEqual([200, { scanned: { prefix: 'a/' } }]);
    await refused('POST', '/scan', '{"prefix":', 'body: not valid JSON');
    await refused('POST', '/scan', '{"prefix":"a","x":1}', 'unknown field body.x (allowed here: prefix)');
  });
});

describe('path and query', () => {
  test('ids: letters, digits, - and _, at most 64; bad percent-encoding is named', async () => {
    await refused('POST', '/things/..%2Fetc/poke', undefined, 'params.id: is not a valid thing id (letters, digits, - and _)');
    await refused('POST', '/things/a%00b/poke', undefined, 'params.id: is not a valid thing id (letters, digits, - and _)');
    await refused('POST', `/things/${'x'.repeat(65)}/poke`, undefined, 'params.id: must be at most 64 characters');
    await refused('POST', '/things/%E0%A4%A/poke', undefined, 'params.id: is not valid percent-encoding');
  });

  test('unknown, repeated and over-long query parameters', async () => {
    expect(await send('GET', '/events?q=a&ticket=t')).toEqual([200, { q: 'a' }]);
    await refused('GET', '/events?limt=5', undefined, 'unknown query parameter query.limt (this route takes q, ticket)');
    await refused('GET', '/events?q=a&q=b', undefined, 'query.q: given more than once');
    await refused('GET', `/events?q=${'x'.repeat(11)}`, undefined, 'query.q: must be at most 10 characters');
    await refused('POST', '/things/abc/poke?x=1', undefined, 'unknown query parameter query.x (this route takes none)');
    await refused('GET', '/events?%00=1', undefined, 'unknown query parameter query["\\u0000"] (this route takes q, ticket)');
  });
});

describe('printable', () => {
  test('escapes control, bidi and invisible characters and cuts a long message', () => {
    expect(printable('a\u0000b\u202ec\u200bd\ne')).toBe('a\\u0000b\\u202ec\\u200bd\\u000ae');
    const long = printable('x'.repeat(10_000));
    expect(long).toHaveLength(600);
    expect(long.endsWith('…')).toBe(true);
  });
});
