/**
 * One stage of a run: its settings as a form (from the stage's JSON Schema,
 * schema-form.ts) showing what the run used, each change marked and checked
 * at its field as it is typed; what the stage produced; and "Replay this
 * stage" (optionally with the stages after it), which sends only what
 * changed. A refusal that names a field shows at that field, any other
 * above the button.
 */
import { createEffect, createMemo, createSignal, For, on, Show } from 'solid-js';
import { FieldError, StatusBadge } from '../components/bits.tsx';
import { RowTable } from '../components/row-table.tsx';
import type { StageInfo } from '../detect-api.ts';
import { href } from '../router.ts';
import { msText } from '../detect-graph.ts';
import { changedKeys, type FieldInput, type FormField, fieldsOf, getPath, overridesOf, readForm, refusalField, shownValue, toInput } from '../schema-form.ts';
import type { StageRow } from '../../../src/types/detect-run.ts';

export interface StageInspectorProps {
  info: StageInfo;
  config: Record<string, unknown>;
  row: StageRow | null;
  canReplay: boolean;
  /** Why it cannot be replayed now (shown by the disabled button); a general sentence when absent. */
  blocked?: string | null;
  onReplay: (overrides: Record<string, unknown>, downstream: boolean) => Promise<void>;
}

const bounds = (f: FormField): string => {
  const lo = f.minimum ?? f.itemMinimum;
  const hi = f.maximum ?? f.itemMaximum;
  if (lo !== undefined && hi !== undefined) return `${lo} – ${hi}`;
  if (lo !== undefined) return `at least ${lo}`;
  if (hi !== undefined) return `at most ${hi}`;
  return '';
};

export const StageInspector = (p: StageInspectorProps) => {
  const fields = createMemo(() => fieldsOf(p.info.schema));
  const [inputs, setInputs] = createSignal<Record<string, FieldInput>>({});
  // Fields whose own message shows: those typed in, and all of them once Replay is pressed.
  const [touched, setTouched] = createSignal<ReadonlySet<string>>(new Set());
  const [refusal, setRefusal] = createSignal<{ field: string | null; text: string } | null>(null);
  const [downstream, setDownstream] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [sent, setSent] = createSignal(false);

  createEffect(
    on(
      () => p.info.name,
      () => {
        setInputs({});
        setTouched(new Set<string>());
        setRefusal(null);
        setDownstream(false);
        setSent(false);
      },
      { defer: true },
    ),
  );

  const read = createMemo(() => readForm(fields(), inputs(), p.config));
  const changed = createMemo(() => new Set(changedKeys(fields(), read().values, p.config)));
  const inputOf = (f: FormField): FieldInput => (f.key in inputs() ? inputs()[f.key]! : toInput(f, getPath(p.config, f.key)));
  const messageOf = (key: string): string | null => {
    const own = touched().has(key) ? read().errors[key] : undefined;
    if (own) return own;
    const r = refusal();
    return r && r.field === key ? r.text : null;
  };
  const set = (key: string, v: FieldInput) => {
    setInputs({ ...inputs(), [key]: v });
    setTouched(new Set([...touched(), key]));
    if (refusal()?.field === key) setRefusal(null);
    setSent(false);
  };
  const reset = () => {
    setInputs({});
    setTouched(new Set<string>());
    setRefusal(null);
  };

  const replay = async () => {
    setTouched(new Set(fields().map((f) => f.key)));
    setSent(false);
    if (Object.keys(read().errors).length > 0) return;
    setBusy(true);
    setRefusal(null);
    try {
      await p.onReplay(overridesOf(fields(), read().values, p.config), downstream());
      setSent(true);
    } catch (e) {
      setRefusal(
        refusalField(
          e instanceof Error ? e.message : String(e),
          fields().map((f) => f.key),
          p.info.name,
        ),
      );
    } finally {
      setBusy(false);
    }
  };

  const why = () => (p.canReplay ? null : (p.blocked ?? 'This stage cannot be replayed yet.'));
  const badCount = () => Object.keys(read().errors).filter((k) => touched().has(k)).length;

  return (
    <section class="card stage-inspector" data-testid="stage-inspector" data-stage={p.info.name} aria-label={`Stage ${p.info.name}`}>
      <div class="card-head">
        <h2>{p.info.name}</h2>
        <Show when={p.row}>{(r) => <StatusBadge status={r().status} />}</Show>
        <span class="muted small">{p.info.description}</span>
      </div>
      <Show when={!p.info.available}>
        <p class="muted small">Not available yet: this stage reports skipped.</p>
      </Show>
      <div class="si-body">
        <form
          class="si-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (p.canReplay && !busy()) void replay();
          }}
        >
          <Show when={fields().length > 0} fallback={<p class="muted small">This stage has no settings.</p>}>
            <div class="form-grid si-fields">
              <For each={fields()}>
                {(f) => (
                  <Field
                    field={f}
                    value={inputOf(f)}
                    was={getPath(p.config, f.key)}
                    changed={changed().has(f.key)}
                    message={messageOf(f.key)}
                    onInput={(v) => set(f.key, v)}
                  />
                )}
              </For>
            </div>
          </Show>
          <Show when={refusal() && refusal()!.field === null}>
            <div class="error-note" role="alert" data-testid="replay-error">
              {refusal()!.text}
            </div>
          </Show>
          <Show when={badCount() > 0}>
            <p class="field-error">{badCount() === 1 ? 'One setting needs fixing' : `${badCount()} settings need fixing`} before the replay can start.</p>
          </Show>
          <div class="si-actions">
            <label class="check">
              <input type="checkbox" checked={downstream()} onChange={(e) => setDownstream(e.currentTarget.checked)} data-testid="replay-downstream" />
              with downstream (run the stages after it too)
            </label>
            <button
              type="button"
              class="btn primary"
              data-testid="replay-stage"
              disabled={!p.canReplay || busy()}
              title={why() ?? undefined}
              aria-describedby={why() ? `si-why-${p.info.name}` : undefined}
              onClick={() => void replay()}
            >
              {busy() ? 'Starting replay…' : changed().size > 0 ? `Replay this stage (${changed().size} changed)` : 'Replay this stage'}
            </button>
            <Show when={changed().size > 0 || Object.keys(inputs()).length > 0}>
              <button type="button" class="btn ghost" onClick={reset}>
                Back to this run’s values
              </button>
            </Show>
          </div>
          <Show when={why()}>
            <p class="muted small" id={`si-why-${p.info.name}`} data-testid="replay-blocked">
              {why()}
            </p>
          </Show>
          <Show when={sent()}>
            <p class="small si-sent" role="status">
              Replay started: it shows as a new branch below.
            </p>
          </Show>
        </form>
        <Output row={p.row} />
      </div>
    </section>
  );
};

