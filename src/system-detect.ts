/**
 * Detection's part of the composition root: the detect job kind, the setup
 * (profiles, timelines, brand lists, settings, scenarios), the runs, the
 * sources timelines pick from and the overlays, wired to the read models
 * they read, and the OCR worker pools they share. The pools and OpenCV load
 * on first use: they bring onnxruntime's and sharp's native libraries (in
 * the single binary, extracted from it: src/native), and nothing else in
 * MPR needs them, so a host where they cannot load still serves the rest.
 */
import type { Database } from 'bun:sqlite';
import type { JobKinds } from './actors/job-kind.ts';
import { actorsOf } from './actors/registry.ts';
import type { Runtime } from './actors/runtime.ts';
import type { OcrPool } from './cv/ocr/pool.ts';
import type { Binaries } from './media/binaries.ts';
import { assetsTable, checkpointsOf, detectScenarios, findJob, jobIdsOfAsset, queryAssets, stageOutputsOf } from './projections/index.ts';
import {
  brandListDto,
  findBrandList,
  findProfile,
  findTimeline,
  listBrandLists,
  listProfiles,
  listTimelines,
  timelineDto,
} from './projections/detect-setup.ts';
import type { Storage } from './storage/index.ts';
import { parseBrandList } from './work/detect/brands.ts';
import { createDetectKind } from './work/detect/kind.ts';
import type { ExtractOutput } from './work/detect/kind.ts';
import { createMedia } from './work/detect/media.ts';
import { createOverlays } from './work/detect/overlays.ts';
import { createSources } from './work/detect/sources.ts';
import { builtinProfile } from './work/detect/profile.ts';
import { createRuns } from './work/detect/runs.ts';
import { createSetup } from './work/detect/setup.ts';
import { newId } from './ids.ts';

export interface DetectionDeps {
  db: Database;
  runtime: Runtime;
  storage: { input: Storage; output: Storage };
  bins: () => Binaries;
  /** OCR workers per pool (MPR_WORKERS, at least one). */
  workers: number;
  now: () => string;
  /** Extraction's ffmpeg sending nothing this long is killed as hung (MPR_STALL_SECONDS). */
  stallSeconds?: number;
  /** Waits until the read models have folded the log up to a position. */
  caughtUp(position: number): Promise<void>;
}

