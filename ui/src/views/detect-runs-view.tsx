/**
 * Detection runs: a form to start one (timeline, profile and brand list,
 * detection's defaults chosen; optionally pausing after a stage, or
 * stepping stage by stage) and the runs, newest first, paged.
 */
import { createMemo, createSignal, For, Show } from 'solid-js';
import { ErrorNote, FieldError, StatusBadge } from '../components/bits.tsx';
import { PagedTable } from '../components/row-table.tsx';
import type { DetectJob } from '../detect-api.ts';
import { time } from '../format.ts';
import { href } from '../router.ts';
import { refusalField } from '../schema-form.ts';
import type { DetectRunsStore } from '../stores/detect-runs.ts';
import '../detect-run.css';

const runHref = (id: string) => href({ name: 'detect-run', id });

export const DetectRunsView = (p: { store: DetectRunsStore; onOpenRun: (jobId: string) => void }) => {
  const s = p.store;
  return (
    <section class="page detect-runs">
      <div class="page-head">
        <h1>Detection runs</h1>
        <span class="muted">{s.total()} total</span>
        <div class="spacer" />
        <button type="button" class="btn small ghost" onClick={() => void s.reload()} disabled={s.loading()}>
          Refresh
        </button>
      </div>
      <NewRunForm store={s} onStarted={p.onOpenRun} />
      <ErrorNote message={s.error()} />
      <PagedTable
        list={s}
        empty="No runs yet. Choose a timeline above and start one."
        head={
          <>
            <th>Run</th>
            <th>Status</th>
            <th>Timeline</th>
            <th>Profile</th>
            <th>Brand list</th>
            <th class="num">Brands seen</th>
            <th>Started</th>
          </>
        }
      >
        {(j) => <RunRow job={j} store={s} />}
      </PagedTable>
    </section>
  );
};

const RunRow = (p: { job: DetectJob; store: DetectRunsStore }) => {
  const params = () => p.store.paramsOf(p.job);
  const timeline = () => params()?.timelineId ?? '';
  const list = () => params()?.brandListId ?? '';
  const brands = () => p.job.result?.report?.brands.length;
  return (
    <tr data-testid="run-row" data-id={p.job.id}>
      <td data-label="Run">
        <a class="mono" href={runHref(p.job.id)}>
          {p.job.id}
        </a>
        <Show when={p.job.parent}>
          <div class="small muted">
            replay of <a href={runHref(p.job.parent!)}>{p.job.parent}</a>
            {params()?.replay ? ` (${params()!.replay!.stage})` : ''}
          </div>
        </Show>
      </td>
      <td data-label="Status">
        <StatusBadge status={p.job.status} title={p.job.error ?? undefined} />
        <Show when={p.job.status === 'FAILED' && p.job.error}>
          <div class="reason">{p.job.error}</div>
        </Show>
      </td>
      <td class="name" data-label="Timeline" title={timeline()}>
        {p.store.timelineName(timeline()) ?? (timeline() || '—')}
      </td>
      <td data-label="Profile">{params()?.profile || '—'}</td>
      <td data-label="Brand list" title={list()}>
        {p.store.brandListName(list()) ?? (list() || '—')}
      </td>
      <td class="num" data-label="Brands seen">
        {brands() ?? '—'}
      </td>
      <td class="small muted" data-label="Started">
        {time(p.job.createdAt)}
      </td>
    </tr>
  );
};

/** The request's fields, as a refusal names them, and the input each belongs to. */
const RUN_FIELDS = ['timelineId', 'profile', 'brandListId', 'pauseAfter', 'step'];

