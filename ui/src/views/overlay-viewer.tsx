/**
 * A frame of a run with what its stages found drawn on it: stages as layer
 * chips (the first chosen is the overlay's stage, the rest are drawn over
 * it), frame by frame with the buttons or ←/→, a jump to each brand hit, the
 * same frame of another run of the timeline beside it, and the source
 * playing from the frame's moment.
 */
import { For, Show, createEffect, createMemo, on, onCleanup, onMount } from 'solid-js';
import { Empty } from '../components/bits.tsx';
import { ErrorAt } from '../components/error-at.tsx';
import { OVERLAY_STAGES, framesOf } from '../detect-report.ts';
import type { OverlayFrame, OverlayStore } from '../stores/overlays.ts';
import { formatTime } from '../trim.ts';
import type { ReportInterval } from '../../../src/types/detect.ts';
import { SourcePlayer } from './source-player.tsx';
import '../detect-report.css';

const stageLabel = (s: string) => s.replace(/_/g, ' ');
const drawable: ReadonlySet<string> = new Set(OVERLAY_STAGES);

export const OverlayViewer = (p: { store: OverlayStore; stages: string[]; intervals: ReportInterval[]; compareJobs: { id: string; label: string }[] }) => {
  const s = p.store;
  /** The run's completed stages that draw on a frame, in the order given. */
  const offered = createMemo(() => p.stages.filter((x) => drawable.has(x)));
  const others = () => p.compareJobs.filter((j) => j.id !== s.jobId);
  const compareLabel = () => p.compareJobs.find((j) => j.id === s.compareJob())?.label ?? s.compareJob();

  // Draw the last offered stage (the furthest along) until the user picks; start again if stages arrive later.
  createEffect(
    on(
      () => offered().join(' '),
      () => {
        const list = offered();
        if (list.length > 0) void s.start([list[list.length - 1]!]);
      },
    ),
  );
  onCleanup(() => s.dispose());

  let root: HTMLElement | undefined;
  /**
   * ←/→ step while the focus is in the viewer or nowhere in particular (after a click on the image, say), so the
   * keys of other controls on the page (a player's seek bar, a text field) stay theirs.
   */
  const onKey = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
    const el = document.activeElement;
    const here = !el || el === document.body || !!root?.contains(el);
    if (!here || (el && /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName))) return;
    if (e.key === 'ArrowLeft') {
      e.preventDefault();
      void s.prev();
    } else if (e.key === 'ArrowRight') {
      e.preventDefault();
      void s.next();
    }
  };
  onMount(() => document.addEventListener('keydown', onKey));
  onCleanup(() => document.removeEventListener('keydown', onKey));

  return (
    <section class="card ov" data-testid="overlay-viewer" ref={root} aria-label="Overlay viewer (← and → step through the frames)">
      <Show when={offered().length > 0} fallback={<Empty>No stage of this run that draws on a frame has finished yet.</Empty>}>
        <fieldset class="ov-chips">
          <legend class="small muted">Layers</legend>
          <For each={offered()}>
            {(stage) => {
              const at = () => s.stages().indexOf(stage);
              return (
                <button
                  type="button"
                  class="chip"
                  data-testid="overlay-layer"
                  data-stage={stage}
                  aria-pressed={at() >= 0}
                  title={at() === 0 ? 'The overlay’s stage' : at() > 0 ? 'Drawn over it' : 'Draw this stage too'}
                  onClick={() => void s.toggleStage(stage)}
                >
                  {stageLabel(stage)}
                  <Show when={at() >= 0 && s.stages().length > 1}>
                    <span class="order">{at() + 1}</span>
                  </Show>
                </button>
              );
            }}
          </For>
          <div class="spacer" />
          <Show when={others().length > 0}>
            <label class="small muted">
              Compare with{' '}
              <select data-testid="overlay-compare" value={s.compareJob() ?? ''} onChange={(e) => void s.setCompare(e.currentTarget.value || null)}>
                <option value="">no other run</option>
                <For each={others()}>{(j) => <option value={j.id}>{j.label}</option>}</For>
              </select>
            </label>
          </Show>
        </fieldset>

        <div class="ov-nav">
          <button type="button" class="btn small" data-testid="overlay-prev" disabled={s.seq() <= 0} onClick={() => void s.prev()} aria-label="Previous frame">
            ← Prev
          </button>
          <label>
            Frame
            <input
              type="number"
              data-testid="overlay-seq"
              min="0"
              max={Math.max(0, s.frames - 1)}
              step="1"
              value={s.seq()}
              onChange={(e) => {
                const input = e.currentTarget;
                void s.go(Number(input.value)).then(() => {
                  input.value = String(s.seq()); // a number past the end was clamped
                });
              }}
            />
          </label>
          <span class="small muted">
            of {s.frames} · {formatTime(s.time())}
          </span>
          <button
            type="button"
            class="btn small"
            data-testid="overlay-next"
            disabled={s.seq() >= s.frames - 1}
            onClick={() => void s.next()}
            aria-label="Next frame"
          >
            Next →
          </button>
          <div class="spacer" />
          <button type="button" class="btn small" data-testid="play-source" onClick={() => void s.findSource()}>
            Play source from here
          </button>
        </div>

        <div class="ov-frames" classList={{ compare: !!s.compareJob() }}>
          <Frame
            testid="overlay-image"
            frame={s.image()}
            busy={s.loading()}
            caption={s.compareJob() ? 'This run' : null}
            empty={s.error() ? 'No overlay for this frame.' : 'Drawing…'}
          />
          <Show when={s.compareJob()}>
            <Frame
              testid="overlay-compare-image"
              frame={s.compareImage()}
              busy={s.compareLoading()}
              caption={compareLabel()}
              empty={s.compareError() ? 'No overlay.' : 'Drawing…'}
            />
          </Show>
        </div>
        <ErrorAt testId="overlay-error" message={s.error()} />
        <ErrorAt testId="overlay-compare-error" message={s.compareJob() && s.compareError() ? `${compareLabel()}: ${s.compareError()}` : null} />

        <Show when={s.source()}>
          {(spot) => (
            <div class="ov-source">
              <div class="toolbar">
                <span class="small muted">Source at frame {s.seq()}</span>
                <div class="spacer" />
                <button type="button" class="btn small ghost" onClick={() => s.closeSource()}>
                  Close
                </button>
              </div>
              <SourcePlayer api={s.api} assetId={spot().assetId} seconds={spot().seconds} />
            </div>
          )}
        </Show>
        <ErrorAt testId="source-error" message={s.sourceError()} />

        <Jumps store={s} intervals={p.intervals} />
      </Show>
    </section>
  );
};

