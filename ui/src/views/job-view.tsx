import { For, Show, createSignal } from 'solid-js';
import { ErrorNote, Empty, Loading, ProgressBar, StatusBadge } from '../components/bits.tsx';
import { EventRow } from '../components/event-row.tsx';
import { useApp } from '../context.ts';
import { errorText, time } from '../format.ts';
import { presetLabel, rangeOf, sourceLabel } from '../names.ts';
import { href } from '../router.ts';
import { isPreview, type JobDetailStore } from '../stores/job-detail.ts';
import { isActive } from '../stores/jobs.ts';
import { formatTime } from '../trim.ts';
import type { ForkPreview, Job, StoredEvent } from '../types.ts';
import { ChunkLanes } from './chunk-lanes.tsx';
import { JobOutputs } from './job-outputs.tsx';

export const JobView = (p: { store: JobDetailStore }) => {
  const s = p.store;
  return (
    <section class="page">
      <ErrorNote message={s.error()} />
      <Show when={s.job()} fallback={<Show when={!s.error()}><Loading /></Show>}>
        {(job) => (
          <>
            <Header job={job()} store={s} />
            <div class="grid-2">
              <div class="col">
                <ChunkLanes store={s} job={job()} />
                <JobOutputs job={job()} />
              </div>
              <div class="col">
                <TimeTravel store={s} />
                <EventLog store={s} />
              </div>
            </div>
          </>
        )}
      </Show>
    </section>
  );
};

const Header = (p: { job: Job; store: JobDetailStore }) => {
  const { presets } = useApp();
  const j = () => p.job;
  const live = () => p.store.progress.byJob()[j().id];
  const percent = () => (j().status === 'COMPLETED' ? 100 : Math.max(live()?.percent ?? 0, j().progress));
  const range = () => rangeOf(j());
  return (
    <div class="card job-head">
      <div class="page-head">
        <h1 class="mono">{j().id}</h1>
        <StatusBadge status={j().status} />
        <span class={`dot dot-${p.store.liveState()}`} title={`job stream: ${p.store.liveState()}`} />
        <Show when={p.store.liveState() === 'reconnecting'}>
          <span class="muted small">reconnecting…</span>
        </Show>
        <div class="spacer" />
        <Show when={isActive(j().status)}>
          <button class="btn ghost danger" data-testid="cancel" onClick={() => void p.store.cancel()}>Cancel</button>
        </Show>
        <Show when={j().status === 'FAILED' || j().status === 'CANCELLED'}>
          <button class="btn" data-testid="retry" onClick={() => void p.store.retry()}>Retry</button>
        </Show>
      </div>
      <ProgressBar
        percent={percent()}
        status={j().status}
        fps={isActive(j().status) ? live()?.fps : null}
        etaSeconds={isActive(j().status) ? live()?.etaSeconds : null}
      />
      <dl class="facts">
        <dt>kind</dt>
        <dd>{j().kind}</dd>
        <dt>attempt</dt>
        <dd>{j().attempt}</dd>
        <dt>source</dt>
        <dd data-testid="job-source" title={[j().sourceKey, j().assetId && `asset ${j().assetId}`].filter(Boolean).join(' · ')}>
          {sourceLabel(j())}
        </dd>
        <dt>preset</dt>
        <dd data-testid="job-preset-name" title={j().presetId ?? undefined}>
          {presetLabel(j(), presets.items())}
        </dd>
        <dt>range</dt>
        <dd data-testid="job-range">
          <Show when={range()} fallback={<span class="muted">whole source</span>}>
            {(r) => (
              <>
                {formatTime(r().start)} – {formatTime(r().end)} <span class="muted">({formatTime(r().end - r().start)})</span>
              </>
            )}
          </Show>
        </dd>
        <dt>chunks</dt>
        <dd>{j().chunksDone}/{j().chunksTotal}</dd>
        <dt>created</dt>
        <dd>{time(j().createdAt)}</dd>
        <Show when={j().completedAt}>
          <dt>finished</dt>
          <dd>{time(j().completedAt)}</dd>
        </Show>
        <Show when={j().parent}>
          <dt>forked from</dt>
          <dd>
            <a class="mono" href={href({ name: 'job', id: j().parent! })}>{j().parent}</a>
          </dd>
        </Show>
      </dl>
      <ErrorNote message={p.store.actionError()} />
      <Show when={j().error}>
        <div class="error-note" role="alert">
          <span>{j().error}</span>
        </div>
        <Show when={j().errorDetail}>
          <details class="detail">
            <summary>Details</summary>
            <pre>{j().errorDetail}</pre>
          </details>
        </Show>
      </Show>
    </div>
  );
};

const TimeTravel = (p: { store: JobDetailStore }) => {
  const { go } = useApp();
  const s = p.store;
  const positions = () => s.events().map((e) => e.position);
  const [index, setIndex] = createSignal<number | null>(null);
  const [overrides, setOverrides] = createSignal('');
  const [preview, setPreview] = createSignal<ForkPreview | null>(null);
  const [forkError, setForkError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
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
    setPreview(null);
    const pos = positions()[i];
    if (pos !== undefined) void s.scrub(pos);
  };

  const fork = async (dryRun: boolean) => {
    const pos = position();
    if (pos === undefined) return;
    const parsed = s.parseOverrides(overrides());
    if (!parsed.ok) return setForkError(parsed.message);
    setForkError(null);
    setBusy(true);
    try {
      const r = await s.fork(pos, parsed.value, dryRun);
      if (isPreview(r)) setPreview(r);
      else go({ name: 'job', id: r.id });
    } catch (e) {
      setForkError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const st = () => s.stateAt();
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
        <div class="state-at" data-testid="state-at">
          <Show when={s.scrubbed() !== null} fallback={<span class="muted">Move the scrubber to see the job as it was after that event.</span>}>
            <ErrorNote message={s.stateError()} />
            <Show when={st()}>
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
        <details class="fork">
          <summary>Re-run from here</summary>
          <p class="small muted">
            A new job starts from the job’s state at position {position()}: finished chunks are reused, the rest run again. Overrides (JSON)
            replace job parameters.
          </p>
          <textarea
            rows={3}
            placeholder='{"presetId": "mp4-720p"}'
            value={overrides()}
            onInput={(e) => {
              setOverrides(e.currentTarget.value);
              setPreview(null);
            }}
          />
          <div class="row">
            <button class="btn" disabled={busy()} onClick={() => void fork(true)} data-testid="fork-preview">Preview</button>
            <button class="btn primary" disabled={busy()} onClick={() => void fork(false)} data-testid="fork">Re-run from here</button>
          </div>
          <Show when={preview()}>
            {(pv) => (
              <div class="preview" data-testid="fork-preview-result">
                reuses <b>{pv().reused}</b> finished chunk{pv().reused === 1 ? '' : 's'}, reruns{' '}
                <b>{pv().rerun === null ? 'the whole plan' : `${pv().rerun} chunk${pv().rerun === 1 ? '' : 's'}`}</b>
              </div>
            )}
          </Show>
          <ErrorNote message={forkError()} />
        </details>
      </Show>
    </div>
  );
};

const EventLog = (p: { store: JobDetailStore }) => {
  const rows = () => [...p.store.events()].reverse();
  return (
    <div class="card">
      <h2>
        Event log <span class="muted small">{p.store.events().length} events, newest first</span>
      </h2>
      <Show when={rows().length > 0} fallback={<Empty>No events yet.</Empty>}>
        <div class="event-list">
          <For each={rows()}>{(e) => <EventRow event={e} />}</For>
        </div>
      </Show>
    </div>
  );
};
