/**
 * `mpr detect` on a labelled clip made for the test (boards with invented
 * brand names at known times, moving, scrolling in, partly off screen, among
 * look-alike distractors): the report's intervals match the truth, the
 * stages say what they did, JSON and CSV come out; bad input is refused
 * with its flag named.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LabelledClip, makeLabelledClips } from '../../test/detect-clips.ts';
import { resolveBinaries } from '../media/binaries.ts';
import { scoreClip } from '../work/detect/score.ts';
import { detectCommand } from './detect-command.ts';

const dir = mkdtempSync(join(tmpdir(), 'mpr-detect-cli-'));
let clip: LabelledClip;
let brandsFile: string;
const out: string[] = [];
const progress: string[] = [];
const deps = () => ({
  bins: resolveBinaries(),
  out: (s: string) => {
    out.push(s);
  },
  progress: { isTTY: false, write: (s: string) => progress.push(s) > 0 },
  workers: 2,
});

beforeAll(async () => {
  const clips = await makeLabelledClips(dir, { set: 'dev' });
  // The hardest of the set: boards cut by the frame's edge, a name inside a longer line, a short alias.
  clip = clips.find((c) => c.name === 'dev-edges') ?? clips.at(-1)!;
  brandsFile = join(dir, 'brands.json');
  writeFileSync(brandsFile, JSON.stringify({ brands: clip.brands }));
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mpr detect', () => {
  test('finds every brand interval of the clip, and nothing else', async () => {
    const report = join(dir, 'report.json');
    await detectCommand(deps(), [clip.path], { profile: 'generic_broadcast', brands: brandsFile, out: report });
    const json = JSON.parse(readFileSync(report, 'utf8'));
    const score = scoreClip(clip.truth, json.intervals);
    expect({ missed: score.missed, spurious: score.spurious }).toEqual({ missed: [], spurious: [] });
    // What each stage did, the unavailable ones skipped with their reason.
    const stages = Object.fromEntries((json.stages as { stage: string; status: string; frames: number; reason: string | null }[]).map((s) => [s.stage, s]));
    expect(stages.extract_frames).toMatchObject({ status: 'done', frames: 24 });
    expect(stages.ocr?.frames).toBe(24);
    expect(stages.escalate_vlm).toMatchObject({ status: 'skipped', reason: 'not available yet' });
    // The brand table on stdout; progress and the stage summary on stderr.
    expect(out[0]).toStartWith('BRAND');
    for (const b of new Set(clip.truth.map((t) => t.brand))) expect(out.some((l) => l.startsWith(b))).toBe(true);
    expect(progress.join('')).toContain('24/24 frames');
  }, 180_000);

  test('CSV: the intervals, and the brands beside them', async () => {
    const csv = join(dir, 'r.csv');
    await detectCommand(deps(), [clip.path], { profile: 'generic_broadcast', brands: brandsFile, out: csv, from: '0', to: '4' });
    expect(readFileSync(csv, 'utf8').split('\r\n')[0]).toContain('brand');
    expect(existsSync(join(dir, 'r.brands.csv'))).toBe(true);
  }, 180_000);

  test('bad input is refused naming the flag', async () => {
    const refused = (files: string[], flags: Record<string, string>) =>
      detectCommand(deps(), files, flags).then(
        () => 'accepted',
        (e: Error) => e.message,
      );
    expect(await refused([clip.path], { profile: 'curling', brands: brandsFile })).toStartWith('--profile: no built-in profile "curling"');
    expect(await refused([clip.path], { profile: 'generic_broadcast' })).toStartWith('--brands: a brand list file is needed');
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '[]');
    expect(await refused([clip.path], { profile: 'generic_broadcast', brands: empty })).toContain('brands');
    writeFileSync(empty, '{ nope');
    expect(await refused([clip.path], { profile: 'generic_broadcast', brands: empty })).toStartWith('--brands: ');
    expect(await refused([join(dir, 'missing.mp4')], { profile: 'generic_broadcast', brands: brandsFile })).toStartWith('no such file');
    expect(await refused([clip.path], { profile: 'generic_broadcast', brands: brandsFile, fps: 'lots' })).toStartWith('--fps needs a number');
    expect(await refused([clip.path], { profile: 'generic_broadcast', brands: brandsFile, fps: '500' })).toContain('configOverrides.extract_frames.fps');
  }, 60_000);
});