const Frame = (p: { testid: string; frame: OverlayFrame | null; busy: boolean; caption: string | null; empty: string }) => (
  <figure class="ov-frame" aria-busy={p.busy}>
    <Show when={p.frame} fallback={<div class="empty small">{p.busy ? 'Drawing…' : p.empty}</div>}>
      {(f) => (
        <img
          data-testid={p.testid}
          data-seq={f().seq}
          data-stage={f().stage}
          data-layers={f().layers.join(' ')}
          src={f().url}
          alt={`Frame ${f().seq} with ${[f().stage, ...f().layers].map(stageLabel).join(', ')} drawn (${f().shapes.boxes} boxes, ${f().shapes.masks} masks, ${f().shapes.lines} lines)`}
        />
      )}
    </Show>
    <Show when={p.busy && p.frame}>
      <span class="ov-busy">Drawing…</span>
    </Show>
    <Show when={p.caption}>
      <figcaption>{p.caption}</figcaption>
    </Show>
  </figure>
);

/** Each interval's first frame, in time order; the one holding the current frame is marked. */
const Jumps = (p: { store: OverlayStore; intervals: ReportInterval[] }) => {
  const hits = createMemo(() =>
    [...p.intervals].sort((a, b) => a.start - b.start || (a.brand < b.brand ? -1 : 1)).map((i) => ({ i, ...framesOf(i, p.store.samplePeriod) })),
  );
  return (
    <Show when={hits().length > 0}>
      <div>
        <h2>
          Jump to a brand hit <span class="small muted">({hits().length})</span>
        </h2>
        <div class="ov-jumps">
          <For each={hits()}>
            {(h) => (
              <button
                type="button"
                class="btn small ghost"
                data-testid="overlay-jump"
                data-brand={h.i.brand}
                data-seq={h.first}
                aria-current={p.store.seq() >= h.first && p.store.seq() <= h.last}
                onClick={() => void p.store.go(h.first)}
              >
                <span>{h.i.brand}</span>
                <span class="muted">
                  {formatTime(h.i.start)} · #{h.first}
                </span>
              </button>
            )}
          </For>
        </div>
      </div>
    </Show>
  );
};
