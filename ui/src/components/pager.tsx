/** Paging under a list: the rows shown out of the total, previous and next. */
export const Pager = (p: {
  offset: number;
  count: number;
  total: number;
  hasPrev: boolean;
  hasNext: boolean;
  onPrev: () => void;
  onNext: () => void;
}) => (
  <div class="pager" data-testid="pager">
    <span class="muted" data-testid="page-range">
      {p.count > 0 ? `${p.offset + 1}–${p.offset + p.count} of ${p.total}` : `0 of ${p.total}`}
    </span>
    <button class="btn small" data-testid="prev-page" disabled={!p.hasPrev} onClick={() => p.onPrev()}>
      Previous
    </button>
    <button class="btn small" data-testid="next-page" disabled={!p.hasNext} onClick={() => p.onNext()}>
      Next
    </button>
  </div>
);
