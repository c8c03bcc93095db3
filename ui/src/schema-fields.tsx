/**
 * Form fields for a stage's settings (fields from its JSON Schema,
 * schema-form.ts): a checkbox, a select, a number, a text, a number pair
 * typed with commas, a list one a line, or JSON, each labelled with the
 * setting's name and description, its default as a hint, and its message
 * under it. `ParsedInput` is the typed-text input underneath: it keeps what
 * was typed even while it does not parse, and follows the value when it
 * changes from outside.
 */
import { createEffect, createSignal, For, type JSX, Match, on, Show, Switch } from 'solid-js';
import { FieldError } from './components/bits.tsx';
import { type FormField, parseText, sameValue, shownValue, toInput } from './schema-form.ts';

type InputAttrs = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value' | 'onInput' | 'type'>;
type Parsing<T> = { value: T; text: (v: T) => string; parse: (t: string) => T; onValue: (v: T) => void };

/** What was typed, kept while it reads as the value; the value's text when it changed elsewhere (a handle dragged, a reset). */
const typedText = <T,>(p: Parsing<T>) => {
  const [typed, setTyped] = createSignal(p.text(p.value));
  createEffect(
    on(
      () => p.value,
      (v) => {
        if (!sameValue(p.parse(typed()), v)) setTyped(p.text(v));
      },
      { defer: true },
    ),
  );
  const onInput = (text: string) => {
    setTyped(text);
    p.onValue(p.parse(text));
  };
  return [typed, onInput] as const;
};

/** A text input over a parsed value: `text` shows it, `parse` reads what is typed. */
export const ParsedInput = <T,>(p: InputAttrs & Parsing<T> & { type?: 'text' | 'number' }) => {
  const [typed, onInput] = typedText(p);
  const { value: _v, text: _t, parse: _p, onValue: _o, type: _ty, ...rest } = p;
  return <input {...rest} type={p.type ?? 'text'} value={typed()} onInput={(e) => onInput(e.currentTarget.value)} />;
};

/** ParsedInput as a textarea (a list one a line). */
const ParsedTextarea = <T,>(p: Omit<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onInput'> & Parsing<T>) => {
  const [typed, onInput] = typedText(p);
  const { value: _v, text: _t, parse: _p, onValue: _o, ...rest } = p;
  return <textarea {...rest} value={typed()} onInput={(e) => onInput(e.currentTarget.value)} />;
};

/** Seconds as a plain number (blank or not a number: NaN, for the check to name). */
export const secondsText = (n: number) => (Number.isFinite(n) ? String(n) : '');
export const parseSeconds = (t: string) => (t.trim() === '' ? Number.NaN : Number(t));

const hint = (f: FormField): string => {
  const parts: string[] = [];
  if (f.default !== undefined) parts.push(`default ${shownValue(f.default) || '(empty)'}`);
  if (f.minimum !== undefined && f.maximum !== undefined) parts.push(`${f.minimum}–${f.maximum}`);
  else if (f.minimum !== undefined) parts.push(`≥ ${f.minimum}`);
  else if (f.maximum !== undefined) parts.push(`≤ ${f.maximum}`);
  if (f.kind === 'numbers') parts.push('comma-separated');
  if (f.kind === 'strings') parts.push('one a line');
  return parts.join(' · ');
};

/**
 * One setting: `path` is its API path (`configs.ocr.det_width`), on the input
 * as `data-field` and on its message as `data-error-for`. `changed`: it
 * differs from the default (shown, with a reset).
 */
export const SchemaField = (p: {
  field: FormField;
  path: string;
  value: unknown;
  error?: string | null;
  changed?: boolean;
  disabled?: boolean;
  onChange: (v: unknown) => void;
  onReset?: () => void;
}) => {
  const f = () => p.field;
  const id = () => `f-${p.path.replace(/[^\w-]/g, '_')}`;
  const common = () => ({ id: id(), 'data-field': p.path, disabled: p.disabled, 'aria-invalid': p.error ? true : undefined });
  const text = (v: unknown) => String(toInput(f(), v));
  const parse = (t: string) => parseText(f(), t);
  return (
    <div class="schema-field" classList={{ invalid: !!p.error, changed: !!p.changed }}>
      <div class="schema-field-head">
        <label for={id()} class="mono">
          {f().key}
        </label>
        <Show when={p.changed && p.onReset && !p.disabled}>
          <button type="button" class="link small" onClick={() => p.onReset?.()} title="Back to the default">
            reset
          </button>
        </Show>
      </div>
      <Switch>
        <Match when={f().kind === 'boolean'}>
          <input {...common()} type="checkbox" checked={p.value === true} onChange={(e) => p.onChange(e.currentTarget.checked)} />
        </Match>
        <Match when={f().kind === 'enum'}>
          <select {...common()} value={String(p.value ?? '')} onChange={(e) => p.onChange(e.currentTarget.value)}>
            <For each={f().options ?? []}>{(v) => <option value={v}>{v}</option>}</For>
          </select>
        </Match>
        <Match when={f().kind === 'strings'}>
          <ParsedTextarea {...common()} rows={3} value={p.value} text={text} parse={parse} onValue={p.onChange} />
        </Match>
        <Match when={f().kind === 'json'}>
          <ParsedInput {...common()} class="mono" value={p.value} text={text} parse={parse} onValue={p.onChange} />
        </Match>
        <Match when={true}>
          <ParsedInput
            {...common()}
            inputmode={f().kind === 'number' || f().kind === 'integer' ? 'decimal' : undefined}
            maxLength={f().kind === 'string' ? f().maxLength : undefined}
            value={p.value}
            text={text}
            parse={parse}
            onValue={p.onChange}
          />
        </Match>
      </Switch>
      <Show when={f().description || hint(f())}>
        <span class="small muted">
          {f().description}
          <Show when={f().description && hint(f())}> · </Show>
          {hint(f())}
        </span>
      </Show>
      <FieldError for={p.path} message={p.error} />
    </div>
  );
};
