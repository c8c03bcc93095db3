/** Component tests for the brand list editor (DOM: happy-dom; ui/test/run-dom.sh). */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { fakeBrandLists, refused } from '../../test/detect-setup-fixtures.ts';
import { createBrandListsStore } from '../stores/brand-lists.ts';
import { BrandListEditor } from './brand-list-editor.tsx';

const real = { createObjectURL: URL.createObjectURL, revokeObjectURL: URL.revokeObjectURL, createImageBitmap: globalThis.createImageBitmap };
const real2d = { getContext: HTMLCanvasElement.prototype.getContext, toBlob: HTMLCanvasElement.prototype.toBlob };
let revoked: string[] = [];
let n = 0;

beforeEach(() => {
  revoked = [];
  URL.createObjectURL = () => `blob:thumb-${++n}`;
  URL.revokeObjectURL = (u: string) => void revoked.push(u);
  globalThis.createImageBitmap = (async () => ({ width: 100, height: 50, close: () => {} })) as unknown as typeof createImageBitmap;
  HTMLCanvasElement.prototype.getContext = (() => ({ clearRect() {}, fillRect() {}, strokeRect() {}, drawImage() {} })) as unknown as typeof real2d.getContext;
  HTMLCanvasElement.prototype.toBlob = function (this: HTMLCanvasElement, cb: BlobCallback) {
    cb(new Blob([`${this.width}x${this.height}`], { type: 'image/png' }));
  };
});
afterEach(() => {
  Object.assign(URL, { createObjectURL: real.createObjectURL, revokeObjectURL: real.revokeObjectURL });
  globalThis.createImageBitmap = real.createImageBitmap;
  Object.assign(HTMLCanvasElement.prototype, real2d);
});

const mount = async (over: Parameters<typeof fakeBrandLists>[0] = {}) => {
  const fake = fakeBrandLists(over);
  const store = createBrandListsStore(fake.api);
  await store.load();
  return { ...render(() => <BrandListEditor store={store} />), ...fake, store };
};

const q = (root: ParentNode, sel: string) => root.querySelector(sel) as HTMLElement;
const all = (root: ParentNode, sel: string) => [...root.querySelectorAll(sel)] as HTMLElement[];
const field = (root: ParentNode, path: string) => q(root, `[data-field="${path}"]`) as HTMLInputElement;
const errorFor = (root: ParentNode, path: string) => root.querySelector(`[data-error-for="${path}"]`)?.textContent ?? null;
const type = (el: Element, value: string) => fireEvent.input(el, { target: { value } });

const openB1 = async (container: HTMLElement) => {
  fireEvent.click(q(container, '[data-testid="brand-list-row"][data-id="b1"] button'));
  await waitFor(() => expect(all(container, '[data-testid="brand-row"]').length).toBe(2));
};

