import { For, Show, createMemo, createSignal, lazy, Suspense } from 'solid-js';
import { ErrorNote, Empty, Loading, ProgressBar, StatusBadge } from '../components/bits.tsx';
import { useApp } from '../context.ts';
import { bitrate, bytes, duration, errorText, resolution, time } from '../format.ts';
import { href } from '../router.ts';
import { isPreview, type JobDetailStore } from '../stores/job-detail.ts';
import { isActive } from '../stores/jobs.ts';
import type { Chunk, ForkPreview, Job, StoredEvent } from '../types.ts';

const Player = lazy(() => import('./player.tsx').then((m) => ({ default: m.Player })));

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
                <Lanes store={s} job={job()} />
                <Outputs job={job()} />
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
  const presetName = () => presets.items().find((x) => x.id === j().presetId)?.name;
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
        <dt>asset</dt>
        <dd class="mono">{j().assetId ?? '—'}</dd>
        <dt>preset</dt>
        <dd>
          <span class="mono">{j().presetId ?? '—'}</span>
          <Show when={presetName()}> <span class="muted">({presetName()})</span></Show>
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

/** One lane per chunk; bars sit at spec.start…end over the media duration, audio/whole-file chunks span it all. */
const Lanes = (p: { store: JobDetailStore; job: Job }) => {
  const chunks = () => [...p.store.chunks()].sort((a, b) => a.n - b.n);
  const total = createMemo(() => Math.max(0.001, ...chunks().map((c) => c.spec.end ?? 0)));
  const span = (c: Chunk) => {
    if (c.spec.start === undefined || c.spec.end === undefined) return { left: 0, width: 100 };
    return { left: (c.spec.start / total()) * 100, width: Math.max(0.5, ((c.spec.end - c.spec.start) / total()) * 100) };
  };
  const fill = (c: Chunk) => (c.status === 'SUCCEEDED' ? 100 : c.status === 'FAILED' ? 100 : p.store.chunkPercent()[c.n] ?? 0);
  return (
    <div class="card">
      <h2>Chunks</h2>
      <Show when={chunks().length > 0} fallback={<Empty>{isActive(p.job.status) ? 'Planning…' : 'This job has no chunks.'}</Empty>}>
        <div class="lanes">
          <For each={chunks()}>
            {(c) => (
              <div class="lane" data-testid="lane" data-status={c.status} title={c.error ?? `${c.spec.type} ${duration(c.spec.start)}–${duration(c.spec.end)}`}>
                <span class="lane-label mono">
                  #{c.n} {c.spec.type}
                </span>
                <div class="lane-track">
                  <div class={`lane-bar lane-${c.status.toLowerCase()}`} style={{ left: `${span(c).left}%`, width: `${span(c).width}%` }}>
                    <div class="lane-fill" style={{ width: `${fill(c)}%` }} />
                  </div>
                </div>
                <span class="lane-status small">{c.status === 'QUEUED' && fill(c) > 0 ? `${Math.round(fill(c))}%` : c.status.toLowerCase()}</span>
              </div>
            )}
          </For>
          <div class="lane-axis small muted">
            <span>0:00</span>
            <span>{duration(total())}</span>
          </div>
        </div>
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

export const EventRow = (p: { event: StoredEvent; testid?: string }) => {
  const e = () => p.event;
  return (
    <details class="event-row" data-testid={p.testid ?? 'event-row'} data-position={e().position}>
      <summary>
        <span class="pos mono">{e().position}</span>
        <span class={`etype etype-${e().type.startsWith('Job') ? 'job' : 'chunk'}`}>{e().type}</span>
        <span class="mono small muted stream">{e().stream}</span>
        <span class="small muted">{e().meta.actor ?? ''}</span>
        <span class="small muted time">{time(e().meta.at)}</span>
      </summary>
      <pre>{JSON.stringify(e().data, null, 2)}</pre>
    </details>
  );
};

const Outputs = (p: { job: Job }) => {
  const u = () => p.job.urls;
  const downloads = () => {
    const x = u();
    if (!x) return [];
    const list: { label: string; url: string; meta?: string }[] = [];
    for (const r of p.job.renditions)
      list.push({
        label: `${r.name} (${r.type})`,
        url: r.url,
        meta: [r.type === 'video' ? resolution(r.width, r.height) : null, r.codec, bitrate(r.averageBitrate ?? r.bitrate), bytes(r.bytes)].filter(Boolean).join(' · '),
      });
    if (x.master) list.push({ label: 'master playlist', url: x.master });
    x.mp4.forEach((m, i) => list.push({ label: `mp4 ${i + 1}`, url: m }));
    if (x.audio) list.push({ label: 'audio', url: x.audio });
    if (x.poster) list.push({ label: 'poster', url: x.poster });
    x.sprites.forEach((sp, i) => list.push({ label: `sprite sheet ${i + 1}`, url: sp }));
    if (x.thumbnailsVtt) list.push({ label: 'thumbnails.vtt', url: x.thumbnailsVtt });
    return list;
  };
  return (
    <div class="card">
      <h2>Outputs</h2>
      <Show when={u()} fallback={<Empty>{p.job.status === 'COMPLETED' ? 'This job kind has no media outputs.' : 'Outputs appear here when the job completes.'}</Empty>}>
        {(x) => (
          <>
            <Show when={x().master || x().mp4[0] || x().audio}>
              <Suspense fallback={<Loading />}>
                <Player master={x().master} mp4={x().mp4[0] ?? x().audio ?? null} poster={x().poster} vtt={x().thumbnailsVtt} />
              </Suspense>
            </Show>
            <ul class="downloads">
              <For each={downloads()}>
                {(d) => (
                  <li>
                    <a href={d.url} download="">{d.label}</a>
                    <Show when={d.meta}>
                      <span class="small muted"> {d.meta}</span>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </>
        )}
      </Show>
    </div>
  );
};
