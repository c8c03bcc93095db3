/** A completed job's outputs: the player (lazily loaded with hls.js) and every file to download. */
import { For, Show, Suspense, lazy } from 'solid-js';
import { Empty, Loading } from '../components/bits.tsx';
import { bitrate, bytes, resolution } from '../format.ts';
import type { Job, Rendition } from '../types.ts';

const Player = lazy(() => import('./player.tsx').then((m) => ({ default: m.Player })));

const metaOf = (r: Rendition): string =>
  (r.type === 'subtitles'
    ? [r.language && r.language !== 'und' ? r.language : null, 'WebVTT', bytes(r.bytes)]
    : [r.type === 'video' ? resolution(r.width, r.height) : null, r.codec, bitrate(r.averageBitrate ?? r.bitrate), bytes(r.bytes)]
  )
    .filter(Boolean)
    .join(' · ');

export const JobOutputs = (p: { job: Job }) => {
  const u = () => p.job.urls;
  const downloads = () => {
    const x = u();
    if (!x) return [];
    const list: { label: string; url: string; meta?: string }[] = [];
    for (const r of p.job.renditions) list.push({ label: `${r.name} (${r.type})`, url: r.url, meta: metaOf(r) });
    if (x.master) list.push({ label: 'master playlist', url: x.master });
    for (const [i, m] of x.mp4.entries()) list.push({ label: `mp4 ${i + 1}`, url: m });
    if (x.audio) list.push({ label: 'audio', url: x.audio });
    if (x.poster) list.push({ label: 'poster', url: x.poster });
    for (const [i, sp] of x.sprites.entries()) list.push({ label: `sprite sheet ${i + 1}`, url: sp });
    if (x.thumbnailsVtt) list.push({ label: 'thumbnails.vtt', url: x.thumbnailsVtt });
    return list;
  };
  return (
    <div class="card">
      <h2>Outputs</h2>
      <Show
        when={u()}
        fallback={<Empty>{p.job.status === 'COMPLETED' ? 'This job kind has no media outputs.' : 'Outputs appear here when the job completes.'}</Empty>}
      >
        {(x) => (
          <>
            <Show when={x().master || x().mp4[0] || x().audio}>
              <Suspense fallback={<Loading />}>
                <Player master={x().master} mp4={x().mp4[0] ?? x().audio ?? null} poster={x().poster} vtt={x().thumbnailsVtt} renditions={p.job.renditions} />
              </Suspense>
            </Show>
            <ul class="downloads">
              <For each={downloads()}>
                {(d) => (
                  <li>
                    <a href={d.url} download="">
                      {d.label}
                    </a>
                    <Show when={d.meta}>
                      <span class="small muted"> {d.meta}</span>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </>
        )}
      </Show>
    </div>
  );
};
