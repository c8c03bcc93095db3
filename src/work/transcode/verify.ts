/**
 * A transcode checks what it wrote before it says COMPLETED: every
 * rendition's length is within one segment of the plan, every segment is
 * in the output store and not empty, and ffmpeg reads every packet of the
 * packaged output back (no decoding: a stream copy into the null muxer)
 * without one error, which is where broken segments and timestamps that
 * overlap at chunk joins show. A failure is a sentence naming the
 * rendition and what is wrong with it.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../errors.ts';
import { runFfmpeg, runFfprobeJson, runFfprobeLines } from '../../media/ffmpeg.ts';
import { parseMediaPlaylist } from '../../media/hls.ts';
import { toolInput, type Storage } from '../../storage/index.ts';
import type { Rendition, TranscodeResult } from './package.ts';

export interface VerifyPlan {
  /** Seconds each video rendition should last. */
  videoSeconds: number;
  /** Seconds the audio should last (its track can end before the video), or null when unknown: then only its upper bound is checked. */
  audioSeconds: number | null;
  segmentSeconds: number;
}

const failed = (what: string, why: string) => new AppError('unrecoverable', `the output failed its check: ${what} ${why}`);

const fmt = (s: number) => `${s.toFixed(2)} s`;

/** Pure: the length check for one rendition; null when it passes. */
export const durationProblem = (r: Pick<Rendition, 'type' | 'duration'>, plan: VerifyPlan, tolerance: number): string | null => {
  // A subtitle playlist is one segment covering the output: it must last as long as the video.
  const want = r.type === 'audio' ? plan.audioSeconds : plan.videoSeconds;
  const most = r.type === 'audio' ? (plan.audioSeconds ?? plan.videoSeconds) : plan.videoSeconds;
  if (r.duration > most + tolerance) return `lasts ${fmt(r.duration)}, more than one segment longer than the ${fmt(most)} planned`;
  if (want !== null && r.duration < want - tolerance) return `lasts ${fmt(r.duration)}, more than one segment short of the ${fmt(want)} planned`;
  return null;
};

/** ffmpeg reads every packet of `input` (a local file or playlist); its first error lines, or null. */
const readBack = async (input: string, bin: string, signal: AbortSignal, stallMs?: number): Promise<string | null> => {
  try {
    // -loglevel error overrides runFfmpeg's warning level: only real errors count.
    const r = await runFfmpeg(
      ['-loglevel', 'error', '-protocol_whitelist', 'file,http,https,tcp,tls,crypto', '-i', input, '-map', '0', '-c', 'copy', '-f', 'null', '-'],
      // A read that hangs (a stalled mount, a stopped ffmpeg) is killed by the watchdog, not waited on for ever.
      { bin, signal, stallMs },
    );
    const lines = r.stderrTail
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    return lines.length ? lines.slice(0, 3).join('; ') : null;
  } catch (e) {
    if (signal.aborted) throw e;
    return e instanceof Error ? e.message : String(e);
  }
};

const fileDuration = async (input: string, bin: string, signal: AbortSignal): Promise<number | null> => {
  try {
    const j = (await runFfprobeJson(['-show_format', input], { bin, signal })) as { format?: { duration?: string } };
    const n = Number(j.format?.duration);
    return Number.isFinite(n) && n > 0 ? n : null;
  } catch (e) {
    if (signal.aborted) throw e;
    return null;
  }
};

/** A hole in a rendition's timeline longer than this is missing media (a frame or an AAC packet lasts milliseconds). */
const GAP_SECONDS = 0.25;

/** Pure: the first hole or backward step in packet decode times (seconds, told from the first packet), as a phrase; null when they run on. */
export const timelineProblem = (packets: readonly { dts: number; duration: number }[]): string | null => {
  const t0 = packets[0]?.dts ?? 0;
  const since = (s: number) => `${(s - t0).toFixed(2)} s`;
  const len = (s: number) => `${s.toFixed(2)} s`;
  for (let i = 1; i < packets.length; i++) {
    const prev = packets[i - 1]!;
    const p = packets[i]!;
    // Equal times are left to the read-back (an AAC stream starts with two: the encoder's priming packet).
    if (p.dts < prev.dts) return `has timestamps that go backwards at ${since(p.dts)}`;
    const gap = p.dts - (prev.dts + prev.duration);
    if (gap > GAP_SECONDS) return `has ${len(gap)} of media missing at ${since(prev.dts + prev.duration)} (a cut-short segment?)`;
  }
  return null;
};

/**
 * The packets' decode times of a playlist's one stream, read without
 * decoding: a segment cut short reads back without an error, but leaves a
 * hole in the timeline.
 */
