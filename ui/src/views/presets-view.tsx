import { For, Index, Show, createSignal } from 'solid-js';
import { ErrorNote, Empty, FieldError, Loading } from '../components/bits.tsx';
import { bitrate } from '../format.ts';
import { fieldMatches, type PresetDraft, type PresetsStore } from '../stores/presets.ts';
import type { Preset, PresetOutput, Rung } from '../types.ts';

const blank = (): PresetDraft => ({
  id: '',
  name: '',
  description: '',
  output: 'hls',
  video: { codec: 'h264', encoderPreset: 'veryfast', rungs: [{ name: '360p', height: 360, videoBitrate: 800_000 }, { name: '720p', height: 720, videoBitrate: 2_500_000 }], maxFps: 60 },
  audio: { codec: 'aac', bitrate: 128_000, channels: 2, sampleRate: 48_000 },
  segmentSeconds: 6,
  thumbnails: { intervalSeconds: 2, width: 160, columns: 10, rows: 10, maxCount: 400 },
});

const X264_PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'] as const;

const THUMB_FIELDS = [
  ['width', 'Thumbnail width (px)'],
  ['columns', 'Sprite columns'],
  ['rows', 'Sprite rows'],
  ['maxCount', 'Max thumbnails'],
] as const;

const draftOf = (p: Preset): PresetDraft => {
  const { builtin: _b, ...rest } = structuredClone(p);
  return rest;
};

