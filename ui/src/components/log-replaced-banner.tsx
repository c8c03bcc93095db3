import { createSignal, Show } from 'solid-js';
import { useApp } from '../context.ts';
import { time } from '../format.ts';

const DISMISSED = 'mpr.logReplaced.dismissed';

/**
 * Says loudly when the server found its event log replaced or gone backwards
 * (a Redis that came back empty): what it saw, when, and that its read models
 * were rebuilt from the log as it is, so jobs, uploads and accounts recorded
 * before are gone from it. Dismissed per replacement (kept in localStorage).
 */
export const LogReplacedBanner = () => {
  const { system } = useApp();
  const [dismissed, setDismissed] = createSignal(localStorage.getItem(DISMISSED));
  const replaced = () => {
    const r = system.status()?.log.replaced ?? null;
    return r && r.at !== dismissed() ? r : null;
  };
  const dismiss = (at: string) => {
    localStorage.setItem(DISMISSED, at);
    setDismissed(at);
  };
  return (
    <Show when={replaced()}>
      {(r) => (
        <div class="log-replaced" role="alert" data-testid="log-replaced">
          <div>
            <b>The event log was replaced</b> ({time(r().at)}). {r().reason}. The server rebuilt its views from the log as it is now: jobs, uploads and accounts
            recorded only in the old log are gone. Check the log store's persistence (Redis: appendonly yes).
          </div>
          <button type="button" class="btn" onClick={() => dismiss(r().at)}>
            Dismiss
          </button>
        </div>
      )}
    </Show>
  );
};