const packetTimeline = async (input: string, bin: string, signal: AbortSignal) => {
  const packets: { dts: number; duration: number }[] = [];
  const r = await runFfprobeLines(
    [
      '-protocol_whitelist',
      'file,http,https,tcp,tls,crypto',
      '-select_streams',
      '0',
      '-show_entries',
      'packet=dts_time,duration_time',
      '-of',
      'csv=p=0',
      input,
    ],
    (line) => {
      const [dts, duration] = line.split(',').map(Number);
      if (Number.isFinite(dts)) packets.push({ dts: dts!, duration: Number.isFinite(duration) ? duration! : 0 });
    },
    { bin, signal },
  );
  return { packets, ok: r.exitCode === 0 && !r.timedOut };
};

const playlistLines = (text: string, uriOf: (uri: string) => string): string =>
  text
    .split('\n')
    .map((l) => (l.trim() === '' || l.startsWith('#') ? l : uriOf(l.trim())))
    .join('\n');

/** The key a playlist's relative URI names (the inverse of relativeKey). */
const rel = (base: string, key: string) => join(base.split('/').slice(0, -1).join('/'), key).replaceAll('\\', '/');

/**
 * Checks a packaged transcode; throws AppError('unrecoverable') naming the
 * first rendition that fails. `dir` is scratch space for local copies of
 * the playlists (their segments are read where they are stored).
 */
export const verifyTranscode = async (
  d: { output: Storage; ffmpeg: string; ffprobe: string; stallMs?: number },
  result: TranscodeResult,
  plan: VerifyPlan,
  dir: string,
  signal: AbortSignal,
): Promise<void> => {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  try {
    const tolerance = plan.segmentSeconds + 0.05;
    const localPlaylist = new Map<string, string>();
    for (const r of result.renditions) {
      const problem = durationProblem(r, plan, tolerance);
      if (problem) throw failed(`rendition ${r.name}`, problem);
      if (!r.key.endsWith('.m3u8')) {
        const o = await d.output.stat(r.key);
        if (!o || o.size === 0) throw failed(`rendition ${r.name}`, `has no file (${r.key} is ${o ? 'empty' : 'missing'})`);
        const input = await toolInput(d.output, r.key);
        // A file's length is what its container says, not what the job planned.
        const measured = await fileDuration(input, d.ffprobe, signal);
        const off = measured === null ? 'has no readable duration' : durationProblem({ type: r.type, duration: measured }, plan, tolerance);
        if (off) throw failed(`rendition ${r.name}`, off);
        const err = await readBack(input, d.ffmpeg, signal, d.stallMs);
        if (err) throw failed(`rendition ${r.name}`, `cannot be read back: ${err}`);
        continue;
      }
      const text = await new Response(await d.output.get(r.key)).text();
      const list = parseMediaPlaylist(text);
      if (list.segments.length === 0) throw failed(`rendition ${r.name}`, 'has no segments');
      const uris = new Map<string, string>();
      for (const s of list.segments) {
        const key = rel(r.key, s.uri);
        const o = await d.output.stat(key);
        if (!o) throw failed(`rendition ${r.name}`, `is missing its segment ${s.uri}`);
        if (o.size === 0) throw failed(`rendition ${r.name}`, `has an empty segment ${s.uri}`);
        uris.set(s.uri, await toolInput(d.output, key));
      }
      const local = join(dir, `${localPlaylist.size}.m3u8`);
      await Bun.write(
        local,
        playlistLines(text, (u) => uris.get(u) ?? u),
      );
      localPlaylist.set(r.key, local);
      // Cues come and go: a subtitle track's timeline has gaps by nature, and ffmpeg reads subtitle groups only experimentally.
      if (r.type === 'subtitles') continue;
      const timeline = await packetTimeline(local, d.ffprobe, signal);
      if (!timeline.ok || timeline.packets.length === 0) throw failed(`rendition ${r.name}`, 'cannot be read back: ffprobe finds no packets in it');
      const hole = timelineProblem(timeline.packets);
      if (hole) throw failed(`rendition ${r.name}`, hole);
    }
    const eachRendition = async () => {
      for (const [key, local] of localPlaylist) {
        const err = await readBack(local, d.ffmpeg, signal, d.stallMs);
        if (err) throw failed(`rendition ${result.renditions.find((r) => r.key === key)?.name ?? key}`, `cannot be read back: ${err}`);
      }
    };
    // Read back through the master when there is one: the renditions together, as a player sees them.
    const master = result.outputs.master;
    if (master) {
      const text = await new Response(await d.output.get(master)).text();
      const local = join(dir, 'master.m3u8');
      await Bun.write(
        local,
        playlistLines(text, (u) => localPlaylist.get(rel(master, u)) ?? u).replaceAll(/URI="([^"]+)"/g, (all, u: string) => {
          const to = localPlaylist.get(rel(master, u));
          return to ? `URI="${to}"` : all;
        }),
      );
      const err = await readBack(local, d.ffmpeg, signal, d.stallMs);
      // Name the rendition when one fails on its own; some faults (timestamps that disagree between renditions) only show together.
      if (err) await eachRendition();
      if (err) throw failed('the HLS output', `cannot be read back cleanly: ${err}`);
    } else {
      await eachRendition();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
