/** Paging under a list: "1–50 of 312" with Previous and Next. */
import type { PagedList } from '../stores/paged.ts';

export const Pager = <T,>(p: { list: Pick<PagedList<T>, 'offset' | 'items' | 'total' | 'hasPrev' | 'hasNext' | 'prevPage' | 'nextPage'> }) => (
  <div class="pager" data-testid="pager">
    <span class="muted" data-testid="page-range">
      {p.list.items().length > 0 ? `${p.list.offset() + 1}–${p.list.offset() + p.list.items().length} of ${p.list.total()}` : `0 of ${p.list.total()}`}
    </span>
    <button type="button" class="btn small" data-testid="prev-page" disabled={!p.list.hasPrev()} onClick={() => void p.list.prevPage()}>
      Previous
    </button>
    <button type="button" class="btn small" data-testid="next-page" disabled={!p.list.hasNext()} onClick={() => void p.list.nextPage()}>
      Next
    </button>
  </div>
);
