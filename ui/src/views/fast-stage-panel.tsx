/**
 * The overlay viewer's fast path: segment_field or detect_edges run in the
 * browser (a Web Worker with OpenCV.js, fast-stage-client.ts) on a cached
 * frame of a run, redrawn on every slider move without a server round
 * trip. The sliders are the stage's numeric settings from its schema,
 * starting at the run's config; the server's result stays the record, and
 * one button replays the stage there with the settings as moved.
 */
import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import type { Api } from '../api.ts';
import type { StageInfo } from '../detect-api.ts';
import { drawFast } from '../cv/draw-fast.ts';
import { type FastStageClient, fastStageClient, type FastOutcome } from '../cv/fast-stage-client.ts';
import { FAST_STAGES, type FastStageName } from '../cv/fast-stage-core.ts';
import { changedFrom, numericSettings, type SettingField, type Settings, settingValue, withValue } from '../cv/fast-settings.ts';
import { errorText } from '../format.ts';
import '../fast-stage.css';

export interface FastStagePanelProps {
  api: Pick<Api, 'detect'>;
  jobId: string;
  /** Frames on the run's timeline (seq 0 to frames - 1). */
  frames: number;
  /** The run's resolved settings per stage (the sliders start here). */
  configs: Record<string, Record<string, unknown>>;
  onReplay: (stage: string, overrides: Record<string, unknown>) => void;
  /** The fast path; by default the page's one client, whose worker (and OpenCV.js) starts on the first preview. */
  client?: FastStageClient;
  seq?: number;
  stage?: FastStageName;
}

const STAGE_LABELS: Record<FastStageName, string> = {
  segment_field: 'Field mask (segment_field)',
  detect_edges: 'Edges and board proposals (detect_edges)',
};

/** Cached frames kept per panel (about 150 kB each at 1280 wide). */
const KEEP_FRAMES = 24;

const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;

type Done = Extract<FastOutcome, { status: 'done' }>;

