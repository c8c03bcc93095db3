/**
 * A brand list's brands as rows: name, aliases (typed as a comma list, shown
 * as chips), reference images as thumbnails (fetched with the token, shown
 * through object URLs that are revoked), and an image upload that goes
 * through the crop step first.
 */
import { createSignal, For, Index, onCleanup, onMount, Show } from 'solid-js';
import { ErrorNote, FieldError } from '../components/bits.tsx';
import { aliasesOfText, type BrandDraft } from '../brand-import.ts';
import { ParsedInput } from '../schema-fields.tsx';
import type { BrandListsStore } from '../stores/brand-lists.ts';
import { messagesUnder } from '../stores/refusal.ts';
import { ImageCrop } from './image-crop.tsx';

export const BrandRows = (p: { store: BrandListsStore; brands: BrandDraft[] }) => {
  const [cropping, setCropping] = createSignal<{ index: number; image: Blob } | null>(null);
  return (
    <>
      <FieldError for="brands" message={p.store.errors().brands} />
      <ol class="brand-rows">
        <Index each={p.brands}>{(b, i) => <BrandRow store={p.store} brand={b()} index={i} onImage={(image) => setCropping({ index: i, image })} />}</Index>
      </ol>
      <Show when={cropping()}>
        {(c) => (
          <ImageCrop
            image={c().image}
            onCancel={() => setCropping(null)}
            onCrop={(png) => {
              const index = c().index;
              setCropping(null);
              void p.store.uploadImage(index, png);
            }}
          />
        )}
      </Show>
    </>
  );
};

const BrandRow = (p: { store: BrandListsStore; brand: BrandDraft; index: number; onImage: (b: Blob) => void }) => {
  const s = p.store;
  const at = () => `brands[${p.index}]`;
  const err = (f: string) => s.errors()[`${at()}.${f}`];
  const rowOnly = () => messagesUnder(s.errors(), at()).filter(([k]) => k === at());
  const saved = () => !!s.draft()?.id;
  return (
    <li class="brand-row" data-testid="brand-row" data-index={p.index}>
      <label classList={{ invalid: !!err('name') }}>
        Name
        <input
          value={p.brand.name}
          data-testid="brand-name"
          data-field={`${at()}.name`}
          maxLength={100}
          onInput={(e) => s.setBrandName(p.index, e.currentTarget.value)}
        />
        <FieldError for={`${at()}.name`} message={err('name')} />
      </label>
      <div class="brand-aliases" classList={{ invalid: !!err('aliases') }}>
        <label for={`brand-${p.index}-aliases`}>Aliases (comma-separated)</label>
        <ParsedInput
          id={`brand-${p.index}-aliases`}
          data-testid="brand-aliases"
          data-field={`${at()}.aliases`}
          value={p.brand.aliases}
          text={(a) => a.join(', ')}
          parse={aliasesOfText}
          onValue={(a) => s.setAliases(p.index, a)}
        />
        <Show when={p.brand.aliases.length > 0}>
          <span class="chips">
            <For each={p.brand.aliases}>
              {(a) => (
                <span class="chip" data-testid="alias-chip">
                  {a}
                  <button
                    type="button"
                    class="link"
                    aria-label={`Remove alias ${a}`}
                    onClick={() =>
                      s.setAliases(
                        p.index,
                        p.brand.aliases.filter((x) => x !== a),
                      )
                    }
                  >
                    ✕
                  </button>
                </span>
              )}
            </For>
          </span>
        </Show>
        <FieldError for={`${at()}.aliases`} message={err('aliases')} />
      </div>
      <div class="brand-images">
        <For each={p.brand.images}>{(key) => <BrandThumb store={s} imageKey={key} onRemove={() => s.removeImage(p.index, key)} />}</For>
        <label class="btn small" classList={{ disabled: !saved() }} title={saved() ? 'Upload a reference image' : 'Save the list first'}>
          + image
          <input
            type="file"
            accept="image/png,image/jpeg"
            class="sr-only"
            data-testid="upload-brand-image"
            disabled={!saved()}
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              e.currentTarget.value = '';
              if (file) p.onImage(file);
            }}
          />
        </label>
        <FieldError for={`${at()}.images`} message={err('images')} />
        <Show when={s.uploadError()?.index === p.index}>
          <ErrorNote message={s.uploadError()?.message} />
        </Show>
      </div>
      <button
        type="button"
        class="btn small ghost danger remove-brand"
        data-testid="remove-brand"
        onClick={() => s.removeBrand(p.index)}
        aria-label={`Remove brand ${p.index + 1}`}
      >
        ✕
      </button>
      <For each={rowOnly()}>
        {([field, message]) => (
          <span class="field-error" data-error-for={field}>
            {message}
          </span>
        )}
      </For>
    </li>
  );
};

/** A reference image by key: its bytes through the store, shown from an object URL revoked when it goes. */
const BrandThumb = (p: { store: BrandListsStore; imageKey: string; onRemove: () => void }) => {
  const [url, setUrl] = createSignal<string | null>(null);
  const [failed, setFailed] = createSignal(false);
  let alive = true;
  onMount(() => {
    p.store.image(p.imageKey).then(
      (blob) => {
        if (alive) setUrl(URL.createObjectURL(blob));
      },
      () => setFailed(true),
    );
  });
  onCleanup(() => {
    alive = false;
    const u = url();
    if (u) URL.revokeObjectURL(u);
  });
  const name = () => p.imageKey.split('/').pop() ?? p.imageKey;
  return (
    <span class="brand-thumb" data-testid="brand-image" data-key={p.imageKey} title={p.imageKey}>
      <Show when={url()} fallback={<span class="small muted">{failed() ? 'missing' : '…'}</span>}>
        {(u) => <img src={u()} alt={`Reference ${name()}`} />}
      </Show>
      <button type="button" aria-label={`Remove image ${name()}`} onClick={() => p.onRemove()}>
        ✕
      </button>
    </span>
  );
};
