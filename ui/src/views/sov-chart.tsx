/** Share of voice as a donut (each brand's exposure over all brands'), with a legend; colours match the timeline's lanes. */
import { For, Show, createMemo, createUniqueId } from 'solid-js';
import { arcPath, pct, sovSlices } from '../detect-report.ts';
import type { BrandSummary } from '../../../src/types/detect.ts';
import '../detect-report.css';

export const SovChart = (p: { brands: BrandSummary[] }) => {
  const slices = createMemo(() => sovSlices(p.brands));
  const titleId = createUniqueId();
  const summary = () =>
    slices()
      .map((s) => `${s.brand} ${pct(s.share)}`)
      .join(', ');
  return (
    <figure class="sov-chart" data-testid="sov-chart">
      <Show when={slices().length > 0} fallback={<div class="empty small">No share of voice: no brand was seen.</div>}>
        <svg viewBox="0 0 120 120" role="img" aria-labelledby={titleId}>
          <title id={titleId}>Share of voice: {summary()}</title>
          <For each={slices()}>
            {(s) => (
              <path d={arcPath(60, 60, 56, 34, s.from, s.to)} fill={s.colour} data-brand={s.brand} stroke="var(--panel)" stroke-width="0.75">
                <title>
                  {s.brand}: {pct(s.share)}
                </title>
              </path>
            )}
          </For>
          <text x="60" y="58" text-anchor="middle">
            share of
          </text>
          <text x="60" y="69" text-anchor="middle">
            voice
          </text>
        </svg>
        <ul class="sov-legend">
          <For each={slices()}>
            {(s) => (
              <li data-brand={s.brand}>
                <span class="swatch" style={{ background: s.colour }} />
                <span class="name" title={s.brand}>
                  {s.brand}
                </span>
                <b>{pct(s.share)}</b>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </figure>
  );
};
