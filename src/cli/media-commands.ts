/** `mpr scan` and `mpr transcode`: the media commands, each a function of parsed arguments. */
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { scanAssets } from '../actors/scan.ts';
import { submitTranscode } from '../work/transcode/submit.ts';
import { parseConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { assetIdFor } from '../events/asset.ts';
import { assetsTable, findPreset, listPresets, registeredAssets } from '../projections/index.ts';
import { createSystem, type System } from '../system.ts';
import type { TranscodeResult } from '../work/transcode/package.ts';
import { followJob, terminalLine } from './run-job.ts';

type Out = (s: string) => void;

export const scanCommand = async (boot: () => Promise<System>, out: Out, a: { prefix?: string; json: boolean }) => {
  const s = await boot();
  try {
    const r = await scanAssets(
      { runtime: s.runtime, input: s.storage.input, bins: s.bins, now: s.now, registered: registeredAssets(s.db) },
      { prefix: a.prefix, actor: 'cli' },
    );
    await s.projections.catchUp();
    if (a.json) return void out(JSON.stringify(r));
    out(
      `scanned ${s.storage.input.describe}: found ${r.found}, registered ${r.registered}, updated ${r.updated}, skipped ${r.skipped}, restored ${r.restored}, missing ${r.missing}`,
    );
    for (const key of r.missingKeys) out(`  ${assetIdFor(key)}  ${key}  MISSING: no longer in the input store`);
    for (const key of r.keys) {
      const v = assetsTable.load(s.db, [assetIdFor(key)]);
      if (!v) continue;
      const what = v.status === 'ready' ? `${v.kind} ${v.width ? `${v.width}x${v.height} ` : ''}${v.duration?.toFixed(1)} s` : `INVALID: ${v.reason}`;
      out(`  ${v.id}  ${key}  ${what}`);
    }
  } finally {
    await s.close();
  }
};

/**
 * One file through one preset, in this process, on a throwaway data folder:
 * the input is read where it lies, and the outputs land in `out` (the
 * master playlist at its top for HLS).
 */
export const transcodeCommand = async (
  env: Record<string, string | undefined>,
  out: Out,
  a: { file: string; preset: string; out: string; range?: { start: number; end?: number } | null },
) => {
  const file = resolve(a.file);
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st?.isFile()) throw new AppError('validation', `no such file: ${a.file}`);
  const dest = resolve(a.out);
  mkdirSync(dest, { recursive: true });
  const scratch = mkdtempSync(join(dest, '.mpr-'));
  const data = mkdtempSync(join(scratch, 'data-'));
  const config = parseConfig({
    ...env,
    MPR_DATA: data,
    MEDIA_IN: dirname(file),
    MEDIA_OUT: join(scratch, 'out'),
    REDIS_URL: '',
    MPR_LOG_BACKEND: 'sqlite',
    S3_BUCKET_IN: '',
    S3_BUCKET_OUT: '',
  });
  const s = await createSystem(config);
  try {
    // Before the scan and probe: a typo in --preset should not wait for them.
    if (!findPreset(s.db, a.preset)) {
      throw new AppError(
        'validation',
        `unknown preset "${a.preset}"; the presets are: ${listPresets(s.db)
          .map((p) => p.id)
          .join(', ')}`,
      );
    }
    await s.start();
    const key = basename(file);
    const scanned = await scanAssets({ runtime: s.runtime, input: s.storage.input, bins: s.bins, now: s.now }, { prefix: key, actor: 'cli' });
    await s.projections.catchUp();
    const asset = assetsTable.load(s.db, [assetIdFor(key)]);
    if (!asset || !scanned.keys.includes(key))
      throw new AppError('validation', `${a.file} is not a media file MPR reads (supported extensions: see mpr --help)`);
    if (asset.status !== 'ready') throw new AppError('validation', `${a.file}: ${asset.reason}`);
    const { jobId } = await submitTranscode(s, { assetId: asset.id, presetId: a.preset, range: a.range ?? undefined, actor: 'cli' });
    const job = await followJob(s, jobId, terminalLine());
    if (job.status !== 'COMPLETED') {
      process.exitCode = 1;
      out(`transcode ${job.status.toLowerCase()}: ${job.error}`);
      if (job.error_detail) out(job.error_detail);
      return;
    }
    const result = job.result as TranscodeResult;
    // The attempt's folder becomes the destination: playlists use relative URIs, so they stay valid.
    const produced = join(scratch, 'out', result.prefix);
    for (const name of readdirSync(produced)) {
      rmSync(join(dest, name), { recursive: true, force: true });
      renameSync(join(produced, name), join(dest, name));
    }
    const local = (key: string | null) => (key ? join(dest, key.slice(result.prefix.length + 1)) : null);
    out(
      JSON.stringify(
        {
          job: jobId,
          master: local(result.outputs.master),
          mp4: result.outputs.mp4.map(local),
          audio: local(result.outputs.audio),
          sprites: result.outputs.sprites.map(local),
          renditions: result.renditions.map((r) => ({ name: r.name, width: r.width, height: r.height, bitrate: r.bitrate, file: local(r.key) })),
        },
        null,
        2,
      ),
    );
  } finally {
    await s.close();
    rmSync(scratch, { recursive: true, force: true });
  }
};
