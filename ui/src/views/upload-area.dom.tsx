/** Component tests for the upload area: a drop becomes rows that reach "Ready"; a failure offers retry; a reload's upload waits for its file (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { fakeUploads, fileOf } from '../../test/fake-uploads.ts';
import { ApiError } from '../api.ts';
import { createUploadsStore } from '../stores/uploads.ts';
import { createResumeStore, type KeyValueStore } from '../uploads/resume-store.ts';
import { UploadArea } from './upload-area.tsx';

const memory = (): KeyValueStore => {
  const data = new Map<string, string>();
  return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
};

const mount = (server = fakeUploads(100), storage = memory()) => {
  const resume = createResumeStore(storage, 'k');
  const store = createUploadsStore(server.api, { resume, retryDelayMs: 0 });
  const view = render(() => <UploadArea store={store} />);
  return { ...view, server, store, resume };
};

/** A drop as a script makes one: items with no entry, only files. */
const drop = (el: Element, files: File[]) =>
  fireEvent.drop(el, {
    dataTransfer: { items: files.map((f) => ({ kind: 'file', webkitGetAsEntry: () => null, getAsFile: () => f })), files },
  });

const rows = (root: HTMLElement) => [...root.querySelectorAll('[data-testid="upload-row"]')] as HTMLElement[];
const statusOf = (r: HTMLElement) => r.querySelector('[data-testid="upload-status"]')!.textContent;

describe('upload area', () => {
  test('dropped files go into the typed folder, a row each, each to "Ready"; the bar is full', async () => {
    const { container, getByTestId } = mount();
    fireEvent.input(getByTestId('upload-folder'), { target: { value: 'cup/2026' } });
    const zone = getByTestId('upload-drop');
    fireEvent.dragEnter(zone);
    expect(zone.classList.contains('over')).toBe(true);
    drop(zone, [fileOf('a.mp4', 450), fileOf('b.mp4', 120)]);
    expect(zone.classList.contains('over')).toBe(false);
    await waitFor(() => expect(rows(container).map((r) => r.dataset.status)).toEqual(['done', 'done']));
    expect(rows(container).map(statusOf)).toEqual(['Ready: cup/2026/a.mp4', 'Ready: cup/2026/b.mp4']);
    expect(rows(container)[0]!.querySelector('[data-testid="progress"]')!.getAttribute('data-percent')).toBe('100.0');
    expect(rows(container)[0]!.textContent).toContain('450 B of 450 B');
    fireEvent.click(getByTestId('upload-clear'));
    expect(rows(container)).toEqual([]);
  });

  test('a part that keeps failing: the row says why and offers Retry, which finishes it', async () => {
    const server = fakeUploads(100);
    let broken = true;
    server.beforePart = (_id, n) => {
      if (broken && n === 2) throw new ApiError(500, 'http', 'The server answered 500.');
    };
    const { container, getByTestId } = mount(server);
    drop(getByTestId('upload-drop'), [fileOf('a.mp4', 300)]);
    await waitFor(() => expect(rows(container)[0]!.dataset.status).toBe('failed'));
    expect(statusOf(rows(container)[0]!)).toBe('The server answered 500.');
    broken = false;
    fireEvent.click(getByTestId('upload-retry'));
    await waitFor(() => expect(rows(container)[0]!.dataset.status).toBe('done'));
  });

  test('an upload a reload interrupted is listed until its file is dropped again; Discard aborts it', async () => {
    const server = fakeUploads(100);
    const storage = memory();
    const bytes = new Uint8Array(1800);
    const id = server.seed('clip.mp4', bytes, [1, 2, 3]);
    createResumeStore(storage, 'k').save({ uploadId: id, name: 'clip.mp4', size: 1800, lastModified: 9, folder: '', partCount: 18, savedAt: '' });
    const { container, store, getByTestId } = mount(server, storage);
    await store.restore();
    await waitFor(() => expect(statusOf(rows(container)[0]!)).toBe('3 of 18 parts sent — drop the same file to resume'));
    expect(getByTestId('upload-cancel').textContent).toBe('Discard');
    fireEvent.click(getByTestId('upload-cancel'));
    await waitFor(() => expect(rows(container)[0]!.dataset.status).toBe('cancelled'));
    expect(server.aborted).toEqual([id]);
  });
});
