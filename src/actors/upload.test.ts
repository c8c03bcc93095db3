import { describe, expect, test } from 'bun:test';
import type { UploadEvent } from '../events/upload.ts';
import { given } from './decider.ts';
import { uploadDecider } from './upload.ts';

const at = '2026-01-01T00:00:00.000Z';
const later = '2026-01-02T00:00:01.000Z';
const started: UploadEvent = {
  type: 'UploadStarted',
  data: {
    uploadId: 'u1',
    key: 'cup/final.mp4',
    filename: 'final.mp4',
    folder: 'cup',
    size: 20,
    contentType: 'video/mp4',
    partSize: 8,
    partCount: 3,
    mode: 'relay',
    handle: 'h1',
    createdBy: 'alice',
    expiresAt: '2026-01-02T00:00:00.000Z',
    at,
  },
};
const completed: UploadEvent = { type: 'UploadCompleted', data: { assetId: 'a1', size: 20, at } };

describe('upload decider', () => {
  test('starts once', () => {
    expect(given(uploadDecider, []).when({ type: 'StartUpload', data: started.data }).events).toEqual([started]);
    expect(given(uploadDecider, [started]).when({ type: 'StartUpload', data: started.data }).error).toMatchObject({ code: 'conflict' });
  });

  test('completes once; the same completion again is a no-op, another is refused', () => {
    expect(given(uploadDecider, [started]).when({ type: 'CompleteUpload', data: completed.data }).events).toEqual([completed]);
    expect(given(uploadDecider, [started, completed]).when({ type: 'CompleteUpload', data: completed.data }).events).toEqual([]);
    expect(given(uploadDecider, [started, completed]).when({ type: 'CompleteUpload', data: { ...completed.data, assetId: 'a2' } }).error).toMatchObject({
      code: 'invalid_state',
    });
  });

  test('an aborted upload cannot complete, and aborting twice appends once', () => {
    const aborted: UploadEvent = { type: 'UploadAborted', data: { by: 'alice', at } };
    expect(given(uploadDecider, [started]).when({ type: 'AbortUpload', data: aborted.data }).events).toEqual([aborted]);
    expect(given(uploadDecider, [started, aborted]).when({ type: 'AbortUpload', data: aborted.data }).events).toEqual([]);
    expect(given(uploadDecider, [started, aborted]).when({ type: 'CompleteUpload', data: completed.data }).error).toMatchObject({ code: 'invalid_state' });
    expect(given(uploadDecider, [started, completed]).when({ type: 'AbortUpload', data: aborted.data }).error).toMatchObject({ code: 'invalid_state' });
  });

  test('expires only when open and past its time', () => {
    expect(given(uploadDecider, [started]).when({ type: 'ExpireUpload', data: { at } }).events).toEqual([]);
    expect(given(uploadDecider, [started]).when({ type: 'ExpireUpload', data: { at: later } }).events).toEqual([
      { type: 'UploadExpired', data: { at: later } },
    ]);
    expect(given(uploadDecider, [started, completed]).when({ type: 'ExpireUpload', data: { at: later } }).events).toEqual([]);
  });

  test('an unknown upload is not found', () => {
    expect(given(uploadDecider, []).when({ type: 'AbortUpload', data: { by: 'x', at } }).error).toMatchObject({ code: 'not_found' });
  });
});
