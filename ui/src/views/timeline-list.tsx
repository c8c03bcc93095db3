/** The timelines: name (opens the builder), picks, length, last change; "New timeline" opens an empty builder. */
import { For, Show } from 'solid-js';
import { Empty, ErrorNote, Loading } from '../components/bits.tsx';
import { Pager } from '../components/pager.tsx';
import { duration as formatDuration, time } from '../format.ts';
import type { TimelineListStore } from '../stores/timeline-builder.ts';
import { timelineHref } from './detect-setup-bits.tsx';
import '../detect-setup.css';

export const TimelineList = (p: { store: TimelineListStore }) => {
  const s = p.store;
  return (
    <section class="page detect-setup">
      <div class="page-head">
        <h1>Timelines</h1>
        <span class="muted">{s.total()} total</span>
        <div class="spacer" />
        <a class="btn primary" href={timelineHref('new')} data-testid="new-timeline">
          New timeline
        </a>
      </div>
      <ErrorNote message={s.error()} />
      <Show when={s.loaded()} fallback={<Loading />}>
        <Show
          when={s.items().length > 0}
          fallback={<Empty>No timelines yet. A timeline is the video a detection run looks at: make one with New timeline.</Empty>}
        >
          <table class="table stack">
            <thead>
              <tr>
                <th>Name</th>
                <th class="num">Picks</th>
                <th class="num">Duration</th>
                <th>Changed</th>
              </tr>
            </thead>
            <tbody>
              <For each={s.items()}>
                {(t) => (
                  <tr data-testid="timeline-row" data-id={t.id}>
                    <td class="name" data-label="Name">
                      <a href={timelineHref(t.id)}>{t.name}</a>
                    </td>
                    <td class="num" data-label="Picks">
                      {t.picks.length}
                    </td>
                    <td class="num" data-label="Duration">
                      {formatDuration(t.duration)}
                    </td>
                    <td class="small muted" data-label="Changed">
                      {time(t.updatedAt)}
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <Pager list={s} />
        </Show>
      </Show>
    </section>
  );
};
