/**
 * Hostile input on every route: fast-check throws generated junk at every
 * route the app registers (walked from the router, test/routes.ts) with no
 * credentials, a read-only key and the admin's key: path parameters
 * (traversal, encodings, Unicode tricks, megabytes), query strings (unknown,
 * repeated, huge numbers), bodies (JSON of the wrong shape, deep nesting,
 * huge numbers and strings, malformed bytes, wrong content types, a body
 * where none is taken). Every answer must be below 500; every 4xx must be
 * `{ error: { code, message } }` with no stack trace; and a refused request
 * must leave the event log's head where it was.
 *
 * Event streams are judged by their status, then hung up on.
 *
 * Deterministic: a fixed seed (FUZZ_SEED to try another), printed with the
 * request and fast-check's `{ seed, path }` on failure. Bounded: a few dozen
 * requests per route and caller (FUZZ_SCALE multiplies them), plus a fixed
 * set of classics per route for the admin (5 MB strings, 10 MB bodies,
 * 10 000 levels of nesting, malformed JSON, JSON that is not an object, an
 * unknown field, other content types), which every route that changes
 * something must refuse with a 4xx.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import fc from 'fast-check';
import { adminHeaders } from '../../test/auth.ts';
import { type Route, routesOf } from '../../test/routes.ts';
import { testEnv } from '../../test/system.ts';
import { waitForJob } from '../../test/wait.ts';
import type { System } from '../system.ts';
import { createApp } from './app.ts';

const SEED = Number(Bun.env.FUZZ_SEED ?? 20_240_611);
/** Generated requests per route: the admin reaches the handlers; the others mostly meet the guard. FUZZ_SCALE=10 for a longer hunt. */
const SCALE = Number(Bun.env.FUZZ_SCALE ?? 1);
const RUNS = { admin: 30 * SCALE, read: 8 * SCALE, none: 6 * SCALE } as const;
const REQUEST_TIMEOUT_MS = 15_000;

type Caller = keyof typeof RUNS;
type Json = Record<string, any>;

/** A body to send, kept small to print: `repeat` is materialized only when sent. */
interface BodySpec {
  type: string | null;
  text?: string;
  repeat?: { before: string; unit: string; times: number; after: string };
  bytes?: number;
}

interface RequestSpec {
  /** For the classics: the request must be refused (4xx), not merely answered below 500. */
  refuse?: boolean;
  caller: Caller;
  /** The route as registered. */
  route: string;
  method: string;
  path: string;
  /** Raw query string (already encoded, hostile encodings included), without '?'. */
  query: string;
  headers: Record<string, string>;
  body: BodySpec | null;
}

const env = testEnv('sqlite', 'fuzz');
let s: System;
let app: ReturnType<typeof createApp>;
let doc: Json;
const auth: Record<Caller, Record<string, string>> = { none: {}, read: {}, admin: {} };
/** Real ids by path parameter and route prefix, so some requests reach past "not found". */
const real: Record<string, string[]> = {};

const STACK = /\bat .+:\d+:\d+|node_modules|\.ts:\d+|\/work\/|Error: /;
const CODES = new Set([
  'validation',
  'not_found',
  'invalid_state',
  'conflict',
  'too_large',
  'corrupt',
  'unavailable',
  'unauthorized',
  'forbidden',
  'rate_limited',
  'unsupported_media_type',
]);

