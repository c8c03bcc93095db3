/**
 * The timeline builder's asset picker: ready videos (a page at a time, with
 * a filter on the name), each shown as a filmstrip when picked, and the
 * chunks of its transcodes, which add as picks in one click.
 */
import { createSignal, For, Show } from 'solid-js';
import { ErrorNote } from '../components/bits.tsx';
import { Pager } from '../components/pager.tsx';
import type { Source, SourceJobRow } from '../../../src/types/detect-run.ts';
import { duration as formatDuration, resolution } from '../format.ts';
import type { TimelineBuilderStore } from '../stores/timeline-builder.ts';
import { formatTime } from '../trim.ts';
import { baseName } from './filmstrip.tsx';

export const SourcePicker = (p: { store: TimelineBuilderStore }) => {
  const s = p.store;
  const [filter, setFilter] = createSignal('');
  const shown = () => {
    const f = filter().trim().toLowerCase();
    return f ? s.sources.items().filter((x) => x.key.toLowerCase().includes(f)) : s.sources.items();
  };
  return (
    <section class="card source-picker" aria-label="Sources">
      <div class="card-head">
        <h2>Sources</h2>
        <span class="small muted">{s.sources.total()} ready videos</span>
      </div>
      <label class="source-filter">
        <span class="sr-only">Filter sources</span>
        <input type="search" placeholder="Filter by name" value={filter()} onInput={(e) => setFilter(e.currentTarget.value)} />
      </label>
      <ErrorNote message={s.sources.error()} />
      <Show when={s.sources.loaded() && s.sources.items().length === 0}>
        <p class="muted small">No ready videos yet: upload or scan some on the Assets page.</p>
      </Show>
      <ul class="source-list">
        <For each={shown()}>{(src) => <SourceItem store={s} source={src} />}</For>
      </ul>
      <Show when={s.sources.total() > s.sources.pageSize}>
        <Pager list={s.sources} />
      </Show>
    </section>
  );
};

const SourceItem = (p: { store: TimelineBuilderStore; source: Source }) => {
  const s = p.store;
  const on = () => s.chosen().includes(p.source.id);
  const transcodes = () => p.source.jobs.filter((j) => j.kind === 'transcode');
  return (
    <li class="source-item">
      <button
        type="button"
        class="source-pick"
        classList={{ on: on() }}
        data-testid="source-pick"
        data-asset={p.source.id}
        aria-pressed={on()}
        title={p.source.key}
        onClick={() => (on() ? s.unchoose(p.source.id) : s.choose(p.source.id))}
      >
        <span class="source-name">{baseName(p.source.key)}</span>
        <span class="small muted">
          {formatDuration(p.source.duration)} · {resolution(p.source.width, p.source.height)}
        </span>
      </button>
      <For each={transcodes()}>{(j) => <JobChunks store={s} job={j} />}</For>
    </li>
  );
};

const JobChunks = (p: { store: TimelineBuilderStore; job: SourceJobRow }) => {
  const s = p.store;
  const [open, setOpen] = createSignal(false);
  const state = () => s.chunksOf(p.job.id);
  const failed = () => {
    const x = state();
    return x?.state === 'error' ? x.error : null;
  };
  const toggle = () => {
    setOpen(!open());
    if (open() && (!state() || state()!.state === 'error')) void s.loadChunks(p.job.id);
  };
  return (
    <div class="source-job">
      <button type="button" class="link small" aria-expanded={open()} onClick={toggle} data-testid="source-job" data-job={p.job.id}>
        {open() ? '▾' : '▸'} chunks of {p.job.presetName ?? p.job.id} <span class="muted">({p.job.status.toLowerCase()})</span>
      </button>
      <Show when={open()}>
        <Show when={state()?.state === 'loading'}>
          <p class="small muted">Loading chunks…</p>
        </Show>
        <ErrorNote message={failed()} />
        <ChunkList store={s} job={p.job} />
      </Show>
    </div>
  );
};

const ChunkList = (p: { store: TimelineBuilderStore; job: SourceJobRow }) => {
  const chunks = () => {
    const x = p.store.chunksOf(p.job.id);
    return x?.state === 'ready' ? x.value : [];
  };
  return (
    <ul class="chunk-picks">
      <For each={chunks()}>
        {(c) => (
          <li class="chunk-pick" data-testid="chunk-pick" data-n={c.n}>
            <Show when={c.thumbs[0]} fallback={<span class="chunk-thumb blank" />}>
              {(url) => <img class="chunk-thumb" src={url()} alt={`Chunk ${c.n + 1}`} loading="lazy" />}
            </Show>
            <span class="small">
              {formatTime(c.start)}–{formatTime(c.end)}
            </span>
            <button type="button" class="btn small" data-testid="add-chunk" onClick={() => p.store.addPick(c.pick)}>
              Add
            </button>
          </li>
        )}
      </For>
      <Show when={chunks().length === 0 && p.store.chunksOf(p.job.id)?.state === 'ready'}>
        <li class="small muted">This job has no chunks.</li>
      </Show>
    </ul>
  );
};
