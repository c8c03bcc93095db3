/**
 * The brand timeline: an axis over the timeline's duration and one lane per
 * brand (by exposure), each exposure interval a bar. Hovering or focusing a
 * bar shows what was seen; clicking it (or Enter) opens that moment.
 */
import { For, Show, createMemo, createSignal, createUniqueId } from 'solid-js';
import { Empty } from '../components/bits.tsx';
import { axisSpan, barGeometry, colourOf, costText, framesOf, laneLayout, pct, seconds, sourceOf, timeTicks } from '../detect-report.ts';
import { formatTime } from '../trim.ts';
import type { BrandReport, ReportInterval } from '../../../src/types/detect.ts';
import '../detect-report.css';

export const BrandTimeline = (p: { report: BrandReport; duration: number; onOpen: (t: number, brand: string) => void }) => {
  const lanes = createMemo(() => laneLayout(p.report));
  const span = createMemo(() => axisSpan(p.report, p.duration));
  const ticks = createMemo(() => timeTicks(span(), 8));
  const [tip, setTip] = createSignal<ReportInterval | null>(null);
  const tipId = createUniqueId();
  const open = (i: ReportInterval) => p.onOpen(i.start, i.brand);
  return (
    <div class="bt" data-testid="brand-timeline">
      <Show when={p.report.intervals.length > 0} fallback={<Empty>No brand was seen on this timeline.</Empty>}>
        <div class="bt-axis" aria-hidden="true">
          <For each={ticks()}>
            {(t, n) => (
              <span class="bt-tick" classList={{ minor: n() % 2 === 1 && n() !== ticks().length - 1 }} style={{ left: `${t.left}%` }}>
                {t.label}
              </span>
            )}
          </For>
        </div>
        <For each={lanes()}>
          {(lane, n) => (
            <div class="bt-lane" data-testid="brand-lane" data-brand={lane.brand}>
              <div class="bt-label">
                <span class="swatch" style={{ background: colourOf(n()) }} />
                <span class="bt-name" title={lane.brand}>
                  {lane.brand}
                </span>
                <span class="bt-exposure">{seconds(lane.exposureSeconds)}</span>
              </div>
              <div class="bt-track">
                <For each={lane.intervals}>
                  {(i) => {
                    const g = () => barGeometry(i, span());
                    return (
                      <button
                        type="button"
                        class="bt-bar"
                        data-testid="brand-interval"
                        data-brand={i.brand}
                        data-start={i.start}
                        style={{ left: `${g().left}%`, width: `${g().width}%`, background: colourOf(n()) }}
                        aria-label={`${i.brand} ${formatTime(i.start)} to ${formatTime(i.end)}: open this moment`}
                        aria-describedby={tip() === i ? tipId : undefined}
                        onMouseEnter={() => setTip(i)}
                        onMouseLeave={() => setTip((t) => (t === i ? null : t))}
                        onFocus={() => setTip(i)}
                        onBlur={() => setTip((t) => (t === i ? null : t))}
                        onClick={() => open(i)}
                        onKeyDown={(e) => {
                          // Handled here so it also works where Enter on a button makes no click; preventDefault stops the click that would repeat it.
                          if (e.key === 'Enter') {
                            e.preventDefault();
                            open(i);
                          }
                        }}
                      />
                    );
                  }}
                </For>
                <Show when={tip()?.brand === lane.brand ? tip() : null}>
                  {(i) => <IntervalTip id={tipId} interval={i()} span={span()} samplePeriod={p.report.settings.samplePeriod} />}
                </Show>
              </div>
            </div>
          )}
        </For>
      </Show>
    </div>
  );
};

const IntervalTip = (p: { id: string; interval: ReportInterval; span: number; samplePeriod: number }) => {
  const i = () => p.interval;
  const frames = () => framesOf(i(), p.samplePeriod);
  // Centred over the bar, but kept inside the track so it is not cut off at either end.
  const left = () => {
    const g = barGeometry(i(), p.span);
    return Math.min(85, Math.max(15, g.left + g.width / 2));
  };
  return (
    <div class="bt-tip" role="tooltip" id={p.id} data-testid="interval-tip" style={{ left: `${left()}%` }}>
      <strong>{i().brand}</strong>
      <dl>
        <dt>Time</dt>
        <dd>
          {formatTime(i().start)} – {formatTime(i().end)} ({seconds(i().duration)})
        </dd>
        <dt>Hits</dt>
        <dd>
          {i().hits} {i().hits === 1 ? 'frame' : 'frames'} (#{frames().first}–#{frames().last})
        </dd>
        <dt>Confidence</dt>
        <dd>{pct(i().meanConfidence, 0)}</dd>
        <dt>Screen share</dt>
        <dd>{pct(i().meanScreenShare, 2)}</dd>
        <dt>Source</dt>
        <dd>{sourceOf(i())}</dd>
        <dt>Cost</dt>
        <dd>{costText(i())}</dd>
      </dl>
    </div>
  );
};