const call = async (method: string, path: string, body?: unknown) => {
  const res = await app.handle(
    new Request(`http://localhost${path}`, {
      method,
      headers: { ...auth.admin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  return { status: res.status, json: (await res.json()) as Json };
};

/** Waits until nothing has been appended to the log for `quietMs` (routers and workers done with a success's effects). */
const quiet = async (quietMs = 300, maxMs = 20_000) => {
  const deadline = Date.now() + maxMs;
  let head = await s.log.head();
  let since = Date.now();
  while (Date.now() - since < quietMs && Date.now() < deadline) {
    await Bun.sleep(25);
    const now = await s.log.head();
    if (now !== head) {
      head = now;
      since = Date.now();
    }
  }
};

beforeAll(async () => {
  const input = join(env.dataDir, 'media/in');
  await Bun.write(join(input, 'clip.mp4'), 'not a video, but bytes to checksum');
  s = await env.boot();
  await s.start();
  app = createApp(s);
  auth.admin = await adminHeaders(s);
  const readKey = await call('POST', '/api/keys', { name: 'fuzz read', scopes: ['read'] });
  expect(readKey.status).toBe(201);
  auth.read = { authorization: `Bearer ${readKey.json.key}` };
  const spare = await call('POST', '/api/keys', { name: 'fuzz spare', scopes: ['read'] });
  const member = await call('POST', '/api/users', { email: 'fuzz-member@mpr.test', role: 'member' });
  expect(member.status).toBe(201);
  const preset = await call('POST', '/api/presets', {
    id: 'fuzz-preset',
    name: 'fuzz',
    output: 'mp4',
    video: { rungs: [{ height: 360, videoBitrate: 800_000 }] },
  });
  expect(preset.status).toBe(201);
  expect((await call('POST', '/api/assets/scan', {})).status).toBe(200);
  const asset = (await call('GET', '/api/assets')).json.items[0];
  const job = await call('POST', '/api/jobs', { kind: 'checksum', params: { inputKey: 'clip.mp4', chunkBytes: 65_536 } });
  expect(job.status).toBe(201);
  await waitForJob(s, job.json.id, ['COMPLETED', 'FAILED']);
  Object.assign(real, {
    '/api/assets': [asset.id],
    '/api/jobs': [job.json.id],
    '/api/presets': ['fuzz-preset', 'hls-abr'],
    '/api/users': [member.json.id],
    '/api/keys': [spare.json.id],
    '/api/outputs': [`jobs/${job.json.id}/checksum.json`],
  });
  doc = (await call('GET', '/api/openapi/json')).json;
  await quiet();
}, 120_000);
afterAll(() => env.cleanup());

// --- what a route takes, from the OpenAPI document: names to aim the junk at ---

const docPath = (path: string) => (path.endsWith('/*') ? `${path.slice(0, -2)}/{key}` : path.replace(/:([^/]+)/g, '{$1}'));

const resolve = (schema: Json | undefined): Json | undefined => {
  const ref = schema?.$ref as string | undefined;
  return ref ? doc.components.schemas[ref.replace('#/components/schemas/', '')] : schema;
};

/** Field names a route's body and query take (top level and one below), for generated objects and queries. */
const namesOf = (r: Route): { query: string[]; body: string[] } => {
  const op = doc.paths[docPath(r.path)]?.[r.method.toLowerCase()] as Json | undefined;
  const query = ((op?.parameters ?? []) as Json[]).filter((p) => p.in === 'query').map((p) => p.name as string);
  const body = resolve(op?.requestBody?.content?.['application/json']?.schema);
  const top = Object.entries((body?.properties ?? {}) as Record<string, Json>);
  const nested = top.flatMap(([, v]) => Object.keys(resolve(v)?.properties ?? resolve(v?.anyOf?.[0])?.properties ?? {}));
  return { query, body: [...new Set([...top.map(([k]) => k), ...nested])] };
};

// --- the junk ---------------------------------------------------------------------

/** encodeURIComponent refuses lone surrogates; those go as the bytes a client could still send (CESU-8). */
const enc = (v: string) => encodeURIComponent(v.toWellFormed());

const HOSTILE_STRINGS = [
  '..',
  '../../etc/passwd',
  '/etc/passwd',
  'C:\\Windows\\win.ini',
  'a\u0000b',
  '\u0000',
  'e\u0301',
  '\u00e9',
  '\u202egnp.exe',
  '\u200b',
  '\uff0e\uff0e',
  '\u2025',
  '\ufeff',
  'CON',
  '__proto__',
  'constructor',
  'toString',
  '\ud800',
  '%00',
  '{{7*7}}',
  "'; DROP TABLE jobs; --",
  '<script>alert(1)</script>',
  '-1',
  '1e400',
  'NaN',
  '',
  ' ',
];

/** Encoded path segments, hostile encodings included. */
const segment = (param: string, prefix: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...(real[prefix] ?? ['nope'])).map(enc) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '..',
        '.',
        '%2e%2e',
        '..%2f..%2fetc%2fpasswd',
        '%2F',
        '%5C',
        '%00',
        'a%00b',
        '%E0%A4%A',
        '%ff',
        '%C0%AE%C0%AE',
        '%E2%80%AE',
        '%EF%BC%8E%EF%BC%8E',
        'e%CC%81',
        '%F0%9F%92%A9',
        '%ED%A0%80',
        'CON',
        '-1',
        '0',
        '1e309',
        '99999999999999999999',
        '__proto__',
        'constructor',
        '%20',
        '~',
        param === 'number' ? '1' : 'x1',
      ),
    },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(enc) },
    { weight: 1, arbitrary: fc.integer({ min: 65, max: 20_000 }).map((n) => 'x'.repeat(n)) },
  );

const queryValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS).map(enc),
  fc.constantFrom('0', '1', '500', '501', '-1', '1.5', '1e3', '99999999999999999999999', '9007199254740993', 'all', 'true', 'false', 'x', '%E0%A4%A', '%'),
  fc.string({ unit: 'binary', maxLength: 30 }).map(enc),
  fc.integer({ min: 100, max: 10_000 }).map((n) => '9'.repeat(n)),
);

const query = (names: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant('') },
    {
      weight: 4,
      arbitrary: fc
        .array(
          fc.tuple(
            fc.oneof(
              { weight: 4, arbitrary: names.length ? fc.constantFrom(...names) : fc.constant('x') },
              { weight: 1, arbitrary: fc.constantFrom('x', '__proto__', 'constructor', 'ticket', '%00', 'a[b]', 'limit', 'a%5B%5D') },
            ),
            queryValue,
          ),
          { maxLength: 4 },
        )
        .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
    },
  );

const jsonJunk: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 2, -1, 0, 0.5, 53_687_091_201, 1e21, true, null, [], {}, ...HOSTILE_STRINGS),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.integer({ min: 300, max: 20_000 }).map((n) => 'x'.repeat(n)),
);

const TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=utf-16',
  'application/jsonx',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/xml',
];

const body = (names: string[]): fc.Arbitrary<BodySpec | null> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant(null) },
    // An object with the route's own field names (and a few others), holding junk.
    {
      weight: 5,
      arbitrary: fc
        .dictionary(
          fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...(names.length ? names : ['x'])) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }),
          jsonJunk,
          {
            maxKeys: 4,
          },
        )
        .map((o) => ({ type: 'application/json', text: JSON.stringify(o) })),
    },
    // Valid JSON of any shape.
    { weight: 2, arbitrary: jsonJunk.map((v) => ({ type: 'application/json', text: JSON.stringify(v) ?? 'null' })) },
    // Malformed bytes declared as JSON.
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.constantFrom('{', '{"a":', '[1,', '{"a":1}}', "{'a':1}", '\u0000', '\ud800', 'nul', '{"a":1e999}', '{"__proto__":{"x":1}}', ''),
          fc.string({ unit: 'binary', maxLength: 40 }),
        )
        .map((text) => ({ type: 'application/json', text })),
    },
    // Nesting deeper than any route reads.
    {
      weight: 1,
      arbitrary: fc.tuple(fc.integer({ min: 33, max: 3000 }), fc.boolean()).map(([n, arr]) => ({
        type: 'application/json',
        repeat: arr ? { before: '', unit: '[', times: n, after: ']'.repeat(n) } : { before: '', unit: '{"a":', times: n, after: `1${'}'.repeat(n)}` },
      })),
    },
    // Another content type, or none.
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...TYPES, null), fc.string({ maxLength: 30 })).map(([type, text]) => ({ type, text })) },
  );

const request = (r: Route, caller: Caller): fc.Arbitrary<RequestSpec> => {
  const names = namesOf(r);
  const prefix = `/${r.path.split('/').slice(1, 3).join('/')}`;
  const parts = r.path.split('/').map((p) => {
    if (p.startsWith(':')) return segment(p.slice(1), prefix);
    if (p === '*') return fc.array(segment('key', prefix), { minLength: 1, maxLength: 4 }).map((xs) => xs.join('/'));
    return fc.constant(p);
  });
  const reading = r.method === 'GET' || r.method === 'HEAD';
  const events = r.path.endsWith('/events');
  return fc.record({
    caller: fc.constant(caller),
    route: fc.constant(r.path),
    method: fc.constant(r.method),
    path: fc.tuple(...parts).map((xs) => xs.join('/')),
    query: query(names.query),
    headers: fc.record(
      {
        accept: fc.constantFrom('application/json', 'text/event-stream', '*/*'),
        'last-event-id': events ? fc.constantFrom('0', '-1', '1e999', 'x', '99999999999999999999', '') : fc.constant('0'),
        cookie: fc.constantFrom('mpr_refresh=a.b.c', 'mpr_refresh=', `mpr_refresh=${'x'.repeat(5000)}`),
        origin: fc.constantFrom('http://localhost', 'null', 'https://evil.example'),
        'x-forwarded-for': fc.constantFrom('1.2.3.4', '::1', 'junk, 5.6.7.8'),
      },
      { requiredKeys: [] },
    ),
    // A GET or HEAD cannot carry a body through fetch's Request.
    body: reading ? fc.constant(null) : body(names.body),
  });
};

