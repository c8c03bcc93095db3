/**
 * A small player for a source asset at a given second: it asks for a signed
 * URL (`sourceMedia`), seeks there once the video knows its length, and again
 * whenever the second asked for changes. A URL that expired mid-watch is
 * asked for again and play resumes where it was.
 */
import { Show, createEffect, createSignal, on, onCleanup } from 'solid-js';
import type { Api } from '../api.ts';
import type { SourceMedia } from '../detect-api.ts';
import { ErrorNote, Loading } from '../components/bits.tsx';
import { errorText } from '../format.ts';
import { formatTime } from '../trim.ts';

export const SourcePlayer = (p: { api: Pick<Api, 'detect'>; assetId: string; seconds: number }) => {
  const [media, setMedia] = createSignal<SourceMedia | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  let video: HTMLVideoElement | undefined;
  /** Where to put the playhead once the metadata is in: the asked second, or where an expired URL stopped. */
  let target = p.seconds;
  let gen = 0;

  const fetchMedia = (assetId: string) => {
    const mine = ++gen;
    setError(null);
    p.api.detect.sourceMedia(assetId).then(
      (m) => mine === gen && setMedia(m),
      (e) => mine === gen && setError(errorText(e)),
    );
  };
  onCleanup(() => gen++);

  createEffect(
    on(
      () => p.assetId,
      (assetId) => {
        target = p.seconds;
        setMedia(null);
        fetchMedia(assetId);
      },
    ),
  );

  const seek = () => {
    if (!video) return;
    video.currentTime = Math.max(0, target);
    // Started by a click, so browsers let it play; where they do not, the controls are there.
    video.play()?.catch(() => {});
  };

  createEffect(
    on(
      () => p.seconds,
      (s) => {
        target = s;
        // Before the metadata, a seek is lost: loadedmetadata seeks then.
        if (video && video.readyState >= 1) seek();
      },
      { defer: true },
    ),
  );

  const failed = () => {
    const m = media();
    if (m && Date.parse(m.expiresAt) <= Date.now() + 5000) {
      target = video?.currentTime || target;
      fetchMedia(m.assetId);
    } else {
      setError('The source could not be played in this browser.');
    }
  };

  return (
    <div class="source-player">
      <Show
        when={media()}
        fallback={
          <Show when={!error()}>
            <Loading />
          </Show>
        }
      >
        {(m) => (
          // biome-ignore lint/a11y/useMediaCaption: a raw source file has no caption track to offer; this is a look at the pictures around a detection
          <video
            ref={video}
            data-testid="source-video"
            data-asset={p.assetId}
            src={m().url}
            controls
            preload="auto"
            playsinline
            onLoadedMetadata={seek}
            onError={failed}
          />
        )}
      </Show>
      <span class="small muted">
        Source from {formatTime(p.seconds)} of the asset {p.assetId}
      </span>
      <ErrorNote message={error()} />
    </div>
  );
};
