/**
 * One asset's filmstrip in the timeline builder: its sprite (frames evenly
 * over the asset) with the picks of that asset drawn over it. Hovering shows
 * the time under the pointer; a drag, or a click then another click, marks a
 * new pick; each pick's handles drag (or take the arrow keys) to adjust it.
 */
import { createSignal, Index, onMount, Show } from 'solid-js';
import { ErrorNote } from '../components/bits.tsx';
import { duration as formatDuration } from '../format.ts';
import type { TimelineBuilderStore } from '../stores/timeline-builder.ts';
import { rangeStyle, SNAP_SECONDS, snapRange, xToSeconds } from '../timeline-picks.ts';
import { formatTime } from '../trim.ts';

/** A pointer that moves less than this (px) between down and up clicked. */
const CLICK_SLOP_PX = 4;
/** About one frame per this many pixels of strip. */
const FRAME_PX = 96;

export const baseName = (key: string) => key.split('/').pop() || key;

export const FilmstripView = (p: { store: TimelineBuilderStore; assetId: string }) => {
  const s = p.store;
  let track: HTMLDivElement | undefined;
  const [hover, setHover] = createSignal<number | null>(null);
  const [anchor, setAnchor] = createSignal<number | null>(null);
  const [draft, setDraft] = createSignal<{ from: number; to: number; x: number; moved: boolean } | null>(null);
  const [edge, setEdge] = createSignal<{ index: number; edge: 'start' | 'end' } | null>(null);

  const length = () => s.stripDuration(p.assetId);
  const source = () => s.sourceOf(p.assetId);
  const strip = () => s.filmstrip(p.assetId);
  const sprite = () => {
    const x = strip();
    return x?.state === 'ready' ? x.value : null;
  };
  const failed = () => {
    const x = strip();
    return x?.state === 'error' ? x.error : null;
  };
  const mine = () => s.picks().flatMap((pick, index) => (pick.assetId === p.assetId ? [{ pick, index }] : []));

  onMount(() => {
    const have = strip();
    if (have && have.state !== 'error') return;
    const count = Math.max(6, Math.min(40, Math.round((track?.clientWidth || 640) / FRAME_PX)));
    void s.loadFilmstrip(p.assetId, count);
  });

  const timeAt = (e: PointerEvent): number | null => {
    const d = length();
    if (!track || d === null) return null;
    const r = track.getBoundingClientRect();
    return xToSeconds(e.clientX - r.left, r.width, d);
  };

  const down = (e: PointerEvent) => {
    const t = timeAt(e);
    if (t === null || e.button > 0) return;
    track?.setPointerCapture?.(e.pointerId);
    setDraft({ from: t, to: t, x: e.clientX, moved: false });
  };
  const move = (e: PointerEvent) => {
    const t = timeAt(e);
    setHover(t);
    if (t === null) return;
    const h = edge();
    if (h) return s.moveEdge(h.index, h.edge, t);
    const d = draft();
    if (d) setDraft({ ...d, to: t, moved: d.moved || Math.abs(e.clientX - d.x) > CLICK_SLOP_PX });
  };
  const up = (e: PointerEvent) => {
    track?.releasePointerCapture?.(e.pointerId);
    if (edge()) return setEdge(null);
    const d = draft();
    setDraft(null);
    if (!d) return;
    if (d.moved) {
      setAnchor(null);
      s.mark(p.assetId, d.from, d.to);
      return;
    }
    // A click: the first sets where the range starts, the second where it ends.
    const a = anchor();
    if (a === null) setAnchor(d.to);
    else {
      setAnchor(null);
      s.mark(p.assetId, a, d.to);
    }
  };

  const grab = (e: PointerEvent, index: number, which: 'start' | 'end') => {
    e.stopPropagation();
    track?.setPointerCapture?.(e.pointerId);
    setEdge({ index, edge: which });
  };
  const nudge = (e: KeyboardEvent, index: number, which: 'start' | 'end') => {
    const step = e.shiftKey ? 1 : SNAP_SECONDS;
    const by = e.key === 'ArrowLeft' || e.key === 'ArrowDown' ? -step : e.key === 'ArrowRight' || e.key === 'ArrowUp' ? step : 0;
    if (by === 0) return;
    e.preventDefault();
    const pick = s.picks()[index];
    if (pick) s.moveEdge(index, which, pick[which] + by);
  };

  const draftRange = () => {
    const d = draft();
    return d?.moved ? snapRange(d.from, d.to, length()) : null;
  };

  return (
    <div class="filmstrip card" data-testid="filmstrip" data-asset={p.assetId}>
      <div class="filmstrip-head">
        <b class="filmstrip-name" title={source()?.key ?? p.assetId}>
          {source() ? baseName(source()!.key) : p.assetId}
        </b>
        <span class="muted small">{formatDuration(length())}</span>
        <div class="spacer" />
        <button
          type="button"
          class="btn small"
          disabled={length() === null}
          onClick={() => {
            const d = length();
            if (d !== null) s.mark(p.assetId, 0, d);
          }}
        >
          Whole asset
        </button>
        <button type="button" class="btn small ghost" onClick={() => s.unchoose(p.assetId)} aria-label={`Hide the filmstrip of ${source()?.key ?? p.assetId}`}>
          Hide
        </button>
      </div>
      <div
        ref={track}
        role="application"
        aria-label="Filmstrip: drag across it, or click twice, to mark a range; Escape forgets a first click"
        class="filmstrip-track"
        classList={{ busy: strip()?.state === 'loading' }}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={() => {
          setDraft(null);
          setEdge(null);
        }}
        onPointerLeave={() => setHover(null)}
        onKeyDown={(e) => e.key === 'Escape' && setAnchor(null)}
      >
        <Show when={sprite()} fallback={<div class="filmstrip-blank" />}>
          {(sp) => <img class="filmstrip-img" src={sp().url} alt="" draggable={false} />}
        </Show>
        {/* By position: a handle keeps its element (and focus) while its pick changes. */}
        <Index each={mine()}>
          {(m) => (
            <div class="filmstrip-range" data-testid="filmstrip-range" data-index={m().index} style={rangeStyle(m().pick.start, m().pick.end, length() ?? 0)}>
              <span class="filmstrip-range-label">{m().index + 1}</span>
              <span
                class="filmstrip-handle start"
                role="slider"
                tabIndex={0}
                aria-label={`Start of pick ${m().index + 1}`}
                aria-valuemin={0}
                aria-valuemax={length() ?? undefined}
                aria-valuenow={m().pick.start}
                aria-valuetext={formatTime(m().pick.start)}
                data-testid="filmstrip-handle-start"
                onPointerDown={(e) => grab(e, m().index, 'start')}
                onKeyDown={(e) => nudge(e, m().index, 'start')}
              />
              <span
                class="filmstrip-handle end"
                role="slider"
                tabIndex={0}
                aria-label={`End of pick ${m().index + 1}`}
                aria-valuemin={0}
                aria-valuemax={length() ?? undefined}
                aria-valuenow={m().pick.end}
                aria-valuetext={formatTime(m().pick.end)}
                data-testid="filmstrip-handle-end"
                onPointerDown={(e) => grab(e, m().index, 'end')}
                onKeyDown={(e) => nudge(e, m().index, 'end')}
              />
            </div>
          )}
        </Index>
        <Show when={draftRange()}>
          {(r) => <div class="filmstrip-draft" data-testid="filmstrip-draft" style={rangeStyle(r().start, r().end, length() ?? 0)} />}
        </Show>
        <Show when={anchor() !== null}>
          <div class="filmstrip-anchor" style={{ left: rangeStyle(anchor()!, anchor()!, length() ?? 0).left }} />
        </Show>
        <Show when={hover() !== null}>
          <div class="filmstrip-hover" style={{ left: rangeStyle(hover()!, hover()!, length() ?? 0).left }}>
            <span class="filmstrip-time" data-testid="filmstrip-time">
              {formatTime(hover()!)}
            </span>
          </div>
        </Show>
      </div>
      <Show when={failed()}>
        {(message) => (
          <div class="row">
            <ErrorNote message={message()} />
            <button type="button" class="btn small" onClick={() => void s.loadFilmstrip(p.assetId, 16)}>
              Try again
            </button>
          </div>
        )}
      </Show>
      {/* Below the strip, in the help line's place: text appearing above it would move it under the pointer. */}
      <Show
        when={anchor() !== null}
        fallback={
          <p class="small muted filmstrip-help">
            Drag across the strip, or click where a range starts and again where it ends. Drag a pick's edges to adjust it.
          </p>
        }
      >
        <p class="small filmstrip-help filmstrip-anchor-note">
          From {formatTime(anchor()!)}: click where it ends ·{' '}
          <button type="button" class="link" onClick={() => setAnchor(null)}>
            cancel
          </button>
        </p>
      </Show>
    </div>
  );
};