/** The admin's classics for one route: the worst of each kind, sent once. */
const classics = (r: Route): RequestSpec[] => {
  const names = namesOf(r);
  const path = r.path
    .replace(/:[^/]+/g, (m) => encodeURIComponent(real[`/${r.path.split('/').slice(1, 3).join('/')}`]?.[0] ?? m.slice(1)))
    .replace('*', 'jobs/x/y.json');
  const base = { caller: 'admin' as const, route: r.path, method: r.method, path, query: '', headers: {} };
  const field = names.body[0] ?? 'name';
  const out: RequestSpec[] = [
    { ...base, path: r.path.replace(/:[^/]+|\*/g, 'x'.repeat(5000)), body: null },
    { ...base, path: r.path.replace(/:[^/]+|\*/g, '..%2F..%2Fetc%2Fpasswd'), body: null },
    { ...base, query: 'limit=1e999&offset=-1', body: null },
    { ...base, query: `${names.query[0] ?? 'q'}=${'9'.repeat(100_000)}`, body: null },
  ];
  if (r.method === 'GET' || r.method === 'HEAD') return out;
  const refused = { ...base, refuse: true };
  return [
    ...out,
    { ...refused, body: { type: 'application/json', repeat: { before: `{"${field}":"`, unit: 'x', times: 5_000_000, after: '"}' } } },
    { ...refused, body: { type: 'application/json', repeat: { before: '', unit: '[', times: 10_000, after: ']'.repeat(10_000) } } },
    { ...refused, body: { type: 'application/json', text: `{"${field}":1e999}` } },
    { ...refused, body: { type: 'application/json', text: '[]' } },
    { ...refused, body: { type: 'application/json', text: '"a string"' } },
    { ...refused, body: { type: 'application/json', text: '{"unknown":1}' } },
    { ...refused, body: { type: 'application/json', text: '{"a":' } },
    { ...refused, body: { type: 'application/octet-stream', bytes: 10 * 1024 * 1024 } },
    { ...refused, body: { type: 'text/plain', text: 'x'.repeat(1000) } },
    { ...refused, body: { type: null, text: '{}' } },
  ];
};

// --- sending and judging ------------------------------------------------------------

const TEN_MB = new Uint8Array(10 * 1024 * 1024);

const materialize = (b: BodySpec): string | Uint8Array => {
  if (b.bytes !== undefined) return b.bytes === TEN_MB.byteLength ? TEN_MB : new Uint8Array(b.bytes);
  if (b.repeat) return b.repeat.before + b.repeat.unit.repeat(b.repeat.times) + b.repeat.after;
  return b.text ?? '';
};

/** A printable summary of a request (fast-check prints it on failure too). */
const describeRequest = (q: RequestSpec): string => {
  const b = q.body;
  const shown = !b
    ? 'no body'
    : b.bytes !== undefined
      ? `${b.bytes} bytes of ${b.type}`
      : b.repeat
        ? `${b.type}: ${b.repeat.before}${JSON.stringify(b.repeat.unit)} x ${b.repeat.times}…`
        : `${b.type}: ${JSON.stringify((b.text ?? '').slice(0, 120))}`;
  return `${q.caller}: ${q.method} ${q.path.slice(0, 200)}${q.query ? `?${q.query.slice(0, 200)}` : ''} [${shown}] ${JSON.stringify(q.headers)}`;
};

