/** The uploads store against a server in memory: 2 files at a time, rows to done, cancel, retry, and a reload's uploads resumed from localStorage. */
import { describe, expect, test } from 'bun:test';
import { bytesOf, fakeUploads, fileOf } from '../../test/fake-uploads.ts';
import { ApiError } from '../api.ts';
import { createResumeStore, type KeyValueStore } from '../uploads/resume-store.ts';
import { createUploadsStore, rowText, type UploadRow } from './uploads.ts';

const memory = (): KeyValueStore => {
  const data = new Map<string, string>();
  return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
};

const until = async (what: () => boolean, ms = 2000) => {
  const t0 = Date.now();
  while (!what()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await Bun.sleep(1);
  }
};

const setup = (partSize = 100) => {
  const server = fakeUploads(partSize);
  const storage = memory();
  const resume = createResumeStore(storage, 'mpr.uploads.me');
  const store = createUploadsStore(server.api, { resume, retryDelayMs: 0 });
  return { server, storage, resume, store };
};

const row = (rows: readonly UploadRow[], name: string) => rows.find((r) => r.name === name)!;

describe('uploads store', () => {
  test('three files: 2 at a time, each row to done with its asset; the assets hear of each; nothing is left to resume', async () => {
    const { server, resume, store } = setup();
    const heard: string[] = [];
    store.onUploaded((r) => heard.push(r.key));
    // Hold every part until told, to see how many files are on their way at once.
    let open = false;
    server.beforePart = async () => {
      while (!open) await Bun.sleep(1);
    };
    store.add(['a.mp4', 'b.mp4', 'c.mp4'].map((n) => ({ file: fileOf(n, 450), folder: 'in/' })));
    await until(() => store.rows.filter((r) => r.status === 'sending' && r.uploadId).length === 2);
    expect(row(store.rows, 'c.mp4').status).toBe('waiting');
    // The same file again while it is on its way is not sent twice.
    store.add([{ file: fileOf('a.mp4', 450), folder: 'in' }]);
    expect(store.rows).toHaveLength(3);
    expect(
      resume
        .list()
        .map((e) => e.name)
        .sort(),
    ).toEqual(['a.mp4', 'b.mp4']);
    const a = row(store.rows, 'a.mp4');
    await until(() => row(store.rows, 'a.mp4').inFlight === 4);
    expect(rowText(a)).toBe('0 of 5 parts sent');
    open = true;
    await until(() => store.rows.every((r) => r.status === 'done'));
    expect(server.maxFiles()).toBe(2);
    expect(store.rows.map((r) => rowText(r))).toEqual(['Ready: in/a.mp4', 'Ready: in/b.mp4', 'Ready: in/c.mp4']);
    expect(heard.sort()).toEqual(['in/a.mp4', 'in/b.mp4', 'in/c.mp4']);
    expect(resume.list()).toEqual([]);
    // Done rows clear away.
    store.clearFinished();
    expect(store.rows).toEqual([]);
  });

  test('cancel: the upload is aborted on the server and forgotten; a waiting file never starts', async () => {
    const { server, resume, store } = setup();
    let open = false;
    server.beforePart = async () => {
      while (!open) await Bun.sleep(1);
    };
    store.add(['a.mp4', 'b.mp4', 'c.mp4'].map((n) => ({ file: fileOf(n, 450), folder: '' })));
    await until(() => row(store.rows, 'a.mp4').uploadId !== null && row(store.rows, 'b.mp4').uploadId !== null);
    await store.cancel(row(store.rows, 'a.mp4').id);
    await store.cancel(row(store.rows, 'c.mp4').id);
    open = true;
    await until(() => row(store.rows, 'b.mp4').status === 'done');
    expect(store.rows.map((r) => [r.name, r.status])).toEqual([
      ['a.mp4', 'cancelled'],
      ['b.mp4', 'done'],
      ['c.mp4', 'cancelled'],
    ]);
    expect(server.aborted).toEqual([row(store.rows, 'a.mp4').uploadId!]);
    expect(server.uploads.size).toBe(2); // c never made one
    expect(resume.list()).toEqual([]);
  });

  test('a part that keeps failing fails the row with the reason; retry resumes it, sending only what is missing', async () => {
    const { server, store } = setup();
    let broken = true;
    server.beforePart = (_id, n) => {
      if (broken && n === 4) throw new ApiError(0, 'network', 'The connection dropped while sending a part.');
    };
    const file = fileOf('a.mp4', 1000);
    store.add([{ file, folder: '' }]);
    await until(() => store.rows[0]!.status === 'failed');
    expect(rowText(store.rows[0]!)).toBe('The connection dropped while sending a part.');
    const before = server.puts.length;
    const had = server.uploads.get('u1')!.parts.size;
    broken = false;
    store.retry(store.rows[0]!.id);
    await until(() => store.rows[0]!.status === 'done');
    expect(server.puts.length - before).toBe(10 - had);
    expect(server.uploads.size).toBe(1);
    expect(server.uploads.get('u1')!.joined).toEqual(await bytesOf(file));
  });

  test('after a reload: unfinished uploads are listed with what the server holds, stale ones dropped; the same file dropped again resumes', async () => {
    const { server, storage } = setup();
    const file = fileOf('clip.mp4', 1800, 42);
    const bytes = await bytesOf(file);
    const open = server.seed('clip.mp4', bytes, [1, 2, 3]);
    const aborted = server.seed('gone.mp4', bytes, [1], { status: 'aborted' });
    const resume = createResumeStore(storage, 'mpr.uploads.me');
    const saved = (uploadId: string, name: string) => resume.save({ uploadId, name, size: 1800, lastModified: 42, folder: '', partCount: 18, savedAt: '' });
    saved(open, 'clip.mp4');
    saved(aborted, 'gone.mp4');
    saved('unknown', 'lost.mp4');

    // A new page: a new store over the same storage.
    const store = createUploadsStore(server.api, { resume, retryDelayMs: 0 });
    await store.restore();
    expect(store.rows.map((r) => [r.name, r.status, rowText(r)])).toEqual([['clip.mp4', 'paused', '3 of 18 parts sent — drop the same file to resume']]);
    expect(resume.list().map((e) => e.uploadId)).toEqual([open]);

    // The same file dropped again (whatever folder is typed now) resumes in place, in its upload's folder.
    store.add([{ file, folder: 'elsewhere' }]);
    await until(() => store.rows.length === 1 && store.rows[0]!.status === 'done');
    expect(store.rows[0]!.uploadId).toBe(open);
    expect(server.puts.filter((k) => k.startsWith(`${open}:`))).toHaveLength(15);
    expect(server.uploads.get(open)!.joined).toEqual(bytes);
    expect(resume.list()).toEqual([]);
  });

  test('a paused upload can be discarded: aborted on the server, gone from the list to resume', async () => {
    const { server, storage } = setup();
    const id = server.seed('clip.mp4', new Uint8Array(300), [1]);
    const resume = createResumeStore(storage, 'mpr.uploads.me');
    resume.save({ uploadId: id, name: 'clip.mp4', size: 300, lastModified: 1, folder: '', partCount: 3, savedAt: '' });
    const store = createUploadsStore(server.api, { resume });
    await store.restore();
    await store.cancel(store.rows[0]!.id);
    expect(store.rows[0]!.status).toBe('cancelled');
    expect(server.aborted).toEqual([id]);
    expect(resume.list()).toEqual([]);
  });
});
