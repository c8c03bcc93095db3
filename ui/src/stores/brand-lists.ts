/**
 * Brand lists: the lists a page at a time, and one open in the editor as a
 * draft (its name and brands, each with aliases and reference images). A
 * paste or file imports brands (brand-import.ts); a cropped image uploads to
 * the list and its key joins the brand's images. The draft is checked as the
 * server checks it once Save was pressed; a refusal shows at its field.
 */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import type { BrandList } from '../detect-api.ts';
import { type BrandDraft, mergeBrands, parseBrandText, validateBrandList } from '../brand-import.ts';
import { errorText } from '../format.ts';
import { createPagedList } from './paged.ts';
import { createFormCheck } from './form-check.ts';

export type BrandListsApi = Pick<Api, 'detect'>;

export const BRAND_LISTS_PAGE = 50;

export interface ListDraft {
  /** null until it is first saved. */
  id: string | null;
  name: string;
  brands: BrandDraft[];
}

const blank = (): BrandDraft => ({ name: '', aliases: [], images: [] });

const draftOf = (l: BrandList): ListDraft => ({
  id: l.id,
  name: l.name,
  brands: l.brands.map((b) => ({ name: b.name, aliases: [...b.aliases], images: [...b.images] })),
});

/** Where the form shows a message about `field` (an alias's at the aliases, an image's at the images), or null. */
const placeOf = (field: string, d: ListDraft): string | null => {
  if (field === 'name' || field === 'brands') return field;
  const m = /^brands\[(\d+)\](?:\.(name|aliases|images))?/.exec(field);
  if (!m || Number(m[1]) >= d.brands.length) return null;
  return m[2] ? `brands[${m[1]}].${m[2]}` : `brands[${m[1]}]`;
};

export const createBrandListsStore = (api: BrandListsApi, pageSize = BRAND_LISTS_PAGE) => {
  const d = api.detect;
  const list = createPagedList<BrandList>((limit, offset) => d.brandLists({ limit, offset }), pageSize);
  const [draft, setDraftRaw] = createSignal<ListDraft | null>(null);
  const [opening, setOpening] = createSignal(false);
  const form = createFormCheck();
  const [formError, setFormError] = createSignal<string | null>(null);
  const [importError, setImportError] = createSignal<string | null>(null);
  const [uploadError, setUploadError] = createSignal<{ index: number; message: string } | null>(null);
  const [savedAt, setSavedAt] = createSignal<string | null>(null);
  /** Image bytes by key: what was uploaded here, or fetched once. */
  const images = new Map<string, Promise<Blob>>();

  const reset = (next: ListDraft | null) => {
    setDraftRaw(next);
    form.clear();
    setFormError(null);
    setImportError(null);
    setUploadError(null);
  };

  const edit = (f: (dr: ListDraft) => ListDraft) => {
    const dr = draft();
    if (!dr) return;
    setDraftRaw(f(dr));
    form.setServerErrors({});
  };
  const editBrand = (index: number, f: (b: BrandDraft) => BrandDraft) => edit((dr) => ({ ...dr, brands: dr.brands.map((b, i) => (i === index ? f(b) : b)) }));

  const clientErrors = () => {
    const dr = draft();
    return dr ? validateBrandList(dr.name, dr.brands) : {};
  };

  const put = (l: BrandList) => {
    const rows = list.items();
    if (rows.some((x) => x.id === l.id)) list.setItems(rows.map((x) => (x.id === l.id ? l : x)));
    else {
      list.setItems([l, ...rows]);
      list.setTotal((t) => t + 1);
    }
  };

  return {
    ...list,
    draft,
    opening,
    savedAt,
    /** Opens a saved list in the editor. */
    open: async (id: string): Promise<void> => {
      setOpening(true);
      try {
        const l = await d.brandList(id);
        reset(draftOf(l));
        setSavedAt(l.updatedAt);
      } catch (e) {
        reset(null);
        setFormError(errorText(e));
      } finally {
        setOpening(false);
      }
    },
    /** An empty list, not saved yet (images can be added once it is). */
    newList: () => {
      reset({ id: null, name: '', brands: [blank()] });
      setSavedAt(null);
    },
    close: () => reset(null),

    setName: (name: string) => edit((dr) => ({ ...dr, name })),
    addBrand: () => edit((dr) => ({ ...dr, brands: [...dr.brands, blank()] })),
    removeBrand: (index: number) => edit((dr) => ({ ...dr, brands: dr.brands.filter((_, i) => i !== index) })),
    setBrandName: (index: number, name: string) => editBrand(index, (b) => ({ ...b, name })),
    setAliases: (index: number, aliases: string[]) => editBrand(index, (b) => ({ ...b, aliases })),
    removeImage: (index: number, key: string) => editBrand(index, (b) => ({ ...b, images: b.images.filter((k) => k !== key) })),

    importError,
    /** Brands from a paste or file: `replace` the list's, or `add` to them. */
    importText: (text: string, mode: 'replace' | 'add'): boolean => {
      const got = parseBrandText(text);
      if ('error' in got) {
        setImportError(got.error);
        return false;
      }
      setImportError(null);
      edit((dr) => ({ ...dr, brands: mergeBrands(dr.brands, got.brands, mode) }));
      return true;
    },

    uploadError,
    /** Uploads a reference image for brand `index`; its key joins that brand's images (saved with the list). */
    uploadImage: async (index: number, png: Blob): Promise<boolean> => {
      const id = draft()?.id;
      if (!id) {
        setUploadError({ index, message: 'Save the list first: images are stored with it.' });
        return false;
      }
      setUploadError(null);
      try {
        const { key } = await d.uploadBrandImage(id, png);
        images.set(key, Promise.resolve(png));
        editBrand(index, (b) => ({ ...b, images: [...b.images, key] }));
        return true;
      } catch (e) {
        setUploadError({ index, message: errorText(e) });
        return false;
      }
    },
    /** A reference image's bytes (fetched once per key). */
    image: (key: string): Promise<Blob> => {
      const id = draft()?.id;
      let got = images.get(key);
      if (!got) {
        if (!id) return Promise.reject(new Error('This list is not saved yet.'));
        got = d.brandImage(id, key);
        images.set(key, got);
        got.catch(() => images.delete(key));
      }
      return got;
    },

    errors: () => form.errors(clientErrors),
    formError,
    saving: form.saving,
    save: async (): Promise<boolean> => {
      const dr = draft();
      if (!dr) return false;
      const body = { name: dr.name.trim(), brands: dr.brands.map((b) => ({ name: b.name.trim(), aliases: b.aliases, images: b.images })) };
      const saved = await form.submit({
        problems: validateBrandList(dr.name, dr.brands),
        send: () => (dr.id ? d.updateBrandList(dr.id, body) : d.createBrandList(body)),
        saved: (l) => {
          put(l);
          reset(draftOf(l));
          setSavedAt(l.updatedAt);
        },
        place: (f) => placeOf(f, dr),
        general: setFormError,
      });
      return saved !== null;
    },
    remove: async (): Promise<boolean> => {
      const id = draft()?.id;
      if (!id) return false;
      setFormError(null);
      try {
        await d.deleteBrandList(id);
        list.setItems(list.items().filter((x) => x.id !== id));
        list.setTotal((t) => Math.max(0, t - 1));
        reset(null);
        return true;
      } catch (e) {
        setFormError(errorText(e));
        return false;
      }
    },
  };
};

export type BrandListsStore = ReturnType<typeof createBrandListsStore>;
