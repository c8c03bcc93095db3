/**
 * A job whose outputs were deleted with its asset (DELETE /api/assets/:id
 * ?deleteOutputs=true): the jobs read model marks it, the job the API
 * answers says `outputsDeleted` and names no URLs, and its old output URLs
 * answer 410 Gone with a sentence instead of a bare 404; the UI's "Run
 * again" (a fork from its first event) makes it anew. Another asset's job
 * keeps its outputs, URLs and files.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { Elysia } from 'elysia';
import { kindsOf, NO_TAGS, type JobKind } from '../actors/job-kind.ts';
import { submitJob } from '../actors/submit.ts';
import { findJob } from '../projections/index.ts';
import type { System } from '../system.ts';
import type { JobDto, MediaOutputs } from '../types/api.ts';
import { testEnv, type TestEnv } from '../../test/system.ts';
import { until } from '../../test/wait.ts';
import { assetsRoutes } from './assets-routes.ts';
import { jobsRoutes } from './jobs-routes.ts';
import { outputsRoutes } from './outputs-routes.ts';

/** A kind of one chunk whose one output, an MP4 under the job's folder, its params name; presented as the API shows media outputs. */
const none: MediaOutputs = { master: null, playlists: [], mp4: [], audio: null, sprites: [], thumbnailsVtt: null, thumbnailsJson: null, poster: null };
const media: JobKind<{ assetId: string; out: string }, { out: string }> = {
  name: 'media',
  validate: (p) => p as { assetId: string; out: string },
  plan: async () => [{ n: 0, spec: {} }],
  run: async () => null,
  combine: (_results, p) => ({ out: p.out }),
  tags: (p) => ({ ...NO_TAGS, assetId: p.assetId }),
  present: (r, url) =>
    r
      ? {
          outputs: { ...none, mp4: [r.out] },
          urls: { ...none, mp4: [url(r.out)] },
          renditions: [{ name: 'mp4', type: 'video', url: url(r.out) }],
          result: null,
        }
      : { outputs: null, urls: null, renditions: [], result: null },
};

const at = '2026-01-01T00:00:00.000Z';
const verdict = { kind: 'video', status: 'ready', reason: null, videoStream: null, audioStream: null } as const;
const facts = { size: 10, modifiedAt: at, kind: 'video', status: 'ready', reason: null, probe: null, verdict } as const;

let env: TestEnv;
afterEach(() => env?.cleanup());

/** The routes under test, wired as app.ts wires them. */
const appOf = (s: System) =>
  new Elysia().group('/api', (a) =>
    a
      .use(assetsRoutes(s))
      .use(jobsRoutes(s))
      .use(outputsRoutes({ storage: s.storage, corsOrigins: [], outputsDeletedAt: (jobId) => findJob(s.db, jobId)?.outputs_deleted_at ?? null })),
  );

const call = async (app: ReturnType<typeof appOf>, method: string, path: string) => {
  const res = await app.handle(new Request(`http://localhost${path}`, { method }));
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as unknown };
};

/** A completed job of `assetId` with its one output file in the output store. */
const completedJob = async (s: System, assetId: string) => {
  const jobId = `job-${assetId}`;
  const out = `jobs/${jobId}/clip.mp4`;
  await s.storage.output.put(out, 'mp4 bytes');
  await submitJob(s, { kind: 'media', params: { assetId, out }, jobId });
  await until(() => findJob(s.db, jobId)?.status === 'COMPLETED', `job ${jobId} to complete`, 30_000);
  return { jobId, out };
};

describe("an asset's outputs deleted", () => {
  test('its job says outputsDeleted, names no URLs, its files answer 410 with a sentence; a fork runs it again', async () => {
    env = testEnv('sqlite', 'outputs-deleted');
    const s = await env.boot({ kinds: kindsOf(media) });
    await s.start();
    await s.actors.asset('od-a1').execute({ type: 'RegisterAsset', data: { assetId: 'od-a1', key: 'od-a1.mp4', ...facts, at } });
    const mine = await completedJob(s, 'od-a1');
    const other = await completedJob(s, 'od-b1');
    const app = appOf(s);

    const before = (await call(app, 'GET', `/api/jobs/${mine.jobId}`)).json() as JobDto;
    expect(before.outputsDeleted).toBeNull();
    const url = before.urls!.mp4[0]!;
    expect(url).toStartWith(`/api/outputs/jobs/${mine.jobId}/clip.mp4`);
    expect(await call(app, 'GET', url)).toMatchObject({ status: 200, text: 'mp4 bytes' });

    expect((await call(app, 'DELETE', '/api/assets/od-a1?deleteOutputs=true')).json()).toEqual({ deleted: true, outputsDeleted: 1 });
    await s.projections.waitFor(await s.log.head());
    const deletion = (await s.log.readStream('asset:od-a1')).find((e) => e.type === 'AssetOutputsDeleted')!;
    const deletedAt = (deletion.data as { at: string }).at;

    const after = (await call(app, 'GET', `/api/jobs/${mine.jobId}`)).json() as JobDto;
    expect(after).toMatchObject({ status: 'COMPLETED', outputsDeleted: { at: deletedAt }, urls: null, renditions: [] });
    // The list says the same.
    const listed = (await call(app, 'GET', '/api/jobs?assetId=od-a1')).json() as { items: JobDto[] };
    expect(listed.items.map((j) => [j.id, j.outputsDeleted, j.urls])).toEqual([[mine.jobId, { at: deletedAt }, null]]);

    const gone = await call(app, 'GET', url);
    expect(gone.status).toBe(410);
    expect(gone.json()).toEqual({
      error: {
        code: 'gone',
        message: `the outputs of job ${mine.jobId} were deleted with its asset on ${deletedAt.slice(0, 16).replace('T', ' ')} UTC; run it again to make them anew`,
      },
    });
    expect((await call(app, 'HEAD', url)).status).toBe(410);

    // Run again, as the UI does once the asset is back (a rescan registers the same id): a fork from its first event, no overrides.
    await s.actors.asset('od-a1').execute({ type: 'RegisterAsset', data: { assetId: 'od-a1', key: 'od-a1.mp4', ...facts, at } });
    const first = (await s.log.readStream(`job:${mine.jobId}`))[0]!.position;
    const fork = await app.handle(
      new Request(`http://localhost/api/jobs/${mine.jobId}/fork`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fromPosition: first }),
      }),
    );
    expect(fork.status).toBe(201);
    const again = (await fork.json()) as JobDto;
    expect(again).toMatchObject({ parent: mine.jobId, assetId: 'od-a1', params: after.params, outputsDeleted: null });
    await until(() => findJob(s.db, again.id)?.status === 'COMPLETED', 'the job run again to complete', 30_000);

    // The other asset's job is untouched: its outputs are named and served.
    const theirs = (await call(app, 'GET', `/api/jobs/${other.jobId}`)).json() as JobDto;
    expect(theirs.outputsDeleted).toBeNull();
    expect(await call(app, 'GET', theirs.urls!.mp4[0]!)).toMatchObject({ status: 200, text: 'mp4 bytes' });
  }, 60_000);
});
