import { Pager } from '../components/pager.tsx';
import { For, Show, createSignal } from 'solid-js';
import { ErrorNote, Empty, Loading, StatusBadge } from '../components/bits.tsx';
import { TrimFields, createTrim } from '../components/trim-fields.tsx';
import { useApp } from '../context.ts';
import { bytes, duration, errorText, resolution } from '../format.ts';
import { folderOf } from '../names.ts';
import type { AssetsStore } from '../stores/assets.ts';
import type { Asset } from '../types.ts';

export const AssetsView = (p: { store: AssetsStore }) => {
  const s = p.store;
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  return (
    <section class="page">
      <div class="page-head">
        <h1>Assets</h1>
        <span class="muted">{s.total()} total</span>
        <div class="spacer" />
        <Show when={s.scanResult()}>
          {(r) => (
            <span class="scan-result" data-testid="scan-result">
              found {r().found}, registered {r().registered}, skipped {r().skipped}
              {r().updated ? `, updated ${r().updated}` : ''}
            </span>
          )}
        </Show>
        <button class="btn primary" data-testid="scan" disabled={s.scanning()} onClick={() => void s.scan()}>
          {s.scanning() ? 'Scanning…' : 'Scan'}
        </button>
      </div>
      <ErrorNote message={s.scanError()} />
      <div class="toolbar">
        <input
          type="search"
          placeholder="Search by name…"
          value={s.filters().q}
          onInput={(e) => {
            const q = e.currentTarget.value;
            clearTimeout(searchTimer);
            searchTimer = setTimeout(() => void s.setFilter({ q }), 200);
          }}
        />
        <select value={s.filters().status} onChange={(e) => void s.setFilter({ status: e.currentTarget.value as '' })} aria-label="Status">
          <option value="">any status</option>
          <option value="ready">ready</option>
          <option value="invalid">invalid</option>
          <option value="missing">missing</option>
        </select>
        <select value={s.filters().kind} onChange={(e) => void s.setFilter({ kind: e.currentTarget.value as '' })} aria-label="Kind">
          <option value="">any kind</option>
          <option value="video">video</option>
          <option value="audio">audio</option>
        </select>
        <select value={s.filters().sort} onChange={(e) => void s.setFilter({ sort: e.currentTarget.value })} aria-label="Sort">
          <option value="key">folder / name</option>
          <option value="name">file name</option>
          <option value="-size">largest first</option>
          <option value="size">smallest first</option>
          <option value="-duration">longest first</option>
          <option value="-registeredAt">newest first</option>
        </select>
        <Show when={s.loading()}>
          <span class="muted">loading…</span>
        </Show>
      </div>
      <ErrorNote message={s.error()} />
      <Show when={s.loaded()} fallback={<Loading />}>
        <Show
          when={s.items().length > 0}
          fallback={
            <Empty>
              {s.filters().q || s.filters().status || s.filters().kind
                ? 'No assets match these filters.'
                : 'No assets yet. Put media files in the input folder and press Scan.'}
            </Empty>
          }
        >
          <table class="table stack">
            <thead>
              <tr>
                <th>Name</th>
                <th>Folder</th>
                <th>Kind</th>
                <th class="num">Duration</th>
                <th>Resolution</th>
                <th>Codecs</th>
                <th class="num">Size</th>
                <th>Status</th>
                <th>Comment</th>
                <th />
              </tr>
            </thead>
            <tbody>
              <For each={s.items()}>{(a) => <AssetRow asset={a} store={s} />}</For>
            </tbody>
          </table>
          <Pager list={s} />
        </Show>
      </Show>
    </section>
  );
};