describe('brand list editor', () => {
  test("a list's brands as rows: names, aliases as chips, images as thumbnails from object URLs revoked when they go", async () => {
    const { container, callsOf } = await mount();
    await openB1(container);
    expect(field(container, 'brands[0].name').value).toBe('Zantora');
    expect(field(container, 'brands[0].aliases').value).toBe('ZNT');
    expect(all(container, '[data-testid="brand-row"][data-index="0"] [data-testid="alias-chip"]').map((c) => c.firstChild!.textContent)).toEqual(['ZNT']);
    await waitFor(() => expect(q(container, '[data-testid="brand-image"] img')?.getAttribute('src')).toBe(`blob:thumb-${n}`));
    expect(callsOf('brandImage')).toEqual([['b1', 'brands/b1/zantora.png']]);
    const url = q(container, '[data-testid="brand-image"] img').getAttribute('src')!;
    fireEvent.click(q(container, '[aria-label="Remove image zantora.png"]'));
    expect(q(container, '[data-testid="brand-image"]')).toBeNull();
    expect(revoked).toEqual([url]);
  });

  test('add and remove brands, aliases typed as a comma list; Save sends the list', async () => {
    const { container, callsOf } = await mount();
    await openB1(container);
    type(field(container, 'brands[1].aliases'), 'KLV, Kel ;');
    expect(all(container, '[data-testid="brand-row"][data-index="1"] [data-testid="alias-chip"]').length).toBe(2);
    fireEvent.click(q(container, '[data-testid="add-brand"]'));
    type(field(container, 'brands[2].name'), 'Norda');
    fireEvent.click(q(container, '[data-testid="brand-row"][data-index="0"] [data-testid="remove-brand"]'));
    fireEvent.click(q(container, '[data-testid="save-brand-list"]'));
    await waitFor(() => expect(callsOf('updateBrandList').length).toBe(1));
    expect(callsOf('updateBrandList')[0]).toEqual([
      'b1',
      {
        name: 'Premier sponsors',
        brands: [
          { name: 'Kelvio', aliases: ['KLV', 'Kel'], images: [] },
          { name: 'Norda', aliases: [], images: [] },
        ],
      },
    ]);
  });

  test('a new list: checked at the fields first, then created; images wait until it is saved', async () => {
    const { container, callsOf } = await mount();
    fireEvent.click(q(container, '[data-testid="new-brand-list"]'));
    expect((q(container, '[data-testid="upload-brand-image"]') as HTMLInputElement).disabled).toBe(true);
    type(field(container, 'brands[0].name'), 'Zantora');
    fireEvent.click(q(container, '[data-testid="add-brand"]'));
    type(field(container, 'brands[1].name'), 'ZANTORA');
    fireEvent.click(q(container, '[data-testid="save-brand-list"]'));
    await Promise.resolve();
    expect(errorFor(container, 'name')).toBe('Give the list a name.');
    expect(errorFor(container, 'brands[1].name')).toBe('Spelled like "Zantora": one spelling belongs to one brand only.');
    expect(callsOf('createBrandList')).toEqual([]);
    type(field(container, 'name'), 'Cup');
    type(field(container, 'brands[1].name'), 'Kelvio');
    fireEvent.click(q(container, '[data-testid="save-brand-list"]'));
    await waitFor(() => expect(q(container, '[data-testid="brand-list-row"][data-id="b-new"]')).not.toBeNull());
    expect((q(container, '[data-testid="upload-brand-image"]') as HTMLInputElement).disabled).toBe(false);
  });

  test('import: a CSV paste adds to the brands, a JSON one replaces them; a bad paste says why', async () => {
    const { container } = await mount();
    await openB1(container);
    const text = q(container, '[data-testid="import-text"]') as HTMLTextAreaElement;
    type(text, '[{');
    fireEvent.click(q(container, '[data-testid="import-brands"]'));
    expect(errorFor(container, 'import')).toBe('This looks like JSON but does not parse.');
    type(text, 'name,aliases\nNorda,NRD;Nor\nzantora,Zan');
    fireEvent.click(q(container, '[data-testid="import-brands"]'));
    expect(errorFor(container, 'import')).toBeNull();
    expect(all(container, '[data-testid="brand-name"]').map((i) => (i as HTMLInputElement).value)).toEqual(['Zantora', 'Kelvio', 'Norda']);
    expect(field(container, 'brands[0].aliases').value).toBe('ZNT, Zan');
    type(text, '{"brands":[{"name":"Solo"}]}');
    fireEvent.change(q(container, '[data-testid="import-mode"]'), { target: { value: 'replace' } });
    fireEvent.click(q(container, '[data-testid="import-brands"]'));
    expect(all(container, '[data-testid="brand-name"]').map((i) => (i as HTMLInputElement).value)).toEqual(['Solo']);
  });

  test('an image goes through the crop step, uploads, and joins its brand as a thumbnail', async () => {
    const { container, callsOf } = await mount();
    await openB1(container);
    const input = q(container, '[data-testid="brand-row"][data-index="1"] [data-testid="upload-brand-image"]') as HTMLInputElement;
    const file = new File(['jpeg'], 'logo.jpg', { type: 'image/jpeg' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    fireEvent.change(input);
    await waitFor(() => expect(q(container, '[data-testid="crop-canvas"]')).not.toBeNull());
    await waitFor(() => expect((q(container, '[data-testid="crop-done"]') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(q(container, '[data-testid="crop-done"]'));
    await waitFor(() => expect(all(container, '[data-testid="brand-row"][data-index="1"] [data-testid="brand-image"]').length).toBe(1));
    expect(q(container, '[data-testid="crop-canvas"]')).toBeNull();
    const [listId, png] = callsOf('uploadBrandImage')[0] as [string, Blob];
    expect(listId).toBe('b1');
    expect(png.type).toBe('image/png');
    expect(await png.text()).toBe('100x50');
    expect(q(container, '[data-testid="brand-row"][data-index="1"] [data-testid="brand-image"]').dataset.key).toBe('brands/b1/crop-1.png');
  });

  test("the server's refusal at the brand it names, else on the form; Delete asks first", async () => {
    let answer = 'brands[1].name: must be at most 100 characters, got 120';
    const { container, callsOf } = await mount({ updateBrandList: async () => Promise.reject(refused(answer)) });
    await openB1(container);
    fireEvent.click(q(container, '[data-testid="save-brand-list"]'));
    await waitFor(() => expect(errorFor(container, 'brands[1].name')).toBe('Must be at most 100 characters, got 120.'));
    answer = 'name: a name of 1 to 200 characters; brands[9].name: missing';
    fireEvent.click(q(container, '[data-testid="save-brand-list"]'));
    await waitFor(() => expect(q(container, '[data-testid="brand-list-error"]')?.textContent).toContain('brands[9].name: Missing.'));
    expect(errorFor(container, 'name')).toBe('A name of 1 to 200 characters.');

    fireEvent.click(q(container, '[data-testid="delete-brand-list"]'));
    expect(callsOf('deleteBrandList')).toEqual([]);
    fireEvent.click(q(container, '[data-testid="confirm-delete-brand-list"]'));
    // Let the form unmount before looking: happy-dom's MutationObserver is slow over a removal this large.
    await new Promise((r) => setTimeout(r, 10));
    expect(q(container, '[data-testid="brand-list-row"][data-id="b1"]')).toBeNull();
    expect(callsOf('deleteBrandList')).toEqual([['b1']]);
  });
});
