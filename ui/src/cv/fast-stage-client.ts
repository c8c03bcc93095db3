/**
 * The page's side of the fast path: one Web Worker (fast-stage.worker.ts),
 * started on the first request and not before, so OpenCV.js (~10 MB) is
 * fetched only when a preview is first asked for. Each view (a panel) has
 * at most one request in flight and one waiting: a newer request replaces
 * the waiting one, which settles as `superseded`, so a slider dragged fast
 * runs the stage on the settings in flight and then on the newest, never
 * on the 50 positions it passed through. A worker that fails (its script
 * or OpenCV.js did not load) fails what it held, in words, and the next
 * request starts a fresh one.
 */
import { sentence } from '../format.ts';
import type { FastReply, FastRequest, FastResult, FastStageName, FastTimings, StageSettings } from './fast-stage-core.ts';

/** The worker as the client uses it (the browser's below; tests pass a fake). */
export interface WorkerPort {
  post(req: FastRequest): void;
  /** `onFail` gets what went wrong, in words. */
  listen(onReply: (r: FastReply) => void, onFail: (why: string) => void): void;
  terminate(): void;
}

export interface FastAsk {
  /** Which frame `image` is (e.g. `jobId:seq`): the worker decodes a key once. */
  key: string;
  image: Blob;
  stage: FastStageName;
  settings: StageSettings;
}

export type FastOutcome =
  | { status: 'done'; ask: FastAsk; result: FastResult; timings: FastTimings /** From post to answer, on the page. */; totalMs: number }
  | { status: 'failed'; ask: FastAsk; error: string }
  /** A newer request of the same view took its place before it ran (or the view was closed). */
  | { status: 'superseded'; ask: FastAsk };

export interface FastView {
  run(ask: FastAsk): Promise<FastOutcome>;
  /** Drops what is waiting and ignores the answer in flight. */
  dispose(): void;
}

export interface FastStageClient {
  view(): FastView;
  /** Whether the worker is running (started by the first request). */
  started(): boolean;
  terminate(): void;
}

const browserWorker = (): WorkerPort => {
  // Written out in full so Vite sees it and bundles the worker (with OpenCV.js) as a chunk of its own.
  const w = new Worker(new URL('./fast-stage.worker.ts', import.meta.url), { type: 'module' });
  return {
    post: (req) => w.postMessage(req),
    listen: (onReply, onFail) => {
      w.onmessage = (e: MessageEvent<FastReply>) => onReply(e.data);
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        onFail(e.message || 'the preview worker could not be started (its script did not load)');
      };
      w.onmessageerror = () => onFail('an answer of the preview worker could not be read');
    },
    terminate: () => w.terminate(),
  };
};

interface Pending {
  ask: FastAsk;
  settle: (o: FastOutcome) => void;
}

interface InFlight extends Pending {
  id: number;
  sentAt: number;
  view: ViewSlot;
}

interface ViewSlot {
  inFlight: InFlight | null;
  queued: Pending | null;
  closed: boolean;
}

export const createFastStageClient = (makeWorker: () => WorkerPort = browserWorker, now: () => number = () => performance.now()): FastStageClient => {
  let worker: WorkerPort | null = null;
  let nextId = 1;
  const inFlight = new Map<number, InFlight>();

  const failAll = (why: string) => {
    const text = `The in-browser preview failed: ${sentence(why)}`;
    const held = [...inFlight.values()];
    inFlight.clear();
    worker?.terminate();
    worker = null;
    for (const f of held) {
      f.view.inFlight = null;
      f.settle({ status: 'failed', ask: f.ask, error: text });
      const q = f.view.queued;
      f.view.queued = null;
      q?.settle({ status: 'failed', ask: q.ask, error: text });
    }
  };

  const onReply = (r: FastReply) => {
    const f = inFlight.get(r.id);
    if (!f) return;
    inFlight.delete(r.id);
    const slot = f.view;
    slot.inFlight = null;
    if (slot.closed) f.settle({ status: 'superseded', ask: f.ask });
    else if (r.ok) f.settle({ status: 'done', ask: f.ask, result: r.result, timings: r.timings, totalMs: now() - f.sentAt });
    else f.settle({ status: 'failed', ask: f.ask, error: sentence(r.error) });
    const next = slot.queued;
    slot.queued = null;
    if (next) send(slot, next);
  };

  const port = (): WorkerPort => {
    if (!worker) {
      const w = makeWorker();
      worker = w;
      // A late message of a worker already replaced is not this one's.
      w.listen(
        (r) => worker === w && onReply(r),
        (why) => worker === w && failAll(why),
      );
    }
    return worker;
  };

  const send = (slot: ViewSlot, p: Pending) => {
    const id = nextId++;
    const f: InFlight = { ...p, id, sentAt: now(), view: slot };
    slot.inFlight = f;
    inFlight.set(id, f);
    try {
      port().post({ id, key: p.ask.key, image: p.ask.image, stage: p.ask.stage, settings: p.ask.settings });
    } catch (e) {
      failAll(e instanceof Error ? e.message : String(e));
    }
  };

  return {
    view: (): FastView => {
      const slot: ViewSlot = { inFlight: null, queued: null, closed: false };
      return {
        run: (ask) =>
          new Promise<FastOutcome>((settle) => {
            if (slot.closed) return settle({ status: 'superseded', ask });
            if (!slot.inFlight) return send(slot, { ask, settle });
            slot.queued?.settle({ status: 'superseded', ask: slot.queued.ask });
            slot.queued = { ask, settle };
          }),
        dispose: () => {
          slot.closed = true;
          slot.queued?.settle({ status: 'superseded', ask: slot.queued.ask });
          slot.queued = null;
        },
      };
    },
    started: () => worker !== null,
    terminate: () => failAll('the preview was closed'),
  };
};

let shared: FastStageClient | null = null;

/** The page's one client (its worker starts on the first request). */
export const fastStageClient = (): FastStageClient => {
  shared ??= createFastStageClient();
  return shared;
};