const AssetRow = (p: { asset: Asset; store: AssetsStore }) => {
  const { presets, api, go } = useApp();
  const [editing, setEditing] = createSignal(false);
  const [confirming, setConfirming] = createSignal(false);
  const [alsoOutputs, setAlsoOutputs] = createSignal(false);
  const [transcoding, setTranscoding] = createSignal(false);
  const [presetId, setPresetId] = createSignal('');
  const [submitError, setSubmitError] = createSignal<string | null>(null);
  const a = () => p.asset;
  const usable = () => presets.items().filter((x) => (a().kind === 'audio' ? x.output === 'audio' : true));
  const trim = createTrim(() => a().duration);
  const dim = () => a().status === 'invalid' || a().status === 'missing';

  const saveComment = (value: string) => {
    setEditing(false);
    void p.store.setComment(a().id, value);
  };

  const submit = async () => {
    const preset = presetId() || usable()[0]?.id;
    if (!preset) return;
    const range = trim.take();
    if (range === false) return;
    setSubmitError(null);
    try {
      const job = await api.createJob(a().id, preset, range);
      go({ name: 'job', id: job.id });
    } catch (e) {
      setSubmitError(errorText(e));
    }
  };

  return (
    <>
      <tr data-testid="asset-row" data-id={a().id} data-status={a().status} class={dim() ? 'row-dim' : ''}>
        <td class="name" title={a().key} data-label="Name">{a().name}</td>
        <td class="folder small" data-label="Folder" data-testid="asset-folder" title={folderOf(a()) || 'the root of the input store'}>
          {folderOf(a()) || <span class="muted">/</span>}
        </td>
        <td data-label="Kind">{a().kind ?? '—'}</td>
        <td class="num" data-label="Duration">{duration(a().duration)}</td>
        <td data-label="Resolution">{resolution(a().width, a().height)}</td>
        <td class="mono small" data-label="Codecs">{[a().videoCodec, a().audioCodec].filter(Boolean).join(' / ') || '—'}</td>
        <td class="num" data-label="Size">{bytes(a().size)}</td>
        <td data-label="Status">
          <StatusBadge status={a().status} title={a().reason ?? undefined} />
          <Show when={dim() && a().reason}>
            <div class="reason">{a().reason}</div>
          </Show>
        </td>
        <td class="comment-cell" data-label="Comment">
          <Show
            when={editing()}
            fallback={
              <button class="comment" title="Edit the comment" data-testid="comment" onClick={() => setEditing(true)}>
                {a().comment || <span class="muted">add a comment</span>}
              </button>
            }
          >
            <input
              class="comment-input"
              data-testid="comment-input"
              value={a().comment}
              ref={(el) => queueMicrotask(() => el.focus())}
              onKeyDown={(e) => {
                if (e.key === 'Enter') saveComment(e.currentTarget.value);
                if (e.key === 'Escape') setEditing(false);
              }}
              onBlur={(e) => editing() && saveComment(e.currentTarget.value)}
            />
          </Show>
        </td>
        <td class="actions">
          <Show when={a().status === 'ready'}>
            <button class="btn small" data-testid="transcode" onClick={() => setTranscoding(!transcoding())}>
              Transcode
            </button>
          </Show>
          <button class="btn small danger ghost" data-testid="delete" onClick={() => setConfirming(true)}>
            Delete
          </button>
        </td>
      </tr>
      <Show when={p.store.rowErrors()[a().id]}>
        <tr class="subrow">
          <td colSpan={10}>
            <ErrorNote message={p.store.rowErrors()[a().id]} onDismiss={() => p.store.dismissRowError(a().id)} />
          </td>
        </tr>
      </Show>
      <Show when={transcoding() && a().status === 'ready'}>
        <tr class="subrow">
          <td colSpan={10}>
            <div class="inline-form">
              <span>Transcode <b>{a().name}</b> with</span>
              <select data-testid="preset-select" value={presetId() || usable()[0]?.id || ''} onChange={(e) => setPresetId(e.currentTarget.value)}>
                <For each={usable()}>{(x) => <option value={x.id}>{x.name} ({x.id})</option>}</For>
              </select>
              <TrimFields trim={trim} />
              <button class="btn primary small" data-testid="start-job" disabled={usable().length === 0} onClick={() => void submit()}>
                Start job
              </button>
              <button class="btn ghost small" onClick={() => setTranscoding(false)}>Cancel</button>
              <ErrorNote message={submitError()} />
            </div>
          </td>
        </tr>
      </Show>
      <Show when={confirming()}>
        <tr class="subrow">
          <td colSpan={10}>
            <div class="inline-form confirm">
              <span>Delete the asset record <b>{a().name}</b>? The input file stays.</span>
              <label class="check">
                <input type="checkbox" checked={alsoOutputs()} onChange={(e) => setAlsoOutputs(e.currentTarget.checked)} /> also delete its jobs’ outputs
              </label>
              <button
                class="btn danger small"
                data-testid="confirm-delete"
                onClick={() => {
                  setConfirming(false);
                  void p.store.remove(a().id, alsoOutputs());
                }}
              >
                Delete
              </button>
              <button class="btn ghost small" onClick={() => setConfirming(false)}>Keep it</button>
            </div>
          </td>
        </tr>
      </Show>
    </>
  );
};
