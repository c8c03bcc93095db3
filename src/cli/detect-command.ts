/**
 * `mpr detect FILE... --profile P --brands brands.json [--fps 2] [--from T]
 * [--to T] [--out report.json|report.csv]`: brand detection here, without a
 * server. Live progress per stage on stderr; the brand table on stdout; the
 * report as JSON (intervals in seconds from the first file's start, the
 * per-brand figures, what each stage did) or as CSV (the intervals, and the
 * brands beside it in `<name>.brands.csv`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { createOcrPool } from '../cv/ocr/pool.ts';
import { loadOpenCv } from '../cv/opencv.ts';
import { AppError, errorMessage } from '../errors.ts';
import type { Binaries } from '../media/binaries.ts';
import type { BrandReport } from '../types/detect.ts';
import { parseBrandList } from '../work/detect/brands.ts';
import { ocrOptions } from '../work/detect/engine-configs.ts';
import { builtinProfile, BUILTIN_PROFILES, type Profile, resolveProfile, validateProfile } from '../work/detect/profile.ts';
import { reportToCsv } from '../work/detect/report-csv.ts';
import { type LocalSource, runLocal, type StageStat } from '../work/detect/run-local.ts';
import { table } from './account-commands.ts';
import { progressBar } from './format.ts';
import { parseTimecode } from './timecode.ts';

export interface DetectFlags {
  profile?: string;
  brands?: string;
  fps?: string;
  from?: string;
  to?: string;
  out?: string;
}

export interface DetectDeps {
  bins: Binaries;
  out: (s: string) => void;
  progress: Pick<NodeJS.WriteStream, 'isTTY' | 'write'>;
  /** OCR workers (default: the cores). */
  workers?: number;
}

const USAGE = 'usage: mpr detect FILE... --profile NAME|profile.json --brands brands.json [--fps N] [--from T] [--to T] [--out report.json|report.csv]';

const readJson = (path: string, what: string): unknown => {
  if (!existsSync(path)) throw new AppError('not_found', `${what}: no such file ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new AppError('validation', `${what}: ${path} is not valid JSON (${errorMessage(e)})`);
  }
};

/** A built-in profile's name, or a profile file. */
const profileOf = (given: string | undefined): Profile => {
  if (!given) throw new AppError('validation', `--profile: name one (${BUILTIN_PROFILES.map((p) => p.name).join(', ')}) or give a profile .json file`);
  const builtIn = builtinProfile(given);
  if (builtIn) return builtIn;
  if (!given.endsWith('.json'))
    throw new AppError('validation', `--profile: no built-in profile "${given}" (${BUILTIN_PROFILES.map((p) => p.name).join(', ')})`);
  return validateProfile(readJson(given, '--profile'));
};

const seconds = (v: number) => `${v.toFixed(1)} s`;
const percent = (v: number) => `${(v * 100).toFixed(1)}%`;

/** The brand table printed at the end. */
export const brandTable = (r: BrandReport): string[] =>
  r.brands.length === 0
    ? ['no brand seen']
    : table(
        ['BRAND', 'EXPOSURE', 'APPEARANCES', 'SHARE OF VOICE', 'SCREEN (MEAN/MAX)', 'PLACEMENT', 'CLARITY', 'FIRST', 'LAST'],
        r.brands.map((b) => [
          b.brand,
          seconds(b.exposureSeconds),
          String(b.appearances),
          percent(b.shareOfVoice),
          `${percent(b.meanScreenShare)}/${percent(b.maxScreenShare)}`,
          b.placement,
          b.clarity.toFixed(2),
          seconds(b.firstSeen),
          seconds(b.lastSeen),
        ]),
      );

const stageLine = (s: StageStat): string => {
  const counts = Object.entries(s.counts)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  if (s.status === 'skipped') return `  ${s.stage.padEnd(15)} skipped: ${s.reason}`;
  return `  ${s.stage.padEnd(15)} ${String(s.frames).padStart(6)} frames ${(s.ms / 1000).toFixed(1).padStart(7)} s${counts ? `  ${counts}` : ''}`;
};

export const detectCommand = async (d: DetectDeps, files: readonly string[], f: DetectFlags): Promise<BrandReport> => {
  if (files.length === 0) throw new AppError('validation', USAGE);
  if (!f.brands) throw new AppError('validation', `--brands: a brand list file is needed (${USAGE})`);
  const brands = parseBrandList(readJson(f.brands, '--brands'));
  const overrides: Record<string, Record<string, unknown>> = {};
  if (f.fps !== undefined) {
    const fps = Number(f.fps);
    if (!Number.isFinite(fps)) throw new AppError('validation', `--fps needs a number, got "${f.fps}"`);
    overrides.extract_frames = { fps };
  }
  const profile = resolveProfile(profileOf(f.profile), overrides);
  const start = f.from === undefined ? 0 : parseTimecode('--from', f.from);
  const end = f.to === undefined ? null : parseTimecode('--to', f.to);
  for (const file of files) if (!/^[a-z]+:\/\//.test(file) && !existsSync(file)) throw new AppError('not_found', `no such file: ${file}`);
  const sources: LocalSource[] = files.map((input) => ({ input, start, end }));

  const ocr = createOcrPool({ size: Math.max(1, d.workers ?? navigator.hardwareConcurrency), det: ocrOptions(profile.configs.ocr ?? {}).det });
  let last = -1;
  try {
    const result = await runLocal({
      sources,
      profile,
      brands,
      bins: d.bins,
      ocr,
      opencv: loadOpenCv,
      window: 2 * ocr.stats().size,
      onProgress: (done, total, stages) => {
        const pct = total > 0 ? (done / total) * 100 : 100;
        const running = stages.filter((s) => s.status === 'running').map((s) => s.stage);
        const text = `${progressBar(pct, 24)} ${done}/${total} frames  ${running.join(', ')}`;
        if (d.progress.isTTY) d.progress.write(`\r\x1b[2K${text}`);
        else if (Math.floor(pct / 10) > last) {
          last = Math.floor(pct / 10);
          d.progress.write(`${text}\n`);
        }
      },
    });
    if (d.progress.isTTY) d.progress.write('\n');
    d.progress.write(`${result.frames} frames, ${seconds(result.duration)} of video, profile ${profile.name}:\n${result.stages.map(stageLine).join('\n')}\n`);
    for (const line of brandTable(result.report)) d.out(line);
    if (f.out) {
      if (extname(f.out).toLowerCase() === '.csv') {
        const csv = reportToCsv(result.report);
        const brandsFile = f.out.replace(/\.csv$/i, '.brands.csv');
        writeFileSync(f.out, csv.intervals);
        writeFileSync(brandsFile, csv.brands);
        d.progress.write(`wrote ${f.out} (intervals) and ${brandsFile} (brands)\n`);
      } else {
        const json = {
          profile: profile.name,
          duration: result.duration,
          frames: result.frames,
          ...result.report,
          stages: result.stages,
          unresolved: result.unresolved,
        };
        writeFileSync(f.out, `${JSON.stringify(json, null, 2)}\n`);
        d.progress.write(`wrote ${f.out}\n`);
      }
    }
    return result.report;
  } finally {
    await ocr.close();
  }
};
