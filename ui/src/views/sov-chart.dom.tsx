/** Component tests for the share-of-voice chart: a slice per brand with its title, a legend, an empty state (DOM: happy-dom). */
import { afterEach, describe, expect, test } from 'bun:test';
import { cleanup, render } from '@solidjs/testing-library';
import { brandSummary } from '../../test/detect-fixtures.ts';
import { SovChart } from './sov-chart.tsx';

// The library's own cleanup hook only covers the first test file of a run: unmount here, or a view (and its key listener) outlives its test.
afterEach(cleanup);

const brand = (name: string, exposureSeconds: number, shareOfVoice: number) => brandSummary(name, { exposureSeconds, shareOfVoice });

describe('share-of-voice chart', () => {
  test('a titled SVG with a slice per brand, largest first, and a labelled legend', () => {
    const { getByTestId } = render(() => <SovChart brands={[brand('Beta', 3, 0.25), brand('Acme', 9, 0.75)]} />);
    const chart = getByTestId('sov-chart');
    const svg = chart.querySelector('svg')!;
    expect(svg.getAttribute('role')).toBe('img');
    const title = svg.querySelector(':scope > title')!;
    expect(title.textContent).toBe('Share of voice: Acme 75.0%, Beta 25.0%');
    expect(svg.getAttribute('aria-labelledby')).toBe(title.id);
    const slices = [...svg.querySelectorAll('path')];
    expect(slices.map((s) => s.getAttribute('data-brand'))).toEqual(['Acme', 'Beta']);
    expect(slices.map((s) => s.querySelector('title')!.textContent)).toEqual(['Acme: 75.0%', 'Beta: 25.0%']);
    expect(slices[0]!.getAttribute('d')).toContain(' 1 1 '); // three quarters: the large arc
    expect([...chart.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['Acme75.0%', 'Beta25.0%']);
  });

  test('nothing seen: a sentence, no chart', () => {
    const { getByTestId } = render(() => <SovChart brands={[]} />);
    expect(getByTestId('sov-chart').querySelector('svg')).toBeNull();
    expect(getByTestId('sov-chart').textContent).toBe('No share of voice: no brand was seen.');
  });
});
