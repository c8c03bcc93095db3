import { For, Show, createSignal } from 'solid-js';
import { ErrorNote, Empty, Loading, ProgressBar, StatusBadge } from '../components/bits.tsx';
import { TrimFields, createTrim } from '../components/trim-fields.tsx';
import { useApp } from '../context.ts';
import { errorText, time } from '../format.ts';
import { presetLabel, rangeOf, sourceLabel } from '../names.ts';
import { formatTime } from '../trim.ts';
import { href } from '../router.ts';
import { isActive, type JobsStore } from '../stores/jobs.ts';
import { outputsGone } from '../stores/run-again.ts';
import { OutputsDeletedBadge } from './job-outputs-deleted.tsx';
import type { JobStatus } from '../../../src/types/api.ts';
import type { Asset, Job } from '../types.ts';
import { Pager } from '../components/pager.tsx';

const STATUSES: JobStatus[] = ['PENDING', 'QUEUED', 'PROCESSING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'];

export const JobsView = (p: { store: JobsStore }) => {
  const s = p.store;
  const [showForm, setShowForm] = createSignal(false);
  return (
    <section class="page">
      <div class="page-head">
        <h1>Jobs</h1>
        <span class="muted">{s.total()} total</span>
        <div class="spacer" />
        <select value={s.status()} onChange={(e) => void s.setStatus(e.currentTarget.value as JobStatus | '')} aria-label="Status filter">
          <option value="">any status</option>
          <For each={STATUSES}>{(x) => <option value={x}>{x.toLowerCase()}</option>}</For>
        </select>
        <button type="button" class="btn primary" data-testid="new-job" onClick={() => setShowForm(!showForm())}>
          New job
        </button>
      </div>
      <Show when={showForm()}>
        <NewJobForm store={s} onClose={() => setShowForm(false)} />
      </Show>
      <ErrorNote message={s.error()} />
      <Show when={s.loaded()} fallback={<Loading />}>
        <Show
          when={s.items().length > 0}
          fallback={<Empty>{s.status() ? `No ${s.status().toLowerCase()} jobs.` : 'No jobs yet. Pick an asset and press Transcode, or use New job.'}</Empty>}
        >
          <table class="table stack">
            <thead>
              <tr>
                <th>Job</th>
                <th>Source</th>
                <th>Kind</th>
                <th>Preset</th>
                <th>Status</th>
                <th class="wide">Progress</th>
                <th>Chunks</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              <For each={s.items()}>{(j) => <JobRow job={j} store={s} />}</For>
            </tbody>
          </table>
          <Pager list={s} />
        </Show>
      </Show>
    </section>
  );
};

