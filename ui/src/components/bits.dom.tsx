/** Component tests (DOM: happy-dom; run by `bun run test:ui-dom`, see ui/test/dom.ts). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { ErrorNote, ProgressBar, StatusBadge } from './bits.tsx';

describe('status badges, progress bars, error notes', () => {
  test('a badge shows the status in words and styles by it', () => {
    const { getByTestId } = render(() => <StatusBadge status="FAILED" title="ffmpeg failed" />);
    const badge = getByTestId('status');
    expect(badge.textContent).toBe('failed');
    expect(badge.className).toContain('badge-failed');
    expect(badge.getAttribute('title')).toBe('ffmpeg failed');
  });

  test('a progress bar follows its signal live, with fps and time left, and clamps', () => {
    const [percent, setPercent] = createSignal(12.34);
    const { getByTestId, container } = render(() => <ProgressBar percent={percent()} fps={48} etaSeconds={75} />);
    const bar = getByTestId('progress');
    expect(bar.getAttribute('data-percent')).toBe('12.3');
    expect(container.textContent).toContain('12.3%');
    expect(container.textContent).toContain('48 fps');
    expect(container.textContent).toContain('1 min 15 s left');
    setPercent(100);
    expect(bar.getAttribute('data-percent')).toBe('100.0');
    expect(container.textContent).not.toContain('left');
    setPercent(140);
    expect(bar.getAttribute('aria-valuenow')).toBe('100');
  });

  test('an error note is a sentence that can be dismissed, and nothing without a message', () => {
    const [message, setMessage] = createSignal<string | null>('The preset needs a name.');
    const { container, getByRole } = render(() => <ErrorNote message={message()} onDismiss={() => setMessage(null)} />);
    expect(getByRole('alert').textContent).toContain('The preset needs a name.');
    fireEvent.click(getByRole('button', { name: 'Dismiss' }));
    expect(container.textContent).toBe('');
  });
});
