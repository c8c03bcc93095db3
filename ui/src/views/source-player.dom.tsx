/** Component tests for the source player: the signed URL in a <video>, seeking to the asked second, refusals, an expired URL (DOM: happy-dom). */
import { afterEach, describe, expect, test } from 'bun:test';
import { cleanup, fireEvent, render, waitFor } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { type Api, ApiError } from '../api.ts';
import type { SourceMedia } from '../detect-api.ts';
import { SourcePlayer } from './source-player.tsx';

// The library's own cleanup hook only covers the first test file of a run: unmount here, or a view (and its key listener) outlives its test.
afterEach(cleanup);

const fakeApi = (answer: (assetId: string, n: number) => SourceMedia | Error) => {
  const asked: string[] = [];
  const detect = {
    sourceMedia: async (assetId: string) => {
      asked.push(assetId);
      const a = answer(assetId, asked.length);
      if (a instanceof Error) throw a;
      return a;
    },
  };
  return { api: { detect } as unknown as Pick<Api, 'detect'>, asked };
};

const media = (assetId: string, url: string, expiresAt = '2999-01-01T00:00:00Z'): SourceMedia => ({ assetId, url, contentType: 'video/mp4', expiresAt });
const video = (root: HTMLElement) => root.querySelector<HTMLVideoElement>('[data-testid="source-video"]');
/** happy-dom never loads media: say the metadata is in. */
const loaded = (v: HTMLVideoElement) => {
  Object.defineProperty(v, 'readyState', { configurable: true, get: () => 1 });
  fireEvent(v, new Event('loadedmetadata'));
};

describe('source player', () => {
  test('plays the signed URL from the asked second, and seeks again when the second changes', async () => {
    const f = fakeApi((id) => media(id, `https://s3.local/${id}.mp4?sig=1`));
    const [seconds, setSeconds] = createSignal(12.5);
    const { container } = render(() => <SourcePlayer api={f.api} assetId="a1" seconds={seconds()} />);
    await waitFor(() => expect(video(container)).not.toBeNull());
    const v = video(container)!;
    expect(v.getAttribute('src')).toBe('https://s3.local/a1.mp4?sig=1');
    expect(v.hasAttribute('controls')).toBe(true);
    expect(v.currentTime).toBe(0); // no seek before the metadata: it would be lost
    loaded(v);
    expect(v.currentTime).toBe(12.5);
    setSeconds(40);
    expect(v.currentTime).toBe(40);
    expect(f.asked).toEqual(['a1']);
  });

  test('another asset asks for its own URL', async () => {
    const f = fakeApi((id) => media(id, `https://s3.local/${id}.mp4`));
    const [asset, setAsset] = createSignal('a1');
    const { container } = render(() => <SourcePlayer api={f.api} assetId={asset()} seconds={3} />);
    await waitFor(() => expect(video(container)?.getAttribute('src')).toBe('https://s3.local/a1.mp4'));
    setAsset('b2');
    await waitFor(() => expect(video(container)?.getAttribute('src')).toBe('https://s3.local/b2.mp4'));
    loaded(video(container)!);
    expect(video(container)!.currentTime).toBe(3);
    expect(f.asked).toEqual(['a1', 'b2']);
  });

  test('a refusal is shown in words', async () => {
    const f = fakeApi(() => new ApiError(404, 'not_found', 'no asset a9'));
    const { container } = render(() => <SourcePlayer api={f.api} assetId="a9" seconds={0} />);
    await waitFor(() => expect(container.textContent).toContain('No asset a9.'));
    expect(video(container)).toBeNull();
  });

  test('an expired URL is asked for again and play resumes where it stopped', async () => {
    const f = fakeApi((id, n) => media(id, `https://s3.local/${id}.mp4?try=${n}`, n === 1 ? '2000-01-01T00:00:00Z' : '2999-01-01T00:00:00Z'));
    const { container } = render(() => <SourcePlayer api={f.api} assetId="a1" seconds={5} />);
    await waitFor(() => expect(video(container)).not.toBeNull());
    const v = video(container)!;
    loaded(v);
    v.currentTime = 17;
    fireEvent(v, new Event('error'));
    await waitFor(() => expect(v.getAttribute('src')).toBe('https://s3.local/a1.mp4?try=2'));
    loaded(v);
    expect(v.currentTime).toBe(17);
    // A URL still good that fails: the browser cannot play it.
    fireEvent(v, new Event('error'));
    expect(container.textContent).toContain('The source could not be played in this browser.');
  });
});