const NewRunForm = (p: { store: DetectRunsStore; onStarted: (jobId: string) => void }) => {
  const s = p.store;
  const [timelineId, setTimelineId] = createSignal('');
  const [profile, setProfile] = createSignal('');
  const [brandListId, setBrandListId] = createSignal('');
  const [pauseAfter, setPauseAfter] = createSignal('');
  const [step, setStep] = createSignal(false);
  const [refusal, setRefusal] = createSignal<{ field: string | null; text: string } | null>(null);
  const [busy, setBusy] = createSignal(false);

  // Until one is chosen: the first timeline, and detection's default profile and brand list.
  const timeline = () => timelineId() || s.timelines()[0]?.id || '';
  const prof = () => profile() || s.settings()?.defaultProfile || s.profiles()[0]?.name || '';
  const brands = () => brandListId() || s.settings()?.defaultBrandListId || s.brandLists()[0]?.id || '';
  const stages = createMemo(() => s.stagesOf(prof()));
  const after = () => (stages().includes(pauseAfter()) ? pauseAfter() : '');
  const messageOf = (field: string) => (refusal()?.field === field ? refusal()!.text : null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!timeline()) return setRefusal({ field: 'timelineId', text: 'Choose a timeline (make one on the timelines page first).' });
    setBusy(true);
    setRefusal(null);
    try {
      const jobId = await s.start({
        timelineId: timeline(),
        ...(prof() ? { profile: prof() } : {}),
        ...(brands() ? { brandListId: brands() } : {}),
        ...(after() ? { pauseAfter: after() } : {}),
        ...(step() ? { step: true } : {}),
      });
      p.onStarted(jobId);
    } catch (err) {
      setRefusal(refusalField(err instanceof Error ? err.message : String(err), RUN_FIELDS));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card dr-new-run" onSubmit={submit} data-testid="new-run-form">
      <h2>New run</h2>
      <div class="dr-new-fields">
        <label classList={{ invalid: !!messageOf('timelineId') }}>
          Timeline
          <select value={timeline()} onChange={(e) => setTimelineId(e.currentTarget.value)} data-testid="run-timeline" data-field="timelineId">
            <Show when={s.timelines().length === 0}>
              <option value="">{s.optionsLoaded() ? 'no timelines yet' : 'loading…'}</option>
            </Show>
            <For each={s.timelines()}>
              {(t) => (
                <option value={t.id} selected={t.id === timeline()}>
                  {t.name}
                </option>
              )}
            </For>
          </select>
          <FieldError for="timelineId" message={messageOf('timelineId')} />
        </label>
        <label classList={{ invalid: !!messageOf('profile') }}>
          Profile
          <select value={prof()} onChange={(e) => setProfile(e.currentTarget.value)} data-testid="run-profile" data-field="profile">
            <For each={s.profiles()}>
              {(x) => (
                <option value={x.name} selected={x.name === prof()}>
                  {x.name}
                  {x.name === s.settings()?.defaultProfile ? ' (default)' : ''}
                </option>
              )}
            </For>
          </select>
          <FieldError for="profile" message={messageOf('profile')} />
        </label>
        <label classList={{ invalid: !!messageOf('brandListId') }}>
          Brand list
          <select value={brands()} onChange={(e) => setBrandListId(e.currentTarget.value)} data-testid="run-brands" data-field="brandListId">
            <Show when={s.brandLists().length === 0}>
              <option value="">{s.optionsLoaded() ? 'no brand lists yet' : 'loading…'}</option>
            </Show>
            <For each={s.brandLists()}>
              {(b) => (
                <option value={b.id} selected={b.id === brands()}>
                  {b.name}
                  {b.id === s.settings()?.defaultBrandListId ? ' (default)' : ''}
                </option>
              )}
            </For>
          </select>
          <FieldError for="brandListId" message={messageOf('brandListId')} />
        </label>
        <label classList={{ invalid: !!messageOf('pauseAfter') }}>
          Pause after
          <select value={after()} onChange={(e) => setPauseAfter(e.currentTarget.value)} data-testid="run-pause-after" data-field="pauseAfter">
            <option value="">no stage</option>
            <For each={stages()}>
              {(x) => (
                <option value={x} selected={x === after()}>
                  {x}
                </option>
              )}
            </For>
          </select>
          <FieldError for="pauseAfter" message={messageOf('pauseAfter')} />
        </label>
        <label class="check dr-step">
          <input type="checkbox" checked={step()} onChange={(e) => setStep(e.currentTarget.checked)} data-testid="run-step" data-field="step" />
          Step (pause after each stage)
        </label>
        <button type="submit" class="btn primary" data-testid="start-run" disabled={busy() || !s.optionsLoaded()}>
          {busy() ? 'Starting…' : 'Start run'}
        </button>
      </div>
      <ErrorNote message={s.optionsError()} />
      <Show when={refusal() && refusal()!.field === null}>
        <div class="error-note" role="alert" data-testid="run-refusal">
          {refusal()!.text}
        </div>
      </Show>
    </form>
  );
};
