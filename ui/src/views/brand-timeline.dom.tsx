/** Component tests for the brand timeline: lanes by exposure, bars where the intervals are, the tooltip, opening a moment (DOM: happy-dom). */
import { afterEach, describe, expect, test } from 'bun:test';
import { cleanup, fireEvent, render } from '@solidjs/testing-library';
import type { BrandReport, ReportInterval } from '../../../src/types/detect.ts';
import { brandReport, brandSummary, reportInterval } from '../../test/detect-fixtures.ts';
import { BrandTimeline } from './brand-timeline.tsx';

// The library's own cleanup hook only covers the first test file of a run: unmount here, or a view (and its key listener) outlives its test.
afterEach(cleanup);

const interval = (brand: string, start: number, end: number, over: Partial<ReportInterval> & { source?: string; cost?: number } = {}) =>
  reportInterval(brand, start, end, { hits: 4, meanConfidence: 0.876, meanScreenShare: 0.0312, ...over });

const REPORT = brandReport(
  [interval('Acme', 10, 12.25), interval('Zeta', 30, 60, { source: 'cloud_llm', cost: 0.0125 }), interval('Acme', 80, 90)],
  [brandSummary('Zeta', { exposureSeconds: 30 }), brandSummary('Acme', { exposureSeconds: 12.25 })],
);

const mount = (report: BrandReport = REPORT) => {
  const opened: [number, string][] = [];
  const view = render(() => <BrandTimeline report={report} duration={100} onOpen={(t, brand) => opened.push([t, brand])} />);
  return { ...view, opened };
};

const bars = (root: HTMLElement) => [...root.querySelectorAll<HTMLElement>('[data-testid="brand-interval"]')];

describe('brand timeline', () => {
  test('a lane per brand by exposure, named with its exposure; each interval a bar placed over the duration', () => {
    const { container, getByTestId } = mount();
    const lanes = [...container.querySelectorAll<HTMLElement>('[data-testid="brand-lane"]')];
    expect(lanes.map((l) => l.dataset.brand)).toEqual(['Zeta', 'Acme']);
    expect(lanes[0]!.textContent).toContain('Zeta');
    expect(lanes[0]!.textContent).toContain('30 s');
    expect(lanes[1]!.textContent).toContain('12.3 s');
    const acme = lanes[1]!.querySelectorAll<HTMLElement>('[data-testid="brand-interval"]');
    expect([...acme].map((b) => b.dataset.start)).toEqual(['10', '80']);
    expect(acme[0]!.style.left).toBe('10%');
    expect(acme[0]!.style.width).toBe('2.25%');
    expect(acme[1]!.getAttribute('type')).toBe('button');
    const ticks = getByTestId('brand-timeline').querySelector('.bt-axis')!.textContent;
    expect(ticks).toContain('00:00');
    expect(ticks).toContain('01:30');
  });

  test('hover shows start–end, hits as frames, confidence and screen share as %, source and cost (ocr and — when unsaid)', () => {
    const { container, queryByTestId } = mount();
    const [zeta, acme] = [bars(container).find((b) => b.dataset.brand === 'Zeta')!, bars(container).find((b) => b.dataset.start === '10')!];
    expect(queryByTestId('interval-tip')).toBeNull();
    fireEvent.mouseEnter(acme);
    const tip = queryByTestId('interval-tip')!;
    expect(tip.textContent).toContain('0:10 – 0:12.25');
    expect(tip.textContent).toContain('4 frames (#20–#24)');
    expect(tip.textContent).toContain('88%');
    expect(tip.textContent).toContain('3.12%');
    expect(tip.querySelector('dt:nth-of-type(5) + dd')!.textContent).toBe('ocr');
    expect(tip.querySelector('dt:nth-of-type(6) + dd')!.textContent).toBe('—');
    expect(acme.getAttribute('aria-describedby')).toBe(tip.id);
    fireEvent.mouseLeave(acme);
    expect(queryByTestId('interval-tip')).toBeNull();

    fireEvent.focus(zeta);
    const tip2 = queryByTestId('interval-tip')!;
    expect(tip2.textContent).toContain('Zeta');
    expect(tip2.textContent).toContain('cloud_llm');
    expect(tip2.textContent).toContain('$0.013');
    fireEvent.blur(zeta);
    expect(queryByTestId('interval-tip')).toBeNull();
  });

  test('click or Enter opens the interval’s start for its brand', () => {
    const { container, opened } = mount();
    const late = bars(container).find((b) => b.dataset.start === '80')!;
    fireEvent.click(late);
    fireEvent.keyDown(bars(container).find((b) => b.dataset.brand === 'Zeta')!, { key: 'Enter' });
    fireEvent.keyDown(late, { key: 'a' });
    expect(opened).toEqual([
      [80, 'Acme'],
      [30, 'Zeta'],
    ]);
  });

  test('an empty report says no brand was seen', () => {
    const { getByTestId, container } = mount({ ...REPORT, intervals: [], brands: [], totalExposureSeconds: 0 });
    expect(getByTestId('brand-timeline').textContent).toBe('No brand was seen on this timeline.');
    expect(container.querySelector('[data-testid="brand-lane"]')).toBeNull();
  });
});
