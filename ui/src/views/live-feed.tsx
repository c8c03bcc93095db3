import { For, Show } from 'solid-js';
import { useApp } from '../context.ts';
import { jobOfStream } from '../live.ts';
import { href } from '../router.ts';
import { EventRow } from '../components/event-row.tsx';

/** Everything the log records, as it happens: newest first, capped, filterable. */
export const LiveFeed = () => {
  const { live } = useApp();
  return (
    <div class="feed-inner" data-testid="live-feed">
      <div class="feed-head">
        <h2>Live feed</h2>
        <span class={`dot dot-${live.state()}`} />
        <Show when={live.state() !== 'open'}>
          <span class="small muted">{live.state() === 'connecting' ? 'connecting…' : 'reconnecting…'}</span>
        </Show>
      </div>
      <div class="feed-filters">
        <input type="search" placeholder="Filter events…" value={live.text()} onInput={(e) => live.setText(e.currentTarget.value)} />
        <select value={live.kind()} onChange={(e) => live.setKind(e.currentTarget.value)} aria-label="Stream kind">
          <option value="">all streams</option>
          <option value="job">job</option>
          <option value="chunk">chunk</option>
          <option value="asset">asset</option>
          <option value="preset">preset</option>
          <option value="stage">stage</option>
        </select>
      </div>
      <div class="feed-list">
        <Show
          when={live.filtered().length > 0}
          fallback={<div class="empty small">{live.events().length ? 'No events match the filter.' : 'Waiting for events…'}</div>}
        >
          <For each={live.filtered()}>
            {(e) => (
              <div class="feed-item">
                <EventRow event={e} testid="feed-row" />
                <Show when={jobOfStream(e.stream)}>
                  {(id) => (
                    <a class="feed-link small" href={href({ name: 'job', id: id() })} title="Open the job">
                      →
                    </a>
                  )}
                </Show>
              </div>
            )}
          </For>
        </Show>
      </div>
    </div>
  );
};