const JobRow = (p: { job: Job; store: JobsStore }) => {
  const { presets } = useApp();
  const j = () => p.job;
  const range = () => rangeOf(j());
  const live = () => p.store.progress.byJob()[j().id];
  const percent = () => (j().status === 'COMPLETED' ? 100 : Math.max(live()?.percent ?? 0, j().progress));
  return (
    <>
      <tr data-testid="job-row" data-id={j().id}>
        <td data-label="Job">
          <a class="mono" href={href({ name: 'job', id: j().id })}>
            {j().id}
          </a>
          <Show when={j().parent}>
            <div class="small muted">
              forked from <a href={href({ name: 'job', id: j().parent! })}>{j().parent}</a>
            </div>
          </Show>
        </td>
        <td class="name" data-label="Source" data-testid="job-source" title={j().sourceKey ?? j().assetId ?? undefined}>
          {sourceLabel(j())}
          <Show when={range()}>
            {(r) => (
              <div class="small muted" data-testid="job-range">
                {formatTime(r().start)} – {formatTime(r().end)}
              </div>
            )}
          </Show>
        </td>
        <td data-label="Kind">{j().kind}</td>
        <td class="small" data-label="Preset" data-testid="job-preset-name" title={j().presetId ?? undefined}>
          {presetLabel(j(), presets.items())}
        </td>
        <td data-label="Status">
          <StatusBadge status={j().status} title={j().error ?? undefined} />
          <Show when={j().attempt > 1}>
            <span class="small muted"> #{j().attempt}</span>
          </Show>
          <Show when={outputsGone(j()) && j().outputsDeleted}>
            {(d) => (
              <div>
                <OutputsDeletedBadge at={d().at} />
              </div>
            )}
          </Show>
        </td>
        <td data-label="Progress">
          <ProgressBar
            percent={percent()}
            status={j().status}
            fps={isActive(j().status) ? live()?.fps : null}
            etaSeconds={isActive(j().status) ? live()?.etaSeconds : null}
          />
          <Show when={j().status === 'FAILED' && j().error}>
            <div class="reason">{j().error}</div>
          </Show>
        </td>
        <td class="num" data-label="Chunks">
          {j().chunksDone}/{j().chunksTotal}
        </td>
        <td class="small muted" data-label="Created">
          {time(j().createdAt)}
        </td>
        <td class="actions">
          <Show when={isActive(j().status)}>
            <button type="button" class="btn small ghost danger" data-testid="cancel" onClick={() => void p.store.cancel(j().id)}>
              Cancel
            </button>
          </Show>
          <Show when={j().status === 'FAILED' || j().status === 'CANCELLED'}>
            <button type="button" class="btn small" data-testid="retry" onClick={() => void p.store.retry(j().id)}>
              Retry
            </button>
          </Show>
        </td>
      </tr>
      <Show when={p.store.rowErrors()[j().id]}>
        <tr class="subrow">
          <td colSpan={9}>
            <ErrorNote message={p.store.rowErrors()[j().id]} />
          </td>
        </tr>
      </Show>
    </>
  );
};

const NewJobForm = (p: { store: JobsStore; onClose: () => void }) => {
  const { api, presets, go } = useApp();
  const [assets, setAssets] = createSignal<Asset[]>([]);
  const [assetId, setAssetId] = createSignal('');
  const [presetId, setPresetId] = createSignal('');
  const trim = createTrim(() => assets().find((a) => a.id === assetId())?.duration ?? null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  api.listAssets({ status: 'ready', limit: 500 }).then(
    (page) => {
      setAssets(page.items);
      setAssetId(page.items[0]?.id ?? '');
    },
    (e) => setError(errorText(e)),
  );
  const submit = async (e: Event) => {
    e.preventDefault();
    const preset = presetId() || presets.items()[0]?.id;
    if (!assetId() || !preset) return setError('Choose an asset and a preset.');
    const range = trim.take();
    if (range === false) return;
    setBusy(true);
    setError(null);
    try {
      const job = await p.store.create(assetId(), preset, range);
      go({ name: 'job', id: job.id });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card inline-form" onSubmit={submit} data-testid="new-job-form">
      <label>
        Asset
        <select value={assetId()} onChange={(e) => setAssetId(e.currentTarget.value)} data-testid="job-asset">
          <Show when={assets().length === 0}>
            <option value="">no ready assets</option>
          </Show>
          <For each={assets()}>{(a) => <option value={a.id}>{a.name}</option>}</For>
        </select>
      </label>
      <label>
        Preset
        <select value={presetId() || presets.items()[0]?.id || ''} onChange={(e) => setPresetId(e.currentTarget.value)} data-testid="job-preset">
          <For each={presets.items()}>{(x) => <option value={x.id}>{x.name}</option>}</For>
        </select>
      </label>
      <TrimFields trim={trim} />
      <button class="btn primary" type="submit" disabled={busy()}>
        {busy() ? 'Starting…' : 'Start'}
      </button>
      <button class="btn ghost" type="button" onClick={() => p.onClose()}>
        Close
      </button>
      <ErrorNote message={error()} />
    </form>
  );
};
