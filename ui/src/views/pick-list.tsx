/**
 * The picks of a timeline, in the order they play: each with its source,
 * start and end typed in seconds, its length and every message about it;
 * reordered with Up/Down or by dragging its grip onto another row.
 */
import { createSignal, For, Index, Show } from 'solid-js';
import { FieldError } from '../components/bits.tsx';
import { duration as formatDuration } from '../format.ts';
import { parseSeconds, ParsedInput, secondsText } from '../schema-fields.tsx';
import { messagesUnder } from '../stores/refusal.ts';
import type { TimelineBuilderStore } from '../stores/timeline-builder.ts';
import type { Pick as TimelinePick } from '../timeline-picks.ts';
import { formatTime } from '../trim.ts';
import { baseName } from './filmstrip.tsx';

export const PickList = (p: { store: TimelineBuilderStore }) => {
  const s = p.store;
  const [dragFrom, setDragFrom] = createSignal<number | null>(null);
  const [over, setOver] = createSignal<number | null>(null);
  const drop = (to: number) => {
    const from = dragFrom();
    setDragFrom(null);
    setOver(null);
    if (from !== null && from !== to) s.movePick(from, to);
  };
  return (
    <section class="card pick-list" aria-label="Picks">
      <div class="card-head">
        <h2>Picks</h2>
        <span class="small muted" data-testid="timeline-duration">
          {s.picks().length} {s.picks().length === 1 ? 'pick' : 'picks'} · {formatDuration(s.duration())} in all
        </span>
      </div>
      <FieldError for="picks" message={s.errors().picks} />
      <Show when={s.picks().length > 0} fallback={<p class="muted small">No picks yet. Choose a source, then mark a range on its filmstrip.</p>}>
        <ol class="picks">
          {/* By position, not by pick: a typed start makes a new pick object, and its input must keep focus. */}
          <Index each={s.picks()}>
            {(pick, i) => (
              <PickRow
                store={s}
                pick={pick()}
                index={i}
                dragging={dragFrom() === i}
                over={over() === i && dragFrom() !== i}
                onGrab={() => setDragFrom(i)}
                onOver={() => setOver(i)}
                onDrop={() => drop(i)}
                onEnd={() => {
                  setDragFrom(null);
                  setOver(null);
                }}
              />
            )}
          </Index>
        </ol>
      </Show>
    </section>
  );
};

const PickRow = (p: {
  store: TimelineBuilderStore;
  pick: TimelinePick;
  index: number;
  dragging: boolean;
  over: boolean;
  onGrab: () => void;
  onOver: () => void;
  onDrop: () => void;
  onEnd: () => void;
}) => {
  const s = p.store;
  const at = () => `picks[${p.index}]`;
  const err = (f: string) => s.errors()[`${at()}.${f}`];
  const others = () => messagesUnder(s.errors(), at()).filter(([k]) => k !== `${at()}.start` && k !== `${at()}.end`);
  const src = () => s.sourceOf(p.pick.assetId);
  const len = () => (p.pick.end > p.pick.start ? p.pick.end - p.pick.start : null);
  const last = () => p.index === s.picks().length - 1;
  return (
    <li
      class="pick-row"
      classList={{ dragging: p.dragging, over: p.over, invalid: messagesUnder(s.errors(), at()).length > 0 }}
      data-testid="pick-row"
      data-index={p.index}
      onDragOver={(e) => {
        e.preventDefault();
        p.onOver();
      }}
      onDrop={(e) => {
        e.preventDefault();
        p.onDrop();
      }}
    >
      <span
        class="pick-grip"
        draggable={true}
        title="Drag to reorder"
        aria-hidden="true"
        data-testid="pick-grip"
        onDragStart={(e) => {
          e.dataTransfer?.setData('text/plain', String(p.index));
          if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
          p.onGrab();
        }}
        onDragEnd={() => p.onEnd()}
      >
        ⠿
      </span>
      <span class="pick-n">{p.index + 1}</span>
      <span class="pick-source" title={src()?.key ?? p.pick.assetId}>
        {src() ? baseName(src()!.key) : p.pick.assetId}
        <span class="small muted">
          {' '}
          {Number.isFinite(p.pick.start) ? formatTime(p.pick.start) : '?'} – {Number.isFinite(p.pick.end) ? formatTime(p.pick.end) : '?'}
        </span>
      </span>
      <div class="pick-field" classList={{ invalid: !!err('start') }}>
        <label for={`pick-${p.index}-start`}>Start (s)</label>
        <ParsedInput
          id={`pick-${p.index}-start`}
          type="number"
          step="0.1"
          min="0"
          inputmode="decimal"
          data-testid="pick-start"
          data-field={`${at()}.start`}
          value={p.pick.start}
          text={secondsText}
          parse={parseSeconds}
          onValue={(v) => s.setEdge(p.index, 'start', v)}
        />
        <FieldError for={`${at()}.start`} message={err('start')} />
      </div>
      <div class="pick-field" classList={{ invalid: !!err('end') }}>
        <label for={`pick-${p.index}-end`}>End (s)</label>
        <ParsedInput
          id={`pick-${p.index}-end`}
          type="number"
          step="0.1"
          min="0"
          inputmode="decimal"
          data-testid="pick-end"
          data-field={`${at()}.end`}
          value={p.pick.end}
          text={secondsText}
          parse={parseSeconds}
          onValue={(v) => s.setEdge(p.index, 'end', v)}
        />
        <FieldError for={`${at()}.end`} message={err('end')} />
      </div>
      <span class="pick-length small muted">{len() === null ? '—' : formatDuration(len())}</span>
      <span class="pick-actions">
        <button
          type="button"
          class="btn small ghost"
          data-testid="pick-up"
          disabled={p.index === 0}
          onClick={() => s.movePick(p.index, p.index - 1)}
          aria-label={`Move pick ${p.index + 1} up`}
        >
          ↑
        </button>
        <button
          type="button"
          class="btn small ghost"
          data-testid="pick-down"
          disabled={last()}
          onClick={() => s.movePick(p.index, p.index + 1)}
          aria-label={`Move pick ${p.index + 1} down`}
        >
          ↓
        </button>
        <button
          type="button"
          class="btn small ghost danger"
          data-testid="pick-remove"
          onClick={() => s.removePick(p.index)}
          aria-label={`Remove pick ${p.index + 1}`}
        >
          ✕
        </button>
      </span>
      <For each={others()}>
        {([field, message]) => (
          <span class="field-error pick-other" data-error-for={field}>
            {field.slice(at().length + 1) || 'pick'}: {message}
          </span>
        )}
      </For>
    </li>
  );
};