const Field = (p: { field: FormField; value: FieldInput; was: unknown; changed: boolean; message: string | null; onInput: (v: FieldInput) => void }) => {
  const f = () => p.field;
  const hint = () => [f().description, bounds(f())].filter(Boolean).join(' · ');
  const Name = () => (
    <span class="si-label mono" title={f().label}>
      {f().key}
      <Show when={p.changed}>
        <span class="si-changed" title={`This run used ${shownValue(p.was)}`}>
          changed (was {shownValue(p.was)})
        </span>
      </Show>
    </span>
  );
  return (
    <label
      class="si-field"
      classList={{ invalid: !!p.message, 'si-field-changed': p.changed, 'span-2': f().kind === 'strings' || f().kind === 'json' }}
      data-changed={p.changed ? 'true' : undefined}
    >
      <Show when={f().kind !== 'boolean'}>
        <Name />
      </Show>
      <Show when={f().kind === 'boolean'}>
        <span class="check">
          <input type="checkbox" checked={p.value === true} onChange={(e) => p.onInput(e.currentTarget.checked)} data-field={f().key} />
          <Name />
        </span>
      </Show>
      <Show when={f().kind === 'enum'}>
        <select value={String(p.value)} onChange={(e) => p.onInput(e.currentTarget.value)} data-field={f().key}>
          <For each={f().options}>
            {(o) => (
              <option value={o} selected={o === p.value}>
                {o}
              </option>
            )}
          </For>
        </select>
      </Show>
      <Show when={f().kind === 'strings' || f().kind === 'json'}>
        <textarea
          rows={3}
          value={String(p.value)}
          onInput={(e) => p.onInput(e.currentTarget.value)}
          data-field={f().key}
          placeholder={f().kind === 'strings' ? 'one a line' : 'JSON'}
        />
      </Show>
      <Show when={['number', 'integer', 'numbers', 'string'].includes(f().kind)}>
        <input
          type="text"
          inputmode={f().kind === 'string' ? undefined : 'decimal'}
          value={String(p.value)}
          onInput={(e) => p.onInput(e.currentTarget.value)}
          data-field={f().key}
          placeholder={f().kind === 'numbers' ? 'low, high' : undefined}
          aria-invalid={p.message ? 'true' : undefined}
        />
      </Show>
      <Show when={hint()}>
        <span class="si-hint">{hint()}</span>
      </Show>
      <FieldError for={f().key} message={p.message} />
    </label>
  );
};

/** What the stage produced: its time, items, counts, and where it was reused from. */
const Output = (p: { row: StageRow | null }) => (
  <div class="si-output">
    <h3>Output</h3>
    <Show when={p.row} fallback={<p class="muted small">Not part of this run’s status.</p>}>
      {(r) => (
        <>
          <dl class="si-facts">
            <dt>Status</dt>
            <dd>{r().status}</dd>
            <dt>Time</dt>
            <dd>{r().ms > 0 ? msText(r().ms) : '—'}</dd>
            <dt>Items</dt>
            <dd>{r().chunks > 0 ? `${r().chunksDone} of ${r().chunks}` : '—'}</dd>
            <Show when={r().reusedFrom}>
              <dt>Reused from</dt>
              <dd>
                <a class="mono" href={href({ name: 'detect-run', id: r().reusedFrom! })}>
                  {r().reusedFrom}
                </a>
              </dd>
            </Show>
          </dl>
          <Show when={r().reason}>
            <p class={r().status === 'failed' ? 'reason' : 'muted small'}>
              {r().status === 'failed' ? 'Error: ' : 'Why: '}
              {r().reason}
            </p>
          </Show>
          <RowTable
            rows={Object.entries(r().stats)}
            class="table compact si-stats"
            empty={<p class="muted small">{r().status === 'completed' ? 'No counts reported.' : 'Counts show once it is done.'}</p>}
            head={
              <>
                <th>Count</th>
                <th class="num">Value</th>
              </>
            }
          >
            {([k, v]) => (
              <tr>
                <td>{k}</td>
                <td class="num">{v.toLocaleString('en')}</td>
              </tr>
            )}
          </RowTable>
        </>
      )}
    </Show>
  </div>
);