export const createDetection = (d: DetectionDeps) => {
  const { db } = d;
  const ocrPools = new Map<string, OcrPool>();
  /** One pool per detection setting (models stay loaded between jobs). */
  const ocrPool = async (det: Record<string, unknown>): Promise<OcrPool> => {
    const key = JSON.stringify(det);
    let p = ocrPools.get(key);
    if (!p) {
      const { createOcrPool } = await import('./cv/ocr/pool.ts');
      p = ocrPools.get(key) ?? createOcrPool({ size: Math.max(1, d.workers), det });
      ocrPools.set(key, p);
    }
    return p;
  };
  const timeline = (id: string) => {
    const v = findTimeline(db, id);
    return v && timelineDto(v);
  };
  const brandList = (id: string) => {
    const v = findBrandList(db, id);
    return v && brandListDto(v);
  };
  const profileRow = (v: NonNullable<ReturnType<typeof findProfile>>) => ({ profile: v.profile, createdAt: v.created_at, updatedAt: v.updated_at });

  const opencv = () => import('./cv/opencv.ts').then((m) => m.loadOpenCv());
  const kind = createDetectKind({
    stallMs: d.stallSeconds ? d.stallSeconds * 1000 : undefined,
    input: d.storage.input,
    output: d.storage.output,
    bins: d.bins,
    opencv,
    ocr: ocrPool,
    readers: {
      profile: (name) => builtinProfile(name) ?? findProfile(db, name)?.profile ?? null,
      timeline,
      brandList,
      asset: (id) => {
        const a = assetsTable.load(db, [id]);
        return a && { key: a.key, size: a.size, modifiedAt: a.modified_at };
      },
    },
    stageOutcome: async (jobId, stage) => (await actorsOf(d.runtime).job(jobId).load()).state.stages[stage] ?? null,
  });

  const setup = createSetup({
    runtime: d.runtime,
    now: d.now,
    output: d.storage.output,
    newId: () => newId(12),
    parseBrands: parseBrandList,
    caughtUp: d.caughtUp,
    readers: {
      profile: (name) => {
        const v = findProfile(db, name);
        return v && profileRow(v);
      },
      profiles: () => listProfiles(db).map(profileRow),
      timeline,
      timelines: (page) => {
        const { rows, total } = listTimelines(db, page);
        return { items: rows.map(timelineDto), total };
      },
      brandList,
      brandLists: (page) => {
        const { rows, total } = listBrandLists(db, page);
        return { items: rows.map(brandListDto), total };
      },
      asset: (id) => {
        const a = assetsTable.load(db, [id]);
        return a && { id: a.id, status: a.status, kind: a.kind, duration: a.duration };
      },
      scenarios: (page) => {
        const { rows, total } = detectScenarios(db, page);
        return { items: rows, total };
      },
    },
  });

  /** What timelines are picked from, given every kind the system has (their chunks' spans). */
  const sources = (kinds: JobKinds) =>
    createSources({
      runtime: d.runtime,
      kinds,
      outputUrl: (key) => `/api/outputs/${key}`,
      readers: {
        assets: (page) => {
          const { rows, total } = queryAssets(db, { status: 'ready', kind: 'video', sort: { by: 'registeredAt', desc: true } }, page);
          return { items: rows.map((a) => ({ id: a.id, key: a.key, duration: a.duration, width: a.width, height: a.height })), total };
        },
        jobsOfAsset: (assetId) =>
          jobIdsOfAsset(db, assetId)
            .map((id) => findJob(db, id))
            .filter((j) => j !== null)
            .map((j) => ({ id: j.id, kind: j.kind, status: j.status, presetName: j.preset_name, createdAt: j.created_at }))
            .reverse(),
      },
    });

  /** The runs, given every kind the system has (a test may have left detection out). */
  const runs = (kinds: JobKinds) =>
    createRuns({
      runtime: d.runtime,
      kinds,
      output: d.storage.output,
      now: d.now,
      caughtUp: d.caughtUp,
      readers: {
        job: (id) => findJob(db, id),
        stages: (jobId) => stageOutputsOf(db, jobId),
        checkpoints: (scope, stage) => checkpointsOf(db, scope, stage),
      },
      settings: setup.settings.get,
    });

  const overlays = createOverlays({ runtime: d.runtime, output: d.storage.output, opencv });

  const media = createMedia({
    runtime: d.runtime,
    input: d.storage.input,
    output: d.storage.output,
    bins: d.bins,
    newId: () => newId(16),
    readers: {
      asset: (id) => {
        const a = assetsTable.load(db, [id]);
        return a && { id: a.id, key: a.key, status: a.status, kind: a.kind, size: a.size, modifiedAt: a.modified_at, demux: a.probe?.demux ?? null };
      },
      timelineExists: (id) => findTimeline(db, id) !== null,
      brandListExists: (id) => findBrandList(db, id) !== null,
      // Every finished extraction of the timeline made a checkpoint (a reused one shares its folders).
      extractions: (timelineId) =>
        checkpointsOf(db, timelineId, 'extract_frames').flatMap((c) => {
          const out = stageOutputsOf(db, c.job_id).find((o) => o.stage === 'extract_frames' && o.status === 'completed')?.output as ExtractOutput | null;
          return out?.segments ? [{ fps: out.fps, prefixes: out.segments.map((g) => g.prefix) }] : [];
        }),
    },
  });

  return {
    kind,
    setup,
    runs,
    sources,
    overlays,
    media,
    /** Closes the OCR pools. */
    close: () => Promise.allSettled([...ocrPools.values()].map((p) => p.close())).then(() => undefined),
  };
};