/** Sends one request and answers what is wrong with the answer, or null. */
const send = async (q: RequestSpec): Promise<string | null> => {
  const headers: Record<string, string> = { ...q.headers, ...auth[q.caller] };
  if (q.body?.type) headers['content-type'] = q.body.type;
  const ctl = new AbortController();
  const before = await s.log.head();
  let req: Request;
  try {
    req = new Request(`http://localhost${q.path}${q.query ? `?${q.query}` : ''}`, {
      method: q.method,
      headers,
      body: q.body ? materialize(q.body) : undefined,
      signal: ctl.signal,
    });
  } catch {
    return null; // not a request a client could send (fetch refuses to build it)
  }
  let timer: Timer | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), REQUEST_TIMEOUT_MS);
  });
  try {
    const res = await Promise.race([app.handle(req), timeout]);
    if (res === 'timeout') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
    const streaming = (res.headers.get('content-type') ?? '').includes('text/event-stream');
    // An event stream stays open: its status is the answer; then hang up.
    const text = streaming ? '' : await res.text();
    ctl.abort();
    if (streaming) await res.body?.cancel().catch(() => undefined);
    if (res.status >= 500) return `answered ${res.status}: ${text.slice(0, 300)}`;
    if (q.refuse && res.status < 400) return `answered ${res.status}, where it should refuse: ${text.slice(0, 200)}`;
    if (res.status >= 400) {
      const after = await s.log.head();
      if (after !== before) return `answered ${res.status} but the log's head moved from ${before} to ${after}`;
      if (q.method === 'HEAD') return null;
      if (STACK.test(text)) return `answered ${res.status} with what looks like a stack trace: ${text.slice(0, 300)}`;
      let json: Json;
      try {
        json = JSON.parse(text);
      } catch {
        return `answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`;
      }
      const e = json.error as Json | undefined;
      if (
        Object.keys(json).join() !== 'error' ||
        typeof e?.code !== 'string' ||
        typeof e?.message !== 'string' ||
        Object.keys(e).sort().join() !== 'code,message'
      )
        return `answered ${res.status} with ${text.slice(0, 200)}, not { error: { code, message } }`;
      if (!CODES.has(e.code)) return `answered ${res.status} with the unknown code ${e.code}`;
      if (e.message.length === 0 || e.message.length > 1000) return `answered ${res.status} with a message of ${e.message.length} characters`;
    } else if (q.method !== 'GET' && q.method !== 'HEAD') {
      await quiet(); // a success's effects (routers, workers) must not land on a later request's watch
    }
    return null;
  } catch (e) {
    return `threw ${e instanceof Error ? e.stack : String(e)}`;
  } finally {
    clearTimeout(timer);
    ctl.abort();
  }
};

// --- the walk ---------------------------------------------------------------------

describe('hostile input on every route', () => {
  test('the walk sees the app: every route, the open ones and the event streams among them', () => {
    const all = routesOf(app).map((r) => `${r.method} ${r.path}`);
    expect(all.length).toBeGreaterThan(35);
    expect(all).toEqual(
      expect.arrayContaining(['POST /api/auth/login', 'GET /api/events', 'POST /api/assets/scan', 'PUT /api/presets/:id', 'GET /api/outputs/*']),
    );
  });

  for (const caller of ['none', 'read', 'admin'] as const) {
    test(
      `generated junk, ${caller === 'none' ? 'no credentials' : caller === 'read' ? 'a read-only key' : "the admin's key"}: never a 5xx, every 4xx an ErrorBody, no 4xx moves the log`,
      async () => {
        const problems: string[] = [];
        for (const r of routesOf(app)) {
          let failed: string | null = null;
          try {
            // endOnFailure: no shrinking (each try is a request); the first failure is reported as sent.
            await fc.assert(
              fc.asyncProperty(request(r, caller), async (q) => {
                const wrong = await send(q);
                if (wrong) {
                  failed = `${wrong}\n    request: ${describeRequest(q)}`;
                  throw new Error(failed);
                }
              }),
              { seed: SEED, numRuns: RUNS[caller], endOnFailure: true },
            );
          } catch (e) {
            // fast-check's "{ seed, path }" replays exactly this request.
            const replay = (e as Error).message.split('\n').find((l) => l.includes('seed:')) ?? `{ seed: ${SEED} }`;
            problems.push(`${r.method} ${r.path} ${replay.trim()}: ${failed ?? (e as Error).message.slice(0, 500)}`);
          }
        }
        expect(problems).toEqual([]);
      },
      120_000 * SCALE,
    );
  }

  test("the classics, with the admin's key: 5 MB strings, 10 MB bodies, 10 000 levels, malformed JSON, wrong types", async () => {
    const problems: string[] = [];
    for (const r of routesOf(app)) {
      for (const q of classics(r)) {
        const wrong = await send(q);
        if (wrong) problems.push(`${wrong}\n    request: ${describeRequest(q)}`);
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
