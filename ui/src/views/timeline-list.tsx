/** The timelines: name (opens the builder), picks, length, last change; "New timeline" opens an empty builder. */
import { ErrorNote } from '../components/bits.tsx';
import { PagedTable } from '../components/row-table.tsx';
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
      <PagedTable
        list={s}
        empty="No timelines yet. A timeline is the video a detection run looks at: make one with New timeline."
        head={
          <>
            <th>Name</th>
            <th class="num">Picks</th>
            <th class="num">Duration</th>
            <th>Changed</th>
          </>
        }
      >
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
      </PagedTable>
    </section>
  );
};
