/**
 * One asset in the assets table (assets-view.tsx): its row, with the comment
 * edited in place, and the rows that open under it: its error, the
 * transcode form, the delete confirmation. The forms' inputs live as long as
 * the row, so closing and reopening one keeps what was typed.
 */
import { For, Show, createSignal } from 'solid-js';
import { ErrorNote, StatusBadge } from '../components/bits.tsx';
import { TrimFields, createTrim } from '../components/trim-fields.tsx';
import { useApp } from '../context.ts';
import { bytes, duration, errorText, resolution } from '../format.ts';
import { folderOf } from '../names.ts';
import type { AssetsStore } from '../stores/assets.ts';
import type { Asset } from '../types.ts';

export const AssetRow = (p: { asset: Asset; store: AssetsStore }) => {
  const [confirming, setConfirming] = createSignal(false);
  const [alsoOutputs, setAlsoOutputs] = createSignal(false);
  const [transcoding, setTranscoding] = createSignal(false);
  const form = createTranscodeForm(() => p.asset);
  const a = () => p.asset;
  const dim = () => a().status === 'invalid' || a().status === 'missing';
  return (
    <>
      <tr data-testid="asset-row" data-id={a().id} data-status={a().status} class={dim() ? 'row-dim' : ''}>
        <AssetCells asset={a()} dim={dim()} />
        <CommentCell comment={a().comment} onSave={(value) => void p.store.setComment(a().id, value)} />
        <td class="actions">
          <Show when={a().status === 'ready'}>
            <button type="button" class="btn small" data-testid="transcode" onClick={() => setTranscoding(!transcoding())}>
              Transcode
            </button>
          </Show>
          <button type="button" class="btn small danger ghost" data-testid="delete" onClick={() => setConfirming(true)}>
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
        <TranscodeRow name={a().name} form={form} onCancel={() => setTranscoding(false)} />
      </Show>
      <Show when={confirming()}>
        <DeleteRow
          name={a().name}
          alsoOutputs={alsoOutputs()}
          onAlsoOutputs={setAlsoOutputs}
          onDelete={() => {
            setConfirming(false);
            void p.store.remove(a().id, alsoOutputs());
          }}
          onKeep={() => setConfirming(false)}
        />
      </Show>
    </>
  );
};

/** What the scan found out about the file: name, folder, kind, duration, resolution, codecs, size, status. */
const AssetCells = (p: { asset: Asset; dim: boolean }) => {
  const a = () => p.asset;
  return (
    <>
      <td class="name" title={a().key} data-label="Name">
        {a().name}
      </td>
      <td class="folder small" data-label="Folder" data-testid="asset-folder" title={folderOf(a()) || 'the root of the input store'}>
        {folderOf(a()) || <span class="muted">/</span>}
      </td>
      <td data-label="Kind">{a().kind ?? '—'}</td>
      <td class="num" data-label="Duration">
        {duration(a().duration)}
      </td>
      <td data-label="Resolution">{resolution(a().width, a().height)}</td>
      <td class="mono small" data-label="Codecs">
        {[a().videoCodec, a().audioCodec].filter(Boolean).join(' / ') || '—'}
      </td>
      <td class="num" data-label="Size">
        {bytes(a().size)}
      </td>
      <td data-label="Status">
        <StatusBadge status={a().status} title={a().reason ?? undefined} />
        <Show when={p.dim && a().reason}>
          <div class="reason">{a().reason}</div>
        </Show>
      </td>
    </>
  );
};

/** The comment as a button; clicked, an input that saves on Enter or on leaving it, and gives up on Escape. */
const CommentCell = (p: { comment: string; onSave: (value: string) => void }) => {
  const [editing, setEditing] = createSignal(false);
  const save = (value: string) => {
    setEditing(false);
    p.onSave(value);
  };
  return (
    <td class="comment-cell" data-label="Comment">
      <Show
        when={editing()}
        fallback={
          <button type="button" class="comment" title="Edit the comment" data-testid="comment" onClick={() => setEditing(true)}>
            {p.comment || <span class="muted">add a comment</span>}
          </button>
        }
      >
        <input
          class="comment-input"
          data-testid="comment-input"
          value={p.comment}
          ref={(el) => queueMicrotask(() => el.focus())}
          onKeyDown={(e) => {
            if (e.key === 'Enter') save(e.currentTarget.value);
            if (e.key === 'Escape') setEditing(false);
          }}
          onBlur={(e) => editing() && save(e.currentTarget.value)}
        />
      </Show>
    </td>
  );
};

/** The transcode form's state: the preset picked (the first usable one until then), the trim, and a refusal. */
const createTranscodeForm = (asset: () => Asset) => {
  const { presets, api, go } = useApp();
  const [presetId, setPresetId] = createSignal('');
  const [submitError, setSubmitError] = createSignal<string | null>(null);
  /** An audio file can only be made into audio. */
  const usable = () => presets.items().filter((x) => (asset().kind === 'audio' ? x.output === 'audio' : true));
  const trim = createTrim(() => asset().duration);

  /** Starts the job and opens it; a trim field that is wrong is marked instead. */
  const submit = async () => {
    const preset = presetId() || usable()[0]?.id;
    if (!preset) return;
    const range = trim.take();
    if (range === false) return;
    setSubmitError(null);
    try {
      const job = await api.createJob(asset().id, preset, range);
      go({ name: 'job', id: job.id });
    } catch (e) {
      setSubmitError(errorText(e));
    }
  };
  return { presetId, setPresetId, submitError, usable, trim, submit };
};

const TranscodeRow = (p: { name: string; form: ReturnType<typeof createTranscodeForm>; onCancel: () => void }) => {
  const f = p.form;
  return (
    <tr class="subrow">
      <td colSpan={10}>
        <div class="inline-form">
          <span>
            Transcode <b>{p.name}</b> with
          </span>
          <select data-testid="preset-select" value={f.presetId() || f.usable()[0]?.id || ''} onChange={(e) => f.setPresetId(e.currentTarget.value)}>
            <For each={f.usable()}>
              {(x) => (
                <option value={x.id}>
                  {x.name} ({x.id})
                </option>
              )}
            </For>
          </select>
          <TrimFields trim={f.trim} />
          <button type="button" class="btn primary small" data-testid="start-job" disabled={f.usable().length === 0} onClick={() => void f.submit()}>
            Start job
          </button>
          <button type="button" class="btn ghost small" onClick={() => p.onCancel()}>
            Cancel
          </button>
          <ErrorNote message={f.submitError()} />
        </div>
      </td>
    </tr>
  );
};

/** The asset record goes; the input file stays, and its jobs' outputs too unless asked. */
const DeleteRow = (p: { name: string; alsoOutputs: boolean; onAlsoOutputs: (v: boolean) => void; onDelete: () => void; onKeep: () => void }) => (
  <tr class="subrow">
    <td colSpan={10}>
      <div class="inline-form confirm">
        <span>
          Delete the asset record <b>{p.name}</b>? The input file stays.
        </span>
        <label class="check">
          <input type="checkbox" checked={p.alsoOutputs} onChange={(e) => p.onAlsoOutputs(e.currentTarget.checked)} /> also delete its jobs’ outputs
        </label>
        <button type="button" class="btn danger small" data-testid="confirm-delete" onClick={() => p.onDelete()}>
          Delete
        </button>
        <button type="button" class="btn ghost small" onClick={() => p.onKeep()}>
          Keep it
        </button>
      </div>
    </td>
  </tr>
);
