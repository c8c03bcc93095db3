import { describe, expect, test } from 'bun:test';
import { fakeBrandLists, refused } from '../../test/detect-setup-fixtures.ts';
import { createBrandListsStore } from './brand-lists.ts';

const setup = (over: Parameters<typeof fakeBrandLists>[0] = {}) => {
  const fake = fakeBrandLists(over);
  return { ...fake, store: createBrandListsStore(fake.api) };
};

describe('brand lists store', () => {
  test('a new list: brands typed and imported, checked, then created and listed', async () => {
    const { store, callsOf } = setup();
    await store.load();
    store.newList();
    expect(await store.save()).toBe(false);
    expect(store.errors()).toEqual({ name: 'Give the list a name.', 'brands[0].name': 'Must not be empty.' });
    store.setName('Cup sponsors');
    store.setBrandName(0, 'Zantora ');
    store.setAliases(0, ['ZNT']);
    expect(store.importText('Kelvio,KLV;Kel\nzantora,Zan', 'add')).toBe(true);
    expect(store.draft()!.brands).toEqual([
      { name: 'Zantora ', aliases: ['ZNT', 'Zan'], images: [] },
      { name: 'Kelvio', aliases: ['KLV', 'Kel'], images: [] },
    ]);
    expect(store.errors()).toEqual({});
    expect(await store.save()).toBe(true);
    expect(callsOf('createBrandList')).toEqual([
      [
        {
          name: 'Cup sponsors',
          brands: [
            { name: 'Zantora', aliases: ['ZNT', 'Zan'], images: [] },
            { name: 'Kelvio', aliases: ['KLV', 'Kel'], images: [] },
          ],
        },
      ],
    ]);
    expect(store.draft()!.id).toBe('b-new');
    expect(store.items().map((l) => l.id)).toEqual(['b-new', 'b1']);
    expect(store.total()).toBe(2);
  });

  test('an import that does not parse says why and changes nothing; replace swaps the brands', async () => {
    const { store } = setup();
    await store.open('b1');
    expect(store.importText('[{', 'add')).toBe(false);
    expect(store.importError()).toBe('This looks like JSON but does not parse.');
    expect(store.draft()!.brands.length).toBe(2);
    store.importText('["Norda"]', 'replace');
    expect(store.draft()!.brands).toEqual([{ name: 'Norda', aliases: [], images: [] }]);
    expect(store.importError()).toBeNull();
  });

  test('an image uploads to the saved list and joins its brand; a new list must be saved first', async () => {
    const { store, callsOf } = setup();
    store.newList();
    const png = new Blob(['png'], { type: 'image/png' });
    expect(await store.uploadImage(0, png)).toBe(false);
    expect(store.uploadError()).toEqual({ index: 0, message: 'Save the list first: images are stored with it.' });
    await store.open('b1');
    expect(await store.uploadImage(1, png)).toBe(true);
    expect(callsOf('uploadBrandImage')).toEqual([['b1', png]]);
    expect(store.draft()!.brands[1]!.images).toEqual(['brands/b1/crop-1.png']);
    // The uploaded bytes are shown without a round trip; a saved key is fetched once.
    expect(await store.image('brands/b1/crop-1.png')).toBe(png);
    await store.image('brands/b1/zantora.png');
    await store.image('brands/b1/zantora.png');
    expect(callsOf('brandImage')).toEqual([['b1', 'brands/b1/zantora.png']]);
    store.removeImage(0, 'brands/b1/zantora.png');
    expect(store.draft()!.brands[0]!.images).toEqual([]);
  });

  test("the server's refusal at the brand it names (an alias's at the aliases), else on the form; delete", async () => {
    let answer = 'brands[1].aliases[0]: "ZNT" is the same as brands[0].aliases[0] once normalised (znt)';
    const { store, callsOf } = setup({ updateBrandList: async () => Promise.reject(refused(answer)) });
    await store.load();
    await store.open('b1');
    store.setAliases(1, ['Kel']);
    expect(await store.save()).toBe(false);
    expect(store.errors()).toEqual({ 'brands[1].aliases': '"ZNT" is the same as brands[0].aliases[0] once normalised (znt).' });
    store.setBrandName(1, 'Kelvio2');
    expect(store.errors()).toEqual({});
    answer = 'no brand list b1';
    await store.save();
    expect(store.formError()).toBe('No brand list b1.');

    expect(await store.remove()).toBe(true);
    expect(callsOf('deleteBrandList')).toEqual([['b1']]);
    expect(store.items()).toEqual([]);
    expect(store.draft()).toBeNull();
  });
});
