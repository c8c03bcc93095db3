/**
 * The overlay viewer's state: which frame, which stages drawn (the first is
 * the overlay's `stage`, the rest its `layers`), an optional second run to
 * compare, and the images as object URLs. Every URL made here is revoked once
 * nothing shows or awaits it (replaced, left, or disposed); the next frame in
 * the direction of travel is fetched ahead so stepping does not wait.
 */
import { batch, createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import { locate, seqAt, timeOfSeq } from '../detect-report.ts';
import { errorText } from '../format.ts';
import type { OverlayMade } from '../../../src/types/detect-run.ts';
import type { Pick as TimelinePick } from '../../../src/types/detect-setup.ts';

export type OverlayApi = Pick<Api, 'detect'>;

export interface OverlayFrame {
  jobId: string;
  seq: number;
  stage: string;
  layers: string[];
  /** An object URL of the PNG. */
  url: string;
  t: number;
  shapes: OverlayMade['shapes'];
}

/** One image asked for: `frame` once it came; `dropped` once nothing wants it (its URL is revoked on arrival). */
interface Entry {
  done: Promise<OverlayFrame>;
  frame: OverlayFrame | null;
  dropped: boolean;
}

/** Where the source plays a timeline second: the asset and its second. */
export interface SourceSpot {
  assetId: string;
  seconds: number;
}

export const createOverlayStore = (api: OverlayApi, o: { jobId: string; frames: number; samplePeriod: number; timelineId?: string }) => {
  const last = Math.max(0, o.frames - 1);
  const [seq, setSeq] = createSignal(0);
  const [stages, setStagesSignal] = createSignal<string[]>([]);
  const [compareJob, setCompareJob] = createSignal<string | null>(null);
  const [image, setImage] = createSignal<OverlayFrame | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [compareImage, setCompareImage] = createSignal<OverlayFrame | null>(null);
  const [compareLoading, setCompareLoading] = createSignal(false);
  const [compareError, setCompareError] = createSignal<string | null>(null);
  const [source, setSource] = createSignal<SourceSpot | null>(null);
  const [sourceError, setSourceError] = createSignal<string | null>(null);
  let dir = 1;
  let tick = 0;
  let picks: Promise<TimelinePick[]> | null = null;

  const cache = new Map<string, Entry>();
  const keyOf = (jobId: string, s: number, st: readonly string[]) => `${jobId}\n${s}\n${st.join(',')}`;
  const frameKey = (f: OverlayFrame | null) => (f ? keyOf(f.jobId, f.seq, [f.stage, ...f.layers]) : null);

  const fetchEntry = (jobId: string, s: number, st: string[]): Entry => {
    const key = keyOf(jobId, s, st);
    const had = cache.get(key);
    if (had) return had;
    const entry: Entry = { frame: null, dropped: false, done: Promise.resolve(null as never) };
    entry.done = (async () => {
      const made = await api.detect.overlay({ jobId, stage: st[0]!, seq: s, layers: st.slice(1) });
      const blob = await api.detect.overlayImage(made.url);
      const frame: OverlayFrame = { jobId, seq: s, stage: st[0]!, layers: st.slice(1), url: URL.createObjectURL(blob), t: made.t, shapes: made.shapes };
      if (entry.dropped) URL.revokeObjectURL(frame.url);
      else entry.frame = frame;
      return frame;
    })();
    // A refusal is not kept: asking again (a stage finished since, a retry) asks the server again.
    entry.done.catch(() => {
      if (cache.get(key) === entry) cache.delete(key);
    });
    cache.set(key, entry);
    return entry;
  };

  /** Drops (and revokes) every image but those shown, wanted now, or fetched ahead. */
  const prune = () => {
    const st = stages();
    const s = seq();
    const ahead = s + dir;
    const jobs = [o.jobId, compareJob()].filter((j): j is string => !!j);
    const keep = new Set<string | null>([frameKey(image()), frameKey(compareImage())]);
    for (const j of jobs) {
      keep.add(keyOf(j, s, st));
      if (ahead >= 0 && ahead <= last) keep.add(keyOf(j, ahead, st));
    }
    for (const [key, e] of cache) {
      if (keep.has(key)) continue;
      e.dropped = true;
      if (e.frame) URL.revokeObjectURL(e.frame.url);
      cache.delete(key);
    }
  };

  const prefetch = (jobId: string, s: number, st: string[]) => {
    if (s < 0 || s > last) return;
    fetchEntry(jobId, s, st).done.catch(() => {
      // Fetched ahead only: the refusal shows if the user steps there.
    });
  };

  /** Fetches one side (this run or the compared one) and shows it unless something newer was asked meanwhile. */
  const show = async (side: 'main' | 'compare', jobId: string, s: number, st: string[], token: number) => {
    const put = side === 'main' ? setImage : setCompareImage;
    const busy = side === 'main' ? setLoading : setCompareLoading;
    const fail = side === 'main' ? setError : setCompareError;
    busy(true);
    fail(null);
    try {
      const frame = await fetchEntry(jobId, s, st).done;
      if (token !== tick) return;
      batch(() => {
        put(frame);
        busy(false);
      });
      prefetch(jobId, s + dir, st);
    } catch (e) {
      if (token !== tick) return;
      batch(() => {
        put(null);
        fail(errorText(e));
        busy(false);
      });
    }
    prune();
  };

  /** Shows the current frame (and the compared run's) with the chosen stages. */
  const refresh = async () => {
    const st = stages();
    if (st.length === 0) return;
    const token = ++tick;
    const s = seq();
    const other = compareJob();
    prune();
    if (!other) {
      batch(() => {
        setCompareImage(null);
        setCompareError(null);
        setCompareLoading(false);
      });
      prune();
    }
    await Promise.all([show('main', o.jobId, s, st, token), other ? show('compare', other, s, st, token) : null]);
  };

  const go = (n: number) => {
    if (!Number.isFinite(n)) return Promise.resolve();
    const next = Math.min(last, Math.max(0, Math.round(n)));
    dir = next < seq() ? -1 : 1;
    setSeq(next);
    setSource(null);
    return refresh();
  };

  const toggleStage = (stage: string) => {
    const st = stages();
    if (st.includes(stage)) {
      if (st.length === 1) return Promise.resolve(); // one stage stays on: something must be drawn
      setStagesSignal(st.filter((x) => x !== stage));
    } else {
      setStagesSignal([...st, stage]);
    }
    return refresh();
  };

  /** Where the source plays the current frame: the run's timeline (fetched once) maps the frame's second to an asset's. */
  const findSource = async () => {
    setSourceError(null);
    try {
      picks ??= (async () => {
        const timelineId = o.timelineId ?? (await api.detect.status(o.jobId)).timelineId;
        return (await api.detect.timeline(timelineId)).picks;
      })();
      const spot = locate(await picks, timeOfSeq(seq(), o.samplePeriod));
      if (!spot) throw new Error('The timeline picks no source.');
      setSource({ assetId: spot.assetId, seconds: spot.seconds });
      return spot;
    } catch (e) {
      picks = null;
      setSourceError(errorText(e));
      return null;
    }
  };

  return {
    api,
    jobId: o.jobId,
    frames: o.frames,
    samplePeriod: o.samplePeriod,
    seq,
    stages,
    compareJob,
    image,
    loading,
    error,
    compareImage,
    compareLoading,
    compareError,
    source,
    sourceError,
    /** The current frame's second on the timeline. */
    time: () => timeOfSeq(seq(), o.samplePeriod),
    /** Starts (or restarts, after dispose) with these stages drawn, unless some are chosen already. */
    start: (initial: string[]) => {
      if (stages().length === 0) setStagesSignal(initial.slice(0, 1));
      return refresh();
    },
    setStages: (st: string[]) => {
      if (st.length === 0) return Promise.resolve();
      setStagesSignal([...st]);
      return refresh();
    },
    toggleStage,
    go,
    next: () => go(seq() + 1),
    prev: () => go(seq() - 1),
    /** Opens the frame sampled nearest to timeline second `t`. */
    goTime: (t: number) => go(seqAt(t, o.samplePeriod)),
    setCompare: (jobId: string | null) => {
      setCompareJob(jobId && jobId !== o.jobId ? jobId : null);
      return refresh();
    },
    findSource,
    closeSource: () => setSource(null),
    /** Revokes every object URL and forgets the images; `start` shows them again. */
    dispose: () => {
      tick++;
      for (const e of cache.values()) {
        e.dropped = true;
        if (e.frame) URL.revokeObjectURL(e.frame.url);
      }
      cache.clear();
      batch(() => {
        setImage(null);
        setCompareImage(null);
        setLoading(false);
        setCompareLoading(false);
      });
    },
  };
};

export type OverlayStore = ReturnType<typeof createOverlayStore>;
