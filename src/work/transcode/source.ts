/**
 * A job's source is checked again when the job starts: the file may have
 * been cut short, replaced or deleted since the scan probed it. An
 * unchanged file (same size and modification time) costs one stat; a
 * changed one is probed again, and the job goes on only if it is still
 * usable and still the same media (duration and streams), because the
 * job's plan rests on those facts.
 */
import { AppError } from '../../errors.ts';
import type { Binaries } from '../../media/binaries.ts';
import { probeAndClassify } from '../../media/probe.ts';
import { nonFileAt, toolInput, type Storage } from '../../storage/index.ts';
import { sourceFromProbe, type TranscodeSource } from './params.ts';

const SAME_DURATION_SECONDS = 0.5;

/** Pure: what differs between the facts a job was planned on and the file's facts now ('' when nothing that matters does). */
export const sourceDifference = (was: TranscodeSource, now: TranscodeSource): string => {
  const diffs: string[] = [];
  if (Math.abs(was.duration - now.duration) > SAME_DURATION_SECONDS)
    diffs.push(`its duration went from ${was.duration.toFixed(1)} s to ${now.duration.toFixed(1)} s`);
  if (was.videoStream !== now.videoStream || was.displayWidth !== now.displayWidth || was.displayHeight !== now.displayHeight)
    diffs.push('its video stream is not the same');
  if (was.audioStream !== now.audioStream) diffs.push('its audio stream is not the same');
  const subs = (s: TranscodeSource) => JSON.stringify((s.subtitles ?? []).map((t) => t.index));
  // Jobs made before subtitles were recorded carry none: only a job that knows its tracks compares them.
  if (was.subtitles !== undefined && subs(was) !== subs(now)) diffs.push('its subtitle tracks are not the same');
  return diffs.join(', ');
};

/**
 * Why `key` is not a file of the input store: what took its place (a FIFO,
 * a folder: stat() sees only regular files), or that it is gone.
 */
export const inputGone = async (input: Storage, key: string): Promise<AppError> => {
  const local = input.localPath(key);
  const what = local ? await nonFileAt(local) : null;
  return new AppError('unrecoverable', what ? `the input ${key} is ${what}, not a media file` : `the input ${key} is no longer in the input store`);
};

const megabytes = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/**
 * Throws AppError('unrecoverable') with a sentence when the source is gone,
 * now unusable, or different media than the job was planned for.
 */
export const recheckSource = async (
  d: { input: Storage; bins: () => Binaries },
  p: { inputKey: string; source: TranscodeSource },
  signal?: AbortSignal,
): Promise<void> => {
  const o = await d.input.stat(p.inputKey);
  if (!o) throw await inputGone(d.input, p.inputKey);
  const { size, modifiedAt } = p.source;
  // Jobs made before sources were fingerprinted carry neither: nothing to compare.
  if (size === undefined && modifiedAt === undefined) return;
  if (o.size === size && o.modifiedAt === modifiedAt) return;
  const changed = o.size !== size ? `its size went from ${megabytes(size ?? 0)} to ${megabytes(o.size)}` : 'it was modified';
  const { probe, verdict } = await probeAndClassify(await toolInput(d.input, p.inputKey), { signal, bins: d.bins() });
  if (verdict.status !== 'ready' || !probe) {
    throw new AppError('unrecoverable', `the source ${p.inputKey} changed since it was scanned (${changed}) and can no longer be used: ${verdict.reason}`);
  }
  const diff = sourceDifference(p.source, sourceFromProbe(probe, verdict));
  if (diff) throw new AppError('unrecoverable', `the source ${p.inputKey} changed since it was scanned (${diff}): scan it again and start a new job`);
};
