/** Small shared pieces: status badges, progress bars, error notes, empty states. */
import { Show, type JSX } from 'solid-js';
import { eta } from '../format.ts';

export const StatusBadge = (p: { status: string; title?: string }) => (
  <span class={`badge badge-${p.status.toLowerCase()}`} data-testid="status" title={p.title}>
    {p.status.toLowerCase()}
  </span>
);

export const ProgressBar = (p: { percent: number; fps?: number | null; etaSeconds?: number | null; status?: string; compact?: boolean }) => {
  const pct = () => Math.max(0, Math.min(100, p.percent || 0));
  return (
    <div class="progress-wrap">
      <div
        class={`progress progress-${(p.status ?? 'processing').toLowerCase()}`}
        data-testid="progress"
        data-percent={pct().toFixed(1)}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct()}
      >
        <div class="progress-fill" style={{ width: `${pct()}%` }} />
      </div>
      <span class="progress-text">
        {pct().toFixed(pct() >= 100 || pct() === 0 ? 0 : 1)}%
        <Show when={!p.compact && p.fps}>{(fps) => <span class="muted"> · {fps().toFixed(0)} fps</span>}</Show>
        <Show when={!p.compact && p.etaSeconds != null && pct() < 100}>
          <span class="muted"> · {eta(p.etaSeconds)} left</span>
        </Show>
        <Show when={!p.compact && p.status === 'QUEUED'}>
          <span class="muted"> · waiting for a worker</span>
        </Show>
      </span>
    </div>
  );
};

export const ErrorNote = (p: { message: string | null | undefined; onDismiss?: () => void }) => (
  <Show when={p.message}>
    <div class="error-note" role="alert">
      <span>{p.message}</span>
      <Show when={p.onDismiss}>
        <button type="button" class="link" onClick={() => p.onDismiss?.()} aria-label="Dismiss">
          ✕
        </button>
      </Show>
    </div>
  </Show>
);

export const Empty = (p: { children: JSX.Element }) => <div class="empty">{p.children}</div>;

export const Loading = () => <div class="empty muted">Loading…</div>;

/** A field's own message, under its input (`data-error-for` names the field's path). */
export const FieldError = (p: { for: string; message: string | null | undefined }) => (
  <Show when={p.message}>
    <span class="field-error" data-error-for={p.for}>
      {p.message}
    </span>
  </Show>
);
