import { For, Show } from 'solid-js';
import { ErrorNote, Empty, Loading, ProgressBar, StatusBadge } from '../components/bits.tsx';
import { EventRow } from '../components/event-row.tsx';
import { useApp } from '../context.ts';
import { time } from '../format.ts';
import { presetLabel, rangeOf, sourceLabel } from '../names.ts';
import { href } from '../router.ts';
import type { JobDetailStore } from '../stores/job-detail.ts';
import { isActive } from '../stores/jobs.ts';
import { outputsGone } from '../stores/run-again.ts';
import { formatTime } from '../trim.ts';
import type { Job } from '../types.ts';
import { ChunkLanes } from './chunk-lanes.tsx';
import { JobOutputs } from './job-outputs.tsx';
import { JobOutputsDeleted, OutputsDeletedBadge } from './job-outputs-deleted.tsx';
import { TimeTravel } from './time-travel.tsx';

export const JobView = (p: { store: JobDetailStore }) => {
  const s = p.store;
  return (
    <section class="page">
      <ErrorNote message={s.error()} />
      <Show
        when={s.job()}
        fallback={
          <Show when={!s.error()}>
            <Loading />
          </Show>
        }
      >
        {(job) => (
          <>
            <Header job={job()} store={s} />
            <div class="grid-2">
              <div class="col">
                <ChunkLanes store={s} job={job()} />
                <Show when={outputsGone(job()) && job().outputsDeleted} fallback={<JobOutputs job={job()} />}>
                  {(deleted) => <JobOutputsDeleted job={job()} at={deleted().at} events={s.events} />}
                </Show>
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
  const j = () => p.job;
  const live = () => p.store.progress.byJob()[j().id];
  const percent = () => (j().status === 'COMPLETED' ? 100 : Math.max(live()?.percent ?? 0, j().progress));
  return (
    <div class="card job-head">
      <div class="page-head">
        <h1 class="mono">{j().id}</h1>
        <StatusBadge status={j().status} />
        <Show when={outputsGone(j()) && j().outputsDeleted}>{(d) => <OutputsDeletedBadge at={d().at} />}</Show>
        <span class={`dot dot-${p.store.liveState()}`} title={`job stream: ${p.store.liveState()}`} />
        <Show when={p.store.liveState() === 'reconnecting'}>
          <span class="muted small">reconnecting…</span>
        </Show>
        <div class="spacer" />
        <Show when={isActive(j().status)}>
          <button type="button" class="btn ghost danger" data-testid="cancel" onClick={() => void p.store.cancel()}>
            Cancel
          </button>
        </Show>
        <Show when={j().status === 'FAILED' || j().status === 'CANCELLED'}>
          <button type="button" class="btn" data-testid="retry" onClick={() => void p.store.retry()}>
            Retry
          </button>
        </Show>
      </div>
      <ProgressBar
        percent={percent()}
        status={j().status}
        fps={isActive(j().status) ? live()?.fps : null}
        etaSeconds={isActive(j().status) ? live()?.etaSeconds : null}
      />
      <JobFacts job={j()} />
      <ErrorNote message={p.store.actionError()} />
      <JobError job={j()} />
    </div>
  );
};

/** Kind, attempt, source, preset, trim, chunks and times: what the job is, under its progress bar. */
const JobFacts = (p: { job: Job }) => {
  const { presets } = useApp();
  const j = () => p.job;
  const range = () => rangeOf(j());
  return (
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
      <dd>
        {j().chunksDone}/{j().chunksTotal}
      </dd>
      <dt>created</dt>
      <dd>{time(j().createdAt)}</dd>
      <Show when={j().completedAt}>
        <dt>finished</dt>
        <dd>{time(j().completedAt)}</dd>
      </Show>
      <Show when={j().parent}>
        <dt>forked from</dt>
        <dd>
          <a class="mono" href={href({ name: 'job', id: j().parent! })}>
            {j().parent}
          </a>
        </dd>
      </Show>
    </dl>
  );
};

/** Why the job failed, its longer detail folded away under it. */
const JobError = (p: { job: Job }) => (
  <Show when={p.job.error}>
    <div class="error-note" role="alert">
      <span>{p.job.error}</span>
    </div>
    <Show when={p.job.errorDetail}>
      <details class="detail">
        <summary>Details</summary>
        <pre>{p.job.errorDetail}</pre>
      </details>
    </Show>
  </Show>
);

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
