/** Dropped and picked files: folders walked (in batches), their media files under the target with their sub-folders; hidden and other files left out. */
import { expect, test } from 'bun:test';
import { collectDropped, collectPicked, type DroppedEntry, isMediaName, joinFolder } from './dropped.ts';

const file = (name: string) => new File(['x'], name, { lastModified: 1 });

const fileEntry = (fullPath: string) => {
  const name = fullPath.split('/').at(-1)!;
  return { isFile: true, isDirectory: false, name, fullPath, file: (ok: (f: File) => void) => ok(file(name)) };
};

/** A folder whose reader answers its entries 2 at a time, like Chrome's 100. */
const dirEntry = (fullPath: string, children: DroppedEntry[]) => ({
  isFile: false,
  isDirectory: true,
  name: fullPath.split('/').at(-1)!,
  fullPath,
  createReader: () => {
    let at = 0;
    return {
      readEntries: (ok: (e: DroppedEntry[]) => void) => {
        const batch = children.slice(at, at + 2);
        at += batch.length;
        queueMicrotask(() => ok(batch));
      },
    };
  },
});

test('a dropped folder gives its media files under target/<folder>/<sub-folders>; a file on its own goes in the target as it is', async () => {
  const day = dirEntry('/day one', [
    fileEntry('/day one/b.mp4'),
    fileEntry('/day one/notes.txt'),
    fileEntry('/day one/.hidden.mp4'),
    dirEntry('/day one/.cache', [fileEntry('/day one/.cache/c.mp4')]),
    dirEntry('/day one/sub', [fileEntry('/day one/sub/a.flac'), fileEntry('/day one/sub/z.MOV'), fileEntry('/day one/sub/y.mkv')]),
  ]);
  const loose = file('loose.txt');
  const picked = await collectDropped(
    [
      { entry: day, file: null },
      { entry: fileEntry('/single.mp4'), file: file('single.mp4') },
      { entry: null, file: loose },
    ],
    '/cup//2026/',
  );
  expect(picked.map((p) => [p.folder, p.file.name])).toEqual([
    ['cup/2026/day one', 'b.mp4'],
    ['cup/2026/day one/sub', 'a.flac'],
    ['cup/2026/day one/sub', 'y.mkv'],
    ['cup/2026/day one/sub', 'z.MOV'],
    ['cup/2026', 'single.mp4'],
    ['cup/2026', 'loose.txt'],
  ]);
  expect(picked[5]!.file).toBe(loose);
});

test('a picked folder (webkitdirectory) keeps each file’s relative path; plain picks go in the target', () => {
  const rel = (path: string) => Object.assign(file(path.split('/').at(-1)!), { webkitRelativePath: path });
  const picked = collectPicked([rel('day1/a.mp4'), rel('day1/sub/b.wav'), rel('day1/.git/c.mp4'), rel('day1/readme.md'), file('x.mp4')], 'in');
  expect(picked.map((p) => [p.folder, p.file.name])).toEqual([
    ['in/day1', 'a.mp4'],
    ['in/day1/sub', 'b.wav'],
    ['in', 'x.mp4'],
  ]);
});

test('isMediaName and joinFolder', () => {
  expect(['a.mp4', 'b.M4A', 'c.ts'].every(isMediaName)).toBe(true);
  expect(['.a.mp4', 'mp4', 'a.txt', 'a.'].some(isMediaName)).toBe(false);
  expect(joinFolder('', '/a/', ' b ', '', 'c/d')).toBe('a/b/c/d');
  expect(joinFolder('')).toBe('');
});
