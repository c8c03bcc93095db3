/** What the transcode kind works with, given by the composition root (src/system.ts). */
import type { Binaries } from '../../media/binaries.ts';
import type { Storage } from '../../storage/index.ts';
import type { Preset, Probe, ProbeVerdict } from '../../types/media.ts';
import type { PoolCapacity } from '../../types/workers.ts';

/** The watchdog and disk-full options of a chunk's ffmpeg run writing into `dir`. */
export const chunkRunOptions = (d: Pick<TranscodeDeps, 'stallSeconds'>, dir: string) => ({
  stallMs: d.stallSeconds ? d.stallSeconds * 1000 : undefined,
  writesTo: dir,
});

/** An asset as the read model has it: what a request to transcode it needs. */
export interface TranscodeAsset {
  id: string;
  key: string;
  status: 'ready' | 'invalid' | 'missing';
  reason: string | null;
  size: number;
  modifiedAt: string;
  probe: Probe | null;
  verdict: ProbeVerdict;
}

export interface TranscodeDeps {
  input: Storage;
  output: Storage;
  bins: () => Binaries;
  /** Local scratch space; each chunk works in its own folder and removes it. */
  workDir: string;
  /** A chunk's ffmpeg printing no progress this long is killed as hung (the runner records a stall and tries again); none when absent. */
  stallSeconds?: number;
  /**
   * The pool that will run the job's chunks (the registered workers, a
   * configured target, or this process): the plan makes whole rounds of its
   * slots, and sizes encoder threads to its cores.
   */
  capacity: () => Promise<PoolCapacity>;
  /** Built-in or user preset by id (for a request, and a fork that names another preset). */
  findPreset?: (id: string) => Preset | null;
  /** A registered asset by id (for a request). */
  findAsset?: (id: string) => TranscodeAsset | null;
}
