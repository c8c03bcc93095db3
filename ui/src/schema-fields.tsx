/**
 * Form fields for JSON Schema properties (a stage's settings): a checkbox,
 * a select, a number, a text, a comma list or JSON, each labelled with the
 * setting's name and description, its default as a hint, and its message
 * under it. `ParsedInput` is the typed-text input underneath: it keeps what
 * was typed even while it does not parse, and follows the value when it
 * changes from outside.
 */
import { createEffect, createSignal, For, type JSX, Match, on, Show, Switch } from 'solid-js';
import { FieldError } from './components/bits.tsx';
import { kindOf, parseText, sameValue, type SchemaProp, textOf } from './schema-values.ts';

type InputAttrs = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value' | 'onInput' | 'type'>;

/** A text input over a parsed value: `text` shows it, `parse` reads what is typed. */
export const ParsedInput = <T,>(
  p: InputAttrs & { value: T; text: (v: T) => string; parse: (t: string) => T; onValue: (v: T) => void; type?: 'text' | 'number' },
) => {
  const [typed, setTyped] = createSignal(p.text(p.value));
  // The value changed elsewhere (a handle dragged, a reset): show it, unless it is what the typing already says.
  createEffect(
    on(
      () => p.value,
      (v) => {
        if (!sameValue(p.parse(typed()), v)) setTyped(p.text(v));
      },
      { defer: true },
    ),
  );
  const { value: _v, text: _t, parse: _p, onValue: _o, type: _ty, ...rest } = p;
  return (
    <input
      {...rest}
      type={p.type ?? 'text'}
      value={typed()}
      onInput={(e) => {
        setTyped(e.currentTarget.value);
        p.onValue(p.parse(e.currentTarget.value));
      }}
    />
  );
};

/** Seconds as a plain number (blank or not a number: NaN, for the check to name). */
export const secondsText = (n: number) => (Number.isFinite(n) ? String(n) : '');
export const parseSeconds = (t: string) => (t.trim() === '' ? Number.NaN : Number(t));

const hint = (prop: SchemaProp): string => {
  const parts: string[] = [];
  if (prop.default !== undefined) parts.push(`default ${textOf(prop, prop.default) || '(empty)'}`);
  if (prop.minimum !== undefined && prop.maximum !== undefined) parts.push(`${prop.minimum}–${prop.maximum}`);
  else if (prop.minimum !== undefined) parts.push(`≥ ${prop.minimum}`);
  else if (prop.maximum !== undefined) parts.push(`≤ ${prop.maximum}`);
  if (kindOf(prop) === 'list') parts.push('comma-separated');
  return parts.join(' · ');
};

/**
 * One setting: `path` is its API path (`configs.ocr.det_width`), on the input
 * as `data-field` and on its message as `data-error-for`. `changed`: it
 * differs from the default (shown, with a reset).
 */
export const SchemaField = (p: {
  name: string;
  prop: SchemaProp;
  path: string;
  value: unknown;
  error?: string | null;
  changed?: boolean;
  disabled?: boolean;
  onChange: (v: unknown) => void;
  onReset?: () => void;
}) => {
  const kind = () => kindOf(p.prop);
  const id = () => `f-${p.path.replace(/[^\w-]/g, '_')}`;
  const common = () => ({ id: id(), 'data-field': p.path, disabled: p.disabled, 'aria-invalid': p.error ? true : undefined });
  return (
    <div class="schema-field" classList={{ invalid: !!p.error, changed: !!p.changed }}>
      <div class="schema-field-head">
        <label for={id()} class="mono">
          {p.name}
        </label>
        <Show when={p.changed && p.onReset && !p.disabled}>
          <button type="button" class="link small" onClick={() => p.onReset?.()} title="Back to the default">
            reset
          </button>
        </Show>
      </div>
      <Switch>
        <Match when={kind() === 'boolean'}>
          <input {...common()} type="checkbox" checked={p.value === true} onChange={(e) => p.onChange(e.currentTarget.checked)} />
        </Match>
        <Match when={kind() === 'enum'}>
          <select {...common()} value={String(p.value ?? '')} onChange={(e) => p.onChange(e.currentTarget.value)}>
            <For each={p.prop.enum ?? []}>{(v) => <option value={String(v)}>{String(v)}</option>}</For>
          </select>
        </Match>
        <Match when={kind() === 'json'}>
          <ParsedInput {...common()} class="mono" value={p.value} text={(v) => textOf(p.prop, v)} parse={(t) => parseText(p.prop, t)} onValue={p.onChange} />
        </Match>
        <Match when={true}>
          <ParsedInput
            {...common()}
            inputmode={kind() === 'number' || kind() === 'integer' ? 'decimal' : undefined}
            maxLength={kind() === 'string' ? p.prop.maxLength : undefined}
            value={p.value}
            text={(v) => textOf(p.prop, v)}
            parse={(t) => parseText(p.prop, t)}
            onValue={p.onChange}
          />
        </Match>
      </Switch>
      <Show when={p.prop.description || hint(p.prop)}>
        <span class="small muted">
          {p.prop.description}
          <Show when={p.prop.description && hint(p.prop)}> · </Show>
          {hint(p.prop)}
        </span>
      </Show>
      <FieldError for={p.path} message={p.error} />
    </div>
  );
};
