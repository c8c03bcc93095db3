/**
 * The trim fields of the transcode forms: start and end typed as
 * hh:mm:ss(.fff) or seconds, checked against the asset's duration (see
 * trim.ts). Messages show beside each field once it has been left or the
 * form submitted, then follow every keystroke.
 */
import { createMemo, createSignal } from 'solid-js';
import { formatTime, checkRange, hasErrors, type RangeCheck } from '../trim.ts';
import { FieldError } from './bits.tsx';

export const createTrim = (duration: () => number | null) => {
  const [start, setStart] = createSignal('');
  const [end, setEnd] = createSignal('');
  const [shown, setShown] = createSignal(false);
  const check = createMemo<RangeCheck>(() => checkRange(start(), end(), duration()));
  return {
    start,
    end,
    setStart,
    setEnd,
    check,
    duration,
    /** Messages are shown from now on. */
    reveal: () => setShown(true),
    errors: () => (shown() ? check().errors : {}),
    /** On submit: the range to send (null: the whole asset), or false when a field is wrong (now marked). */
    take: (): RangeCheck['range'] | false => {
      setShown(true);
      return hasErrors(check()) ? false : check().range;
    },
    reset: () => {
      setStart('');
      setEnd('');
      setShown(false);
    },
  };
};

export type Trim = ReturnType<typeof createTrim>;

export const TrimFields = (p: { trim: Trim }) => {
  const t = p.trim;
  const length = () => t.duration();
  return (
    <span class="trim" data-testid="trim">
      <label classList={{ invalid: !!t.errors().start }}>
        from
        <input
          class="time-input"
          data-field="range.start"
          inputmode="decimal"
          placeholder="0:00"
          value={t.start()}
          onInput={(e) => t.setStart(e.currentTarget.value)}
          onChange={t.reveal}
          aria-label="Start (hh:mm:ss.fff or seconds)"
        />
        <FieldError for="range.start" message={t.errors().start} />
      </label>
      <label classList={{ invalid: !!t.errors().end }}>
        to
        <input
          class="time-input"
          data-field="range.end"
          inputmode="decimal"
          placeholder={length() ? formatTime(length()!) : 'end'}
          value={t.end()}
          onInput={(e) => t.setEnd(e.currentTarget.value)}
          onChange={t.reveal}
          aria-label="End (hh:mm:ss.fff or seconds)"
        />
        <FieldError for="range.end" message={t.errors().end} />
      </label>
    </span>
  );
};
