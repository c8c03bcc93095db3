/**
 * The job page's time travel card: a scrubber over the job's log, the job's
 * state after the event picked, and a fork ("re-run from here") from it.
 */
import { Show, createSignal } from 'solid-js';
import { ErrorNote, Empty, StatusBadge } from '../components/bits.tsx';
import { useApp } from '../context.ts';
import { errorText, time } from '../format.ts';
import { isPreview, type JobDetailStore } from '../stores/job-detail.ts';
import type { ForkSummary as ForkPreview, JobStateAt } from '../../../src/types/api.ts';
import type { StoredEvent } from '../types.ts';

export const TimeTravel = (p: { store: JobDetailStore }) => {
  const { go } = useApp();
  const s = p.store;
  const positions = () => s.events().map((e) => e.position);
  const [index, setIndex] = createSignal<number | null>(null);
  const forks = createForkForm(s, (id) => go({ name: 'job', id }));
  // Follows the newest event until the user moves the scrubber.
  const current = () => {
    const i = index();
    const n = positions().length;
    return i === null ? n - 1 : Math.min(i, n - 1);
  };
  const position = () => positions()[current()];
  const event = (): StoredEvent | undefined => s.events()[current()];

  const pick = (i: number) => {
    setIndex(i);
    forks.setPreview(null);
    const pos = positions()[i];
    if (pos !== undefined) void s.scrub(pos);
  };

  return (
    <div class="card">
      <h2>Time travel</h2>
      <Show when={positions().length > 0} fallback={<Empty>No events yet.</Empty>}>
        <input
          type="range"
          class="scrubber"
          data-testid="scrubber"
          min={0}
          max={positions().length - 1}
          step={1}
          value={current()}
          onInput={(e) => pick(Number(e.currentTarget.value))}
        />
        <div class="scrub-label small">
          event {current() + 1} of {positions().length} · position <b>{position()}</b> · <span class="mono">{event()?.type}</span>{' '}
          <span class="muted">{time(event()?.meta.at)}</span>
        </div>
        <StateAt scrubbed={s.scrubbed() !== null} stateAt={s.stateAt()} error={s.stateError()} />
        <ForkPanel position={position()} form={forks} />
      </Show>
    </div>
  );
};

/**
 * The fork being prepared: the overrides typed, the last dry run's answer
 * (cleared by any change, so it never describes other inputs) and the error.
 * A real fork opens the new job.
 */
const createForkForm = (s: Pick<JobDetailStore, 'fork' | 'parseOverrides'>, open: (jobId: string) => void) => {
  const [overrides, setOverrides] = createSignal('');
  const [preview, setPreview] = createSignal<ForkPreview | null>(null);
  const [forkError, setForkError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const edit = (text: string) => {
    setOverrides(text);
    setPreview(null);
  };
  const fork = async (pos: number | undefined, dryRun: boolean) => {
    if (pos === undefined) return;
    const parsed = s.parseOverrides(overrides());
    if (!parsed.ok) return setForkError(parsed.message);
    setForkError(null);
    setBusy(true);
    try {
      const r = await s.fork(pos, parsed.value, dryRun);
      if (isPreview(r)) setPreview(r);
      else open(r.id);
    } catch (e) {
      setForkError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return { overrides, preview, setPreview, forkError, busy, edit, fork };
};

type ForkForm = ReturnType<typeof createForkForm>;

/** The job as it was after the scrubbed event; a hint until the scrubber is first moved. */
const StateAt = (p: { scrubbed: boolean; stateAt: JobStateAt | null; error: string | null }) => (
  <div class="state-at" data-testid="state-at">
    <Show when={p.scrubbed} fallback={<span class="muted">Move the scrubber to see the job as it was after that event.</span>}>
      <ErrorNote message={p.error} />
      <Show when={p.stateAt}>
        {(x) => (
          <dl class="facts">
            <dt>at position</dt>
            <dd>{x().position}</dd>
            <dt>status</dt>
            <dd>
              <StatusBadge status={String(x().state.status)} />
            </dd>
            <dt>plan size</dt>
            <dd>{x().state.plan ? `${x().state.plan!.length} chunks` : 'not planned'}</dd>
            <dt>chunks done</dt>
            <dd>{Object.keys(x().state.done ?? {}).length}</dd>
            <dt>attempt</dt>
            <dd>{x().state.attempt}</dd>
            <Show when={x().state.reason}>
              <dt>reason</dt>
              <dd>{String(x().state.reason)}</dd>
            </Show>
          </dl>
        )}
      </Show>
    </Show>
  </div>
);

const ForkPanel = (p: { position: number | undefined; form: ForkForm }) => {
  const f = p.form;
  return (
    <details class="fork">
      <summary>Re-run from here</summary>
      <p class="small muted">
        A new job starts from the job’s state at position {p.position}: finished chunks are reused, the rest run again. Overrides (JSON) replace job parameters.
      </p>
      <textarea rows={3} placeholder='{"presetId": "mp4-720p"}' value={f.overrides()} onInput={(e) => f.edit(e.currentTarget.value)} />
      <div class="row">
        <button type="button" class="btn" disabled={f.busy()} onClick={() => void f.fork(p.position, true)} data-testid="fork-preview">
          Preview
        </button>
        <button type="button" class="btn primary" disabled={f.busy()} onClick={() => void f.fork(p.position, false)} data-testid="fork">
          Re-run from here
        </button>
      </div>
      <Show when={f.preview()}>
        {(pv) => (
          <div class="preview" data-testid="fork-preview-result">
            reuses <b>{pv().reused}</b> finished chunk{pv().reused === 1 ? '' : 's'}, reruns{' '}
            <b>{pv().rerun === null ? 'the whole plan' : `${pv().rerun} chunk${pv().rerun === 1 ? '' : 's'}`}</b>
          </div>
        )}
      </Show>
      <ErrorNote message={f.forkError()} />
    </details>
  );
};