export const PresetsView = (p: { store: PresetsStore }) => {
  const s = p.store;
  const [draft, setDraft] = createSignal<PresetDraft | null>(null);
  const [isNew, setIsNew] = createSignal(true);
  const edit = (x: Preset) => {
    s.clearFormError();
    setIsNew(false);
    setDraft(draftOf(x));
  };
  const create = (from?: Preset) => {
    s.clearFormError();
    setIsNew(true);
    setDraft(from ? { ...draftOf(from), id: `${from.id}-copy`, name: `${from.name} (copy)` } : blank());
  };
  return (
    <section class="page">
      <div class="page-head">
        <h1>Presets</h1>
        <span class="muted">{s.items().length} presets</span>
        <div class="spacer" />
        <button class="btn primary" data-testid="new-preset" onClick={() => create()}>New preset</button>
      </div>
      <ErrorNote message={s.error()} onDismiss={s.clearError} />
      <div class="grid-2">
        <div class="col">
          <Show when={s.loaded()} fallback={<Loading />}>
            <Show when={s.items().length > 0} fallback={<Empty>No presets.</Empty>}>
              <table class="table stack">
                <thead>
                  <tr>
                    <th>Preset</th>
                    <th>Output</th>
                    <th>Rungs</th>
                    <th>Audio</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  <For each={s.items()}>
                    {(x) => (
                      <tr data-testid="preset-row" data-id={x.id} class={draft()?.id === x.id && !isNew() ? 'selected' : ''}>
                        <td class="preset-cell">
                          <div>
                            <b>{x.name}</b> <Show when={x.builtin}><span class="badge badge-builtin" title="Built-in presets are read-only">built-in</span></Show>
                          </div>
                          <div class="small muted mono">{x.id}</div>
                          <div class="small muted">{x.description}</div>
                        </td>
                        <td data-label="Output">{x.output}</td>
                        <td class="small" data-label="Rungs">{x.video?.rungs.map((r) => r.name || `${r.height}p`).join(' · ') ?? '—'}</td>
                        <td class="small" data-label="Audio">{x.audio ? bitrate(x.audio.bitrate) : '—'}</td>
                        <td class="actions">
                          <Show when={!x.builtin} fallback={<button class="btn small ghost" onClick={() => create(x)}>Duplicate</button>}>
                            <button class="btn small" onClick={() => edit(x)}>Edit</button>
                            <button
                              class="btn small ghost danger"
                              onClick={() => {
                                if (confirm(`Delete the preset “${x.name}”?`)) void s.remove(x.id);
                              }}
                            >
                              Delete
                            </button>
                          </Show>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
          </Show>
        </div>
        <div class="col">
          <Show when={draft()} fallback={<Empty>Choose a preset to edit, duplicate a built-in one, or create a new one.</Empty>}>
            {(d) => <PresetForm draft={d()} isNew={isNew()} store={s} onChange={setDraft} onDone={() => setDraft(null)} />}
          </Show>
        </div>
      </div>
    </section>
  );
};

const PresetForm = (p: { draft: PresetDraft; isNew: boolean; store: PresetsStore; onChange: (d: PresetDraft) => void; onDone: () => void }) => {
  const d = () => p.draft;
  const issues = () => p.store.formError()?.issues ?? [];
  const bad = (path: string) => issues().some((i) => fieldMatches(i.field, path));
  /** An issue names the whole section (`audio: …`) or list, not one of its fields. */
  const whole = (path: string) => issues().some((i) => i.field === path);
  /** A rung's cell: its own issue or its row's, not the whole list's (that one marks the fieldset). */
  const cell = (path: string) => issues().some((i) => i.field !== null && (i.field === path || path.startsWith(`${i.field}.`)));
  /** The sentences about exactly this path, shown under its input. */
  const msg = (path: string) => issues().filter((i) => i.field === path).map((i) => i.message).join(' ') || null;
  const set = (patch: Partial<PresetDraft>) => p.onChange({ ...d(), ...patch });
  const num = (v: string) => (v.trim() === '' ? Number.NaN : Number(v));
  const setRung = (i: number, patch: Partial<{ height: number; videoBitrate: number; name: string }>) => {
    const v = d().video;
    if (!v) return;
    const rungs = v.rungs.map((r, j) => (j === i ? { ...r, ...patch } : r));
    set({ video: { ...v, rungs } });
  };
  const setOutput = (output: PresetOutput) => {
    const b = blank();
    set({
      output,
      video: output === 'audio' ? null : d().video ?? b.video,
      audio: output === 'thumbnails' ? null : d().audio ?? b.audio,
      thumbnails: output === 'hls' || output === 'thumbnails' ? d().thumbnails ?? b.thumbnails : d().thumbnails,
    });
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    // A blank rung name is left out, so the server names the rung `${height}p`.
    const v = d().video;
    const body: PresetDraft = v
      ? { ...d(), video: { ...v, rungs: v.rungs.map((r) => (r.name.trim() === '' ? ({ height: r.height, videoBitrate: r.videoBitrate } as Rung) : { ...r, name: r.name.trim() })) } }
      : d();
    if (await p.store.save(body, p.isNew)) p.onDone();
  };
  return (
    <form class="card preset-form" onSubmit={submit} data-testid="preset-form" novalidate>
      <h2>{p.isNew ? 'New preset' : `Edit ${d().id}`}</h2>
      <ErrorNote message={p.store.formError()?.message} />
      <div class="form-grid">
        <label classList={{ invalid: bad('id') }}>
          Id
          <input value={d().id} disabled={!p.isNew} onInput={(e) => set({ id: e.currentTarget.value })} data-field="id" placeholder="my-preset" />
          <FieldError for="id" message={msg('id')} />
        </label>
        <label classList={{ invalid: bad('name') }}>
          Name
          <input value={d().name} onInput={(e) => set({ name: e.currentTarget.value })} data-field="name" />
          <FieldError for="name" message={msg('name')} />
        </label>
        <label class="span-2" classList={{ invalid: bad('description') }}>
          Description
          <input value={d().description} onInput={(e) => set({ description: e.currentTarget.value })} data-field="description" />
          <FieldError for="description" message={msg('description')} />
        </label>
        <label classList={{ invalid: bad('output') }}>
          Output
          <select value={d().output} onChange={(e) => setOutput(e.currentTarget.value as PresetOutput)} data-field="output">
            <option value="hls">hls</option>
            <option value="mp4">mp4</option>
            <option value="audio">audio</option>
            <option value="thumbnails">thumbnails</option>
          </select>
          <FieldError for="output" message={msg('output')} />
        </label>
        <label classList={{ invalid: bad('segmentSeconds') }}>
          Segment seconds
          <input type="number" step="any" value={d().segmentSeconds} onInput={(e) => set({ segmentSeconds: num(e.currentTarget.value) })} data-field="segmentSeconds" />
          <FieldError for="segmentSeconds" message={msg('segmentSeconds')} />
        </label>
        <Show when={d().video}>
          {(v) => (
            <>
              <label classList={{ invalid: bad('video.encoderPreset') || whole('video') }}>
                Encoder preset
                <select value={v().encoderPreset} onChange={(e) => set({ video: { ...v(), encoderPreset: e.currentTarget.value } })} data-field="video.encoderPreset">
                  <For each={X264_PRESETS}>{(x) => <option value={x}>{x}</option>}</For>
                </select>
                <FieldError for="video.encoderPreset" message={msg('video.encoderPreset')} />
                <FieldError for="video" message={msg('video')} />
              </label>
              <label classList={{ invalid: bad('video.maxFps') }}>
                Max fps
                <input type="number" step="any" value={v().maxFps} onInput={(e) => set({ video: { ...v(), maxFps: num(e.currentTarget.value) } })} data-field="video.maxFps" />
                <FieldError for="video.maxFps" message={msg('video.maxFps')} />
              </label>
            </>
          )}
        </Show>
        <Show when={d().audio}>
          {(a) => (
            <>
              <label classList={{ invalid: bad('audio.bitrate') || whole('audio') }}>
                Audio bitrate (b/s)
                <input type="number" value={a().bitrate} onInput={(e) => set({ audio: { ...a(), bitrate: num(e.currentTarget.value) } })} data-field="audio.bitrate" />
                <FieldError for="audio.bitrate" message={msg('audio.bitrate')} />
                <FieldError for="audio" message={msg('audio')} />
              </label>
              <label classList={{ invalid: bad('audio.channels') }}>
                Audio channels
                <select value={String(a().channels)} onChange={(e) => set({ audio: { ...a(), channels: Number(e.currentTarget.value) } })} data-field="audio.channels">
                  <option value="1">1 (mono)</option>
                  <option value="2">2 (stereo)</option>
                </select>
                <FieldError for="audio.channels" message={msg('audio.channels')} />
              </label>
              <label classList={{ invalid: bad('audio.sampleRate') }}>
                Sample rate (Hz)
                <select value={String(a().sampleRate)} onChange={(e) => set({ audio: { ...a(), sampleRate: Number(e.currentTarget.value) } })} data-field="audio.sampleRate">
                  <option value="44100">44100</option>
                  <option value="48000">48000</option>
                </select>
                <FieldError for="audio.sampleRate" message={msg('audio.sampleRate')} />
              </label>
            </>
          )}
        </Show>
        <Show when={d().thumbnails}>
          {(t) => (
            <label classList={{ invalid: bad('thumbnails.intervalSeconds') || whole('thumbnails') }}>
              Thumbnail interval (s)
              <input
                type="number"
                step="any"
                value={t().intervalSeconds}
                onInput={(e) => set({ thumbnails: { ...t(), intervalSeconds: num(e.currentTarget.value) } })}
                data-field="thumbnails.intervalSeconds"
              />
              <FieldError for="thumbnails.intervalSeconds" message={msg('thumbnails.intervalSeconds')} />
              <FieldError for="thumbnails" message={msg('thumbnails')} />
            </label>
          )}
        </Show>
        <Show when={d().thumbnails}>
          {(t) => (
            <For each={THUMB_FIELDS}>
              {([key, label]) => (
                <label classList={{ invalid: bad(`thumbnails.${key}`) }}>
                  {label}
                  <input type="number" value={t()[key]} onInput={(e) => set({ thumbnails: { ...t(), [key]: num(e.currentTarget.value) } })} data-field={`thumbnails.${key}`} />
                  <FieldError for={`thumbnails.${key}`} message={msg(`thumbnails.${key}`)} />
                </label>
              )}
            </For>
          )}
        </Show>
      </div>
      <Show when={d().video}>
        {(v) => (
          <fieldset classList={{ invalid: whole('video.rungs') }}>
            <legend>Video rungs</legend>
            <FieldError for="video.rungs" message={msg('video.rungs')} />
            <table class="table compact">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Height</th>
                  <th>Bitrate (b/s)</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                <Index each={v().rungs}>
                  {(r, i) => (
                    <>
                    <tr classList={{ invalid: whole(`video.rungs[${i}]`) }}>
                      <td classList={{ invalid: cell(`video.rungs[${i}].name`) }}>
                        <input
                          value={r().name ?? ''}
                          placeholder={`${r().height}p`}
                          onInput={(e) => setRung(i, { name: e.currentTarget.value })}
                          data-field={`video.rungs[${i}].name`}
                        />
                        <FieldError for={`video.rungs[${i}].name`} message={msg(`video.rungs[${i}].name`)} />
                      </td>
                      <td classList={{ invalid: cell(`video.rungs[${i}].height`) }}>
                        <input type="number" value={r().height} onInput={(e) => setRung(i, { height: num(e.currentTarget.value) })} data-field={`video.rungs[${i}].height`} />
                        <FieldError for={`video.rungs[${i}].height`} message={msg(`video.rungs[${i}].height`)} />
                      </td>
                      <td classList={{ invalid: cell(`video.rungs[${i}].videoBitrate`) }}>
                        <input
                          type="number"
                          value={r().videoBitrate}
                          onInput={(e) => setRung(i, { videoBitrate: num(e.currentTarget.value) })}
                          data-field={`video.rungs[${i}].videoBitrate`}
                        />
                        <FieldError for={`video.rungs[${i}].videoBitrate`} message={msg(`video.rungs[${i}].videoBitrate`)} />
                      </td>
                      <td>
                        <button type="button" class="btn small ghost" title="Remove this rung" onClick={() => set({ video: { ...v(), rungs: v().rungs.filter((_, j) => j !== i) } })}>
                          ✕
                        </button>
                      </td>
                    </tr>
                    <Show when={msg(`video.rungs[${i}]`)}>
                      <tr class="field-error-row">
                        <td colSpan={4}>
                          <FieldError for={`video.rungs[${i}]`} message={msg(`video.rungs[${i}]`)} />
                        </td>
                      </tr>
                    </Show>
                    </>
                  )}
                </Index>
              </tbody>
            </table>
            <button
              type="button"
              class="btn small"
              onClick={() => {
                const last = v().rungs.at(-1);
                const height = last ? last.height * 2 : 360;
                set({ video: { ...v(), rungs: [...v().rungs, { name: `${height}p`, height, videoBitrate: last ? last.videoBitrate * 2 : 800_000 }] } });
              }}
            >
              Add rung
            </button>
          </fieldset>
        )}
      </Show>
      <div class="row">
        <button class="btn primary" type="submit" disabled={p.store.saving()} data-testid="save-preset">
          {p.store.saving() ? 'Saving…' : p.isNew ? 'Create' : 'Save'}
        </button>
        <button class="btn ghost" type="button" onClick={() => p.onDone()}>Cancel</button>
      </div>
    </form>
  );
};
