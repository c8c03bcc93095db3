/**
 * The assets page's upload area: drop files or folders on it (or pick them),
 * choose the folder of the input store they go in, and follow a row per
 * file: its progress, speed and parts in flight, cancel and retry, and what
 * it became. Uploads a reload interrupted are listed until their file is
 * dropped again. The work is the uploads store's (stores/uploads.ts).
 */
import { For, Show, createSignal } from 'solid-js';
import { ErrorNote, ProgressBar } from '../components/bits.tsx';
import { bytes, errorText } from '../format.ts';
import { rowText, type UploadRow, type UploadRowStatus, type UploadsStore } from '../stores/uploads.ts';
import { collectDropped, collectPicked, type DropItem, joinFolder } from '../uploads/dropped.ts';

const BAR: Record<UploadRowStatus, string> = {
  waiting: 'queued',
  paused: 'queued',
  sending: 'processing',
  completing: 'processing',
  done: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** A drop's items, read while the drop event lasts: the browser empties its DataTransfer after. */
const itemsOf = (dt: DataTransfer): DropItem[] => {
  const items = [...dt.items].filter((i) => i.kind === 'file');
  if (items.length === 0) return [...dt.files].map((file) => ({ entry: null, file }));
  return items.map((i) => {
    const entry = typeof i.webkitGetAsEntry === 'function' ? i.webkitGetAsEntry() : null;
    return { entry, file: entry?.isDirectory ? null : i.getAsFile() };
  });
};

export const UploadArea = (p: { store: UploadsStore }) => {
  const s = p.store;
  const [over, setOver] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  // dragenter and dragleave fire for every child crossed: count them to know when the pointer has left.
  let depth = 0;
  let filesInput: HTMLInputElement | undefined;
  let folderInput: HTMLInputElement | undefined;

  const take = (read: () => Promise<Parameters<UploadsStore['add']>[0]>) => {
    setError(null);
    read().then(
      (picked) => (picked.length ? s.add(picked) : setError('No video or audio files there.')),
      (e) => setError(errorText(e)),
    );
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    depth = 0;
    setOver(false);
    if (!e.dataTransfer) return;
    const items = itemsOf(e.dataTransfer);
    const target = s.folder();
    take(() => collectDropped(items, target));
  };
  const onPicked = (input: HTMLInputElement) => {
    const files = [...(input.files ?? [])];
    const target = s.folder();
    input.value = ''; // the same file can be picked again
    take(async () => collectPicked(files, target));
  };
  const finished = () => s.rows.some((r) => r.status === 'done' || r.status === 'cancelled');

  return (
    <div class="uploads">
      <section
        class={`drop-zone${over() ? ' over' : ''}`}
        aria-label="Drop files or folders to upload"
        data-testid="upload-drop"
        onDragEnter={(e) => {
          e.preventDefault();
          depth++;
          setOver(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={() => {
          depth = Math.max(0, depth - 1);
          if (depth === 0) setOver(false);
        }}
        onDrop={onDrop}
      >
        <span class="drop-hint">Drop video or audio files or folders here, or</span>
        <button type="button" class="btn small" data-testid="upload-pick" onClick={() => filesInput?.click()}>
          Choose files
        </button>
        <button type="button" class="btn small" data-testid="upload-pick-folder" onClick={() => folderInput?.click()}>
          Choose a folder
        </button>
        <label class="upload-target">
          <span class="muted">into folder</span>
          <input
            type="text"
            data-testid="upload-folder"
            placeholder="(top of the input store)"
            value={s.folder()}
            onInput={(e) => s.setFolder(e.currentTarget.value)}
          />
        </label>
        <input ref={filesInput} type="file" multiple hidden data-testid="upload-input" onChange={(e) => onPicked(e.currentTarget)} />
        <input
          ref={(el) => {
            folderInput = el;
            el.webkitdirectory = true;
          }}
          type="file"
          hidden
          onChange={(e) => onPicked(e.currentTarget)}
        />
      </section>
      <ErrorNote message={error()} onDismiss={() => setError(null)} />
      <Show when={s.rows.length > 0}>
        <ul class="upload-list">
          <For each={s.rows}>{(r) => <UploadRowView row={r} store={s} />}</For>
        </ul>
        <Show when={finished()}>
          <button type="button" class="btn small ghost" data-testid="upload-clear" onClick={() => s.clearFinished()}>
            Clear finished
          </button>
        </Show>
      </Show>
    </div>
  );
};

const UploadRowView = (p: { row: UploadRow; store: UploadsStore }) => {
  const r = () => p.row;
  const percent = () => (r().status === 'done' ? 100 : r().size > 0 ? (r().sent / r().size) * 100 : 0);
  const live = () => r().status === 'sending';
  return (
    <li class={`upload-row upload-${r().status}`} data-testid="upload-row" data-status={r().status} data-name={r().name}>
      <span class="upload-name mono" title={joinFolder(r().folder, r().name)}>
        <Show when={r().folder}>
          <span class="muted">{r().folder}/</span>
        </Show>
        {r().name}
      </span>
      <ProgressBar percent={percent()} status={BAR[r().status]} compact />
      <span class="upload-figures muted small">
        {bytes(r().sent)} of {bytes(r().size)}
        <Show when={live() && r().inFlight > 0}>
          {' '}
          · {r().inFlight} {r().inFlight === 1 ? 'part' : 'parts'} in flight
        </Show>
        <Show when={live() && r().bytesPerSecond}>{(bps) => ` · ${bytes(Math.round(bps()))}/s`}</Show>
      </span>
      <span class={`upload-status${r().status === 'failed' || r().result?.status === 'invalid' ? ' bad' : ''}`} data-testid="upload-status">
        {rowText(r())}
      </span>
      <span class="upload-actions">
        <Show when={r().status === 'failed'}>
          <button type="button" class="btn small" data-testid="upload-retry" onClick={() => p.store.retry(r().id)}>
            Retry
          </button>
        </Show>
        <Show when={r().status === 'waiting' || r().status === 'sending' || r().status === 'failed' || r().status === 'paused'}>
          <button type="button" class="btn small danger ghost" data-testid="upload-cancel" onClick={() => void p.store.cancel(r().id)}>
            {r().status === 'paused' ? 'Discard' : 'Cancel'}
          </button>
        </Show>
      </span>
    </li>
  );
};