export const FastStagePanel = (p: FastStagePanelProps) => {
  const view = (p.client ?? fastStageClient()).view();
  const last = () => Math.max(0, p.frames - 1);
  const [stage, setStage] = createSignal<FastStageName>(p.stage ?? 'segment_field');
  const [seq, setSeq] = createSignal(Math.min(Math.max(0, p.seq ?? 0), last()));
  const [infos, setInfos] = createSignal<Partial<Record<FastStageName, StageInfo>>>({});
  const [overrides, setOverrides] = createSignal<Partial<Record<FastStageName, Settings>>>({});
  const [shown, setShown] = createSignal<{ seq: number; outcome: Done } | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let canvas: HTMLCanvasElement | undefined;

  // Frames as the server cached them, fetched once each; the newest KEEP_FRAMES kept.
  const frames = new Map<string, { blob: Promise<Blob>; bitmap?: Promise<ImageBitmap | null> }>();
  const keyOf = (q: number) => `${p.jobId}:${q}`;
  const frameOf = (q: number) => {
    const key = keyOf(q);
    let f = frames.get(key);
    if (!f) {
      f = { blob: p.api.detect.frameImage(p.jobId, q) };
      frames.set(key, f);
      f.blob.catch(() => frames.delete(key));
      for (const [old, e] of frames) {
        if (frames.size <= KEEP_FRAMES) break;
        frames.delete(old);
        void e.bitmap?.then((b) => b?.close());
      }
    }
    return f;
  };
  /** The frame as a picture to draw under the result (none where the browser cannot decode on the page). */
  const bitmapOf = (q: number): Promise<ImageBitmap | null> => {
    const f = frameOf(q);
    f.bitmap ??= typeof createImageBitmap === 'function' ? f.blob.then((b) => createImageBitmap(b)).catch(() => null) : Promise.resolve(null);
    return f.bitmap;
  };

  const info = () => infos()[stage()];
  const fields = (): SettingField[] => numericSettings(info()?.schema ?? {});
  /** The run's settings for the stage: its defaults under the run's config. */
  const base = (): Settings => ({ ...info()?.defaults, ...p.configs[stage()] });
  const mine = (): Settings => overrides()[stage()] ?? {};
  const current = (): Settings => ({ ...base(), ...mine() });
  const changed = () => changedFrom(base(), mine());

  createEffect(
    on(stage, (s) => {
      if (infos()[s]) return;
      p.api.detect.stage(s).then(
        (i) => setInfos((m) => ({ ...m, [s]: i })),
        (e) => setError(errorText(e)),
      );
    }),
  );

  let ticket = 0;
  const preview = async (s: FastStageName, q: number, settings: Settings) => {
    const t = ++ticket;
    setBusy(true);
    let image: Blob;
    try {
      image = await frameOf(q).blob;
    } catch (e) {
      if (t === ticket) {
        setError(errorText(e));
        setBusy(false);
      }
      return;
    }
    // A frame still coming when the user moved on: only the newest goes to the worker.
    if (t !== ticket) return;
    const o = await view.run({ key: keyOf(q), image, stage: s, settings });
    if (o.status === 'superseded') return;
    if (t === ticket) setBusy(false);
    if (o.status === 'failed') return setError(o.error);
    setError(null);
    setShown({ seq: q, outcome: o });
  };

  createEffect(() => {
    const s = stage();
    if (!infos()[s] || p.frames <= 0) return;
    void preview(s, seq(), current());
  });

  createEffect(() => {
    const sh = shown();
    if (!sh) return;
    void bitmapOf(sh.seq).then((bmp) => {
      if (canvas && shown() === sh) drawFast(canvas, bmp, sh.outcome.result);
    });
  });

  onCleanup(() => {
    view.dispose();
    for (const f of frames.values()) void f.bitmap?.then((b) => b?.close());
    frames.clear();
  });

  const setValue = (f: SettingField, raw: string) => {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v)) return;
    const s = stage();
    setOverrides((o) => ({ ...o, [s]: withValue(current(), o[s] ?? {}, f, v) }));
  };
  const goTo = (q: number) => {
    if (Number.isInteger(q)) setSeq(Math.min(last(), Math.max(0, q)));
  };

  const result = () => shown()?.outcome.result ?? null;
  const share = () => {
    const r = result();
    return r?.stage === 'segment_field' ? r.share.toFixed(3) : undefined;
  };
  const proposals = () => {
    const r = result();
    return r?.stage === 'detect_edges' ? String(r.proposals.length) : undefined;
  };

  return (
    <section class="card fast-stage" data-testid="fast-stage" aria-busy={busy()}>
      <div class="fast-head">
        <h2>Preview in the browser</h2>
        <label class="fast-control">
          <span>Stage</span>
          <select data-testid="fast-stage-select" value={stage()} onChange={(e) => setStage(e.currentTarget.value as FastStageName)}>
            <For each={FAST_STAGES}>{(s) => <option value={s}>{STAGE_LABELS[s]}</option>}</For>
          </select>
        </label>
        <div class="fast-control">
          <button type="button" class="btn small" aria-label="Previous frame" disabled={seq() <= 0} onClick={() => goTo(seq() - 1)}>
            ◀
          </button>
          <label class="fast-control">
            <span>Frame</span>
            <input type="number" data-testid="fast-seq" min={0} max={last()} step={1} value={seq()} onChange={(e) => goTo(Number(e.currentTarget.value))} />
          </label>
          <span class="muted small">of {p.frames}</span>
          <button type="button" class="btn small" aria-label="Next frame" disabled={seq() >= last()} onClick={() => goTo(seq() + 1)}>
            ▶
          </button>
        </div>
      </div>

      <Show when={error()}>
        <div class="error-note" role="alert" data-testid="fast-error">
          {error()}
        </div>
      </Show>

      <Show when={p.frames <= 0}>
        <div class="empty">This run has no cached frames to preview.</div>
      </Show>

      <div class="fast-body">
        <div class="fast-view">
          <canvas
            ref={canvas}
            class="fast-canvas"
            data-testid="fast-canvas"
            data-stage={result()?.stage}
            data-seq={shown()?.seq}
            data-share={share()}
            data-proposals={proposals()}
            role="img"
            aria-label={`Frame ${shown()?.seq ?? seq()} with the ${stage()} preview drawn over it`}
          />
          <p class="muted small" data-testid="fast-time">
            <Show when={shown()} fallback={busy() ? 'Starting the preview in your browser (OpenCV.js loads on first use)…' : ''}>
              {(sh) => <Timing outcome={sh().outcome} />}
            </Show>
          </p>
        </div>

        <div class="fast-settings">
          <Show when={info()} fallback={<p class="muted small">Loading the settings of {stage()}…</p>}>
            <For each={fields()}>
              {(f) => (
                <label class="fast-setting" classList={{ changed: f.key in changed() }} data-testid="fast-setting" data-field={f.path} title={f.description}>
                  <span class="fast-setting-name">{f.label}</span>
                  <input
                    type="range"
                    min={f.min}
                    max={f.max}
                    step={f.step}
                    value={settingValue(current(), f)}
                    onInput={(e) => setValue(f, e.currentTarget.value)}
                  />
                  <input
                    type="number"
                    aria-label={`${f.label} value`}
                    min={f.min}
                    max={f.max}
                    step={f.step}
                    value={settingValue(current(), f)}
                    onChange={(e) => setValue(f, e.currentTarget.value)}
                  />
                </label>
              )}
            </For>
            <div class="row">
              <button
                type="button"
                class="btn small ghost"
                disabled={Object.keys(mine()).length === 0}
                onClick={() => setOverrides((o) => ({ ...o, [stage()]: {} }))}
              >
                Back to the run's settings
              </button>
            </div>
          </Show>
          <p class="muted small fast-note">
            A preview: your browser runs the server's code on the cached frame. The server's result is the record; replay the stage there to keep these
            settings' findings.
          </p>
          <button type="button" class="btn primary" data-testid="fast-replay" onClick={() => p.onReplay(stage(), changed())}>
            Replay on the server with these settings
          </button>
        </div>
      </div>
    </section>
  );
};

const Timing = (p: { outcome: Done }) => {
  const t = () => p.outcome.timings;
  return (
    <>
      {ms(p.outcome.totalMs)} in your browser ({t().decodeMs > 0 ? `decode ${ms(t().decodeMs)}, ` : ''}
      {p.outcome.result.stage} {ms(t().stageMs)})<Show when={t().loadMs !== null}> · OpenCV.js started in {ms(t().loadMs ?? 0)}</Show>
    </>
  );
};
