/**
 * What was dropped or picked, as files and the folders they go in: a file
 * goes in the target folder; a dropped folder (through
 * `DataTransferItem.webkitGetAsEntry()`) or a picked one (`webkitdirectory`,
 * each file with its `webkitRelativePath`) gives its media files, under the
 * target, in the folder's own name and sub-folders. Hidden files and
 * anything that is not video or audio (by its extension, the list the
 * server's scan uses) are left out of folders; a file dropped on its own is
 * the server's to judge.
 */
import type { Source } from './uploader.ts';

export interface Picked {
  file: Source;
  folder: string;
}

const MEDIA = new Set(['mp4', 'mkv', 'avi', 'mov', 'webm', 'flv', 'wmv', 'm4v', 'ts', '3gp', 'mp3', 'wav', 'flac', 'aac', 'ogg', 'opus', 'm4a', 'm4b']);

/** Pure: whether a folder's file is one to send: not hidden, a video or audio extension. */
export const isMediaName = (name: string): boolean => {
  if (name.startsWith('.')) return false;
  const dot = name.lastIndexOf('.');
  return dot > 0 && MEDIA.has(name.slice(dot + 1).toLowerCase());
};

/** Pure: folders joined with single slashes, empty steps dropped. */
export const joinFolder = (...parts: string[]): string =>
  parts
    .flatMap((p) => p.split('/'))
    .map((s) => s.trim())
    .filter(Boolean)
    .join('/');

const parentOf = (path: string) => path.split('/').slice(0, -1).join('/');

/** The parts of the File System API a drop hands out that are read here. */
export interface DroppedEntry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
}
interface FileEntry extends DroppedEntry {
  file(ok: (f: File) => void, fail?: (e: unknown) => void): void;
}
interface DirectoryEntry extends DroppedEntry {
  createReader(): { readEntries(ok: (entries: DroppedEntry[]) => void, fail?: (e: unknown) => void): void };
}

const fileOf = (e: FileEntry) => new Promise<File>((ok, fail) => e.file(ok, fail));

/** Every entry of a folder: readEntries answers in batches (100 in Chrome) until an empty one. */
const entriesOf = async (d: DirectoryEntry): Promise<DroppedEntry[]> => {
  const reader = d.createReader();
  const all: DroppedEntry[] = [];
  for (;;) {
    const batch = await new Promise<DroppedEntry[]>((ok, fail) => reader.readEntries(ok, fail));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
};

/**
 * What a drop held, read out of its items in the drop handler itself (a
 * DataTransfer is emptied once the handler returns): each item's entry,
 * or its file where the browser gives no entry (a DataTransfer made by a
 * script, older browsers).
 */
export interface DropItem {
  entry: DroppedEntry | null;
  file: Source | null;
}

export const collectDropped = async (items: readonly DropItem[], target: string): Promise<Picked[]> => {
  const out: Picked[] = [];
  const walk = async (dir: DirectoryEntry) => {
    const entries = (await entriesOf(dir)).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory) await walk(e as DirectoryEntry);
      else if (e.isFile && isMediaName(e.name)) out.push({ file: await fileOf(e as FileEntry), folder: joinFolder(target, parentOf(e.fullPath)) });
    }
  };
  for (const item of items) {
    if (item.entry?.isDirectory) await walk(item.entry as DirectoryEntry);
    else if (item.file) out.push({ file: item.file, folder: joinFolder(target) });
    else if (item.entry?.isFile) out.push({ file: await fileOf(item.entry as FileEntry), folder: joinFolder(target) });
  }
  return out;
};

/** Files from an `<input type="file">`: with `webkitdirectory`, each has its path under the picked folder (`day1/sub/clip.mp4`). */
export const collectPicked = (files: readonly (Source & { webkitRelativePath?: string })[], target: string): Picked[] =>
  files.flatMap((file) => {
    const rel = file.webkitRelativePath ?? '';
    if (!rel) return [{ file, folder: joinFolder(target) }];
    return rel.split('/').some((step) => step.startsWith('.')) || !isMediaName(file.name) ? [] : [{ file, folder: joinFolder(target, parentOf(rel)) }];
  });
