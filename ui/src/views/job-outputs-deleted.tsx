/**
 * The job page's outputs card for a completed job whose outputs were deleted
 * with its asset: a notice instead of the player and downloads, and "Run
 * again" (stores/run-again.ts) while its source is there, or why not.
 */
import { Show } from 'solid-js';
import { ErrorNote } from '../components/bits.tsx';
import { useApp } from '../context.ts';
import { time } from '../format.ts';
import { createRunAgain } from '../stores/run-again.ts';
import type { Job, StoredEvent } from '../types.ts';

/** The "outputs deleted" badge the jobs list and the job page show. */
export const OutputsDeletedBadge = (p: { at: string }) => (
  <span class="badge badge-missing" data-testid="outputs-deleted" title={`outputs deleted ${time(p.at)}`}>
    outputs deleted
  </span>
);

export const JobOutputsDeleted = (p: { job: Job; at: string; events: () => readonly StoredEvent[] }) => {
  const { api, go } = useApp();
  const again = createRunAgain(
    api,
    () => p.job,
    p.events,
    (id) => go({ name: 'job', id }),
  );
  void again.check();
  const blocked = () => {
    const s = again.source();
    return s.state === 'blocked' ? s.why : null;
  };
  return (
    <div class="card" data-testid="outputs-deleted-notice">
      <h2>Outputs</h2>
      <p>
        This job’s outputs were deleted with its asset on <span data-testid="outputs-deleted-at">{time(p.at)}</span>, so there is nothing left to play or
        download. Running it again makes them anew with the same settings.
      </p>
      <Show when={blocked()} fallback={<RunAgainButton disabled={again.source().state !== 'ready' || again.busy()} busy={again.busy()} run={again.run} />}>
        {(why) => (
          <p class="muted" data-testid="run-again-blocked">
            {why()}
          </p>
        )}
      </Show>
      <ErrorNote message={again.error()} />
    </div>
  );
};

const RunAgainButton = (p: { disabled: boolean; busy: boolean; run: () => Promise<void> }) => (
  <button type="button" class="btn primary" data-testid="run-again" disabled={p.disabled} onClick={() => void p.run()}>
    {p.busy ? 'Starting…' : 'Run again'}
  </button>
);
