/**
 * The uploads a reload may interrupt, kept in localStorage (one list per
 * user): `{ uploadId, name, size, lastModified, folder }`. A page cannot
 * keep a File across a reload, so resuming needs the person to drop the
 * same file again; these entries say which upload it goes on. No secret is
 * kept: the upload id opens nothing without the session.
 */

export interface ResumeEntry {
  uploadId: string;
  name: string;
  size: number;
  lastModified: number;
  folder: string;
  /** Parts of the upload, to say "3 of 18 parts sent" before asking the server. */
  partCount: number;
  savedAt: string;
}

/** What is read of localStorage (a fake in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const isEntry = (v: unknown): v is ResumeEntry => {
  const e = v as Partial<ResumeEntry> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.uploadId === 'string' &&
    e.uploadId !== '' &&
    typeof e.name === 'string' &&
    typeof e.size === 'number' &&
    typeof e.lastModified === 'number' &&
    typeof e.folder === 'string' &&
    typeof e.partCount === 'number'
  );
};

/** The same file as an entry's: same name, size and modification time (all a page can tell of a file). */
export const sameFile = (e: Pick<ResumeEntry, 'name' | 'size' | 'lastModified'>, f: { name: string; size: number; lastModified: number }): boolean =>
  e.name === f.name && e.size === f.size && e.lastModified === f.lastModified;

/** `storage` null (no localStorage, or it refuses): uploads still work, only a reload forgets them. */
export const createResumeStore = (storage: KeyValueStore | null, key: string) => {
  const list = (): ResumeEntry[] => {
    try {
      const v = JSON.parse(storage?.getItem(key) ?? '[]') as unknown;
      return Array.isArray(v) ? v.filter(isEntry) : [];
    } catch {
      return []; // a broken value: start over
    }
  };
  const write = (entries: ResumeEntry[]) => {
    try {
      if (entries.length) storage?.setItem(key, JSON.stringify(entries));
      else storage?.removeItem(key);
    } catch {
      // Full, or private browsing: the upload goes on, it just will not survive a reload.
    }
  };
  return {
    list,
    save: (e: ResumeEntry) => write([...list().filter((x) => x.uploadId !== e.uploadId), e]),
    drop: (uploadId: string) => write(list().filter((x) => x.uploadId !== uploadId)),
    /** The entry for this file, the one for `folder` first. */
    find: (f: { name: string; size: number; lastModified: number }, folder?: string): ResumeEntry | undefined => {
      const same = list().filter((e) => sameFile(e, f));
      return same.find((e) => e.folder === folder) ?? same[0];
    },
  };
};

export type ResumeStore = ReturnType<typeof createResumeStore>;

/** The browser's, per user; null where localStorage cannot be reached (tests, a sandboxed frame). */
export const browserResumeStore = (userId: string): ResumeStore => {
  let storage: KeyValueStore | null = null;
  try {
    storage = globalThis.localStorage ?? null;
  } catch {
    storage = null;
  }
  return createResumeStore(storage, `mpr.uploads.${userId}`);
};
