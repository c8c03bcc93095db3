/**
 * Runs a transcode job kind directly (plan → every chunk → finish) on a
 * file, without actors or a log: for tests and benchmarks of the encoding
 * itself. Returns the result and where the output store lives.
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { assetIdFor } from '../src/events/asset.ts';
import { resolveBinaries } from '../src/media/binaries.ts';
import { probeAndClassify } from '../src/media/probe.ts';
import { BUILTIN_PRESETS } from '../src/media/presets.ts';
import type { Preset } from '../src/types/media.ts';
import { createFsStorage } from '../src/storage/fs.ts';
import { createTranscodeKind } from '../src/work/transcode/kind.ts';
import type { TranscodeResult } from '../src/work/transcode/package.ts';
import { sourceFromProbe, type TranscodeParams } from '../src/work/transcode/params.ts';

export interface HarnessRun {
  result: TranscodeResult;
  params: TranscodeParams;
  outDir: string;
  chunks: number;
}

export const transcodeFile = async (
  file: string,
  opts: { preset?: Preset | string; workDir: string; workers?: number; range?: { start: number; end: number } },
): Promise<HarnessRun> => {
  const bins = resolveBinaries();
  const input = createFsStorage(dirname(file));
  const outDir = join(opts.workDir, 'out');
  mkdirSync(outDir, { recursive: true });
  const output = createFsStorage(outDir);
  const preset = typeof opts.preset === 'object' ? opts.preset : BUILTIN_PRESETS.find((p) => p.id === (opts.preset ?? 'hls-abr'))!;
  const { probe, verdict } = await probeAndClassify(file, { bins });
  if (!probe || verdict.status !== 'ready') throw new Error(`${file} is not ready: ${verdict.reason}`);
  const kind = createTranscodeKind({
    input,
    output,
    bins: () => bins,
    workDir: join(opts.workDir, 'scratch'),
    capacity: async () => ({ slots: opts.workers ?? 2, cores: navigator.hardwareConcurrency }),
  });
  const key = basename(file);
  const params = kind.validate({
    assetId: assetIdFor(key),
    inputKey: key,
    presetId: preset.id,
    preset,
    source: sourceFromProbe(probe, verdict),
    ...(opts.range ? { range: opts.range } : {}),
  });
  const jobId = `h${Date.now().toString(36)}`;
  const signal = new AbortController().signal;
  const ctx = { jobId, attempt: 1, signal };
  const plan = await kind.plan!(params, ctx);
  const results = await Promise.all(plan.map((c) => kind.run(c, params, { ...ctx, progress: () => {} })));
  const result = (await kind.finish!(kind.combine(results, params), params, ctx)) as TranscodeResult;
  return { result, params: params as unknown as TranscodeParams, outDir, chunks: plan.length };
};
