/**
 * The dead-letter list under the workers: work items set aside as poison
 * (they lost their worker or stalled MPR_MAX_ITEM_TRIES times; their job
 * failed with the reason shown), newest first, each with its history of
 * takes, stalls and hand-backs. Admins retry an item (its job runs again as
 * its next attempt) or drop it, after being asked (its job stays failed);
 * everyone else reads the list without the buttons.
 */
import { createSignal, For, Show } from 'solid-js';
import { ErrorNote, Loading } from '../components/bits.tsx';
import { ConfirmRow } from '../components/confirm-row.tsx';
import { Pager } from '../components/pager.tsx';
import { time } from '../format.ts';
import { href } from '../router.ts';
import { type DeadItemsStore, deadItemLabel, historyText } from '../stores/dead-items.ts';
import type { DeadItem } from '../../../src/types/workers.ts';
import '../dead-items.css';

export const DeadItemsView = (p: { store: DeadItemsStore; canAct: boolean }) => {
  const s = p.store;
  const cols = () => (p.canAct ? 7 : 6);
  /** A refusal for an item no longer on this page is shown above the list instead of under its row. */
  const strayError = () => {
    const e = s.actionError();
    return e && !s.items().some((x) => x.itemId === e.itemId) ? e : null;
  };
  return (
    <section class="card dead-items" data-testid="dead-items" aria-labelledby="dead-items-title">
      <div class="card-head">
        <h2 id="dead-items-title">Dead-letter list</h2>
        <span class="muted small" data-testid="dead-total" data-total={s.total()}>
          {s.total() === 1 ? '1 item' : `${s.total()} items`}
        </span>
        <Show when={!p.canAct && s.total() > 0}>
          <span class="muted small">Only admins can retry or drop these.</span>
        </Show>
      </div>
      <ErrorNote message={s.error()} />
      <Show when={strayError()}>
        {(e) => (
          <div data-testid="dead-error" data-item={e().itemId}>
            <ErrorNote message={e().message} onDismiss={s.dismissActionError} />
          </div>
        )}
      </Show>
      <Show when={s.resolved()}>
        {(r) => (
          <div class="dead-done small" role="status" data-testid="dead-done" data-action={r().action}>
            <span>
              {r().action === 'retried' ? 'Retried' : 'Dropped'} {deadItemLabel(r().item)}: <a href={href({ name: 'job', id: r().jobId })}>job {r().jobId}</a>{' '}
              {r().action === 'retried' ? 'runs again as its next attempt.' : 'stays failed.'}
            </span>
            <button type="button" class="link" aria-label="Dismiss" onClick={() => s.dismissResolved()}>
              ✕
            </button>
          </div>
        )}
      </Show>
      <Show when={s.loaded()} fallback={<Loading />}>
        <Show when={s.items().length > 0} fallback={<NoDeadItems failed={s.error() !== null} />}>
          <table class="table stack dead-table">
            <thead>
              <tr>
                <th>Job</th>
                <th>Chunk</th>
                <th>Kind</th>
                <th>Tries</th>
                <th class="wide">Reason</th>
                <th>When</th>
                <Show when={p.canAct}>
                  <th aria-label="Actions" />
                </Show>
              </tr>
            </thead>
            <tbody>
              <For each={s.items()}>{(i) => <DeadRow store={s} item={i} canAct={p.canAct} cols={cols()} />}</For>
            </tbody>
          </table>
          <Pager list={s} />
        </Show>
      </Show>
    </section>
  );
};

const NoDeadItems = (p: { failed: boolean }) => (
  <Show when={!p.failed} fallback={<div class="empty">The dead-letter list could not be read.</div>}>
    <div class="empty" data-testid="dead-empty">
      <p>No dead items.</p>
      <p class="small">
        A work item lands here when it loses its worker (the worker was killed holding it) or stalls <code>MPR_MAX_ITEM_TRIES</code> times. Its job fails with
        the reason; an admin can then retry the item, running the job again, or drop it.
      </p>
    </div>
  </Show>
);

const DeadRow = (p: { store: DeadItemsStore; item: DeadItem; canAct: boolean; cols: number }) => {
  const [asking, setAsking] = createSignal(false);
  const i = () => p.item;
  const pending = () => p.store.pending()[i().itemId];
  const error = () => {
    const e = p.store.actionError();
    return e && e.itemId === i().itemId ? e : null;
  };
  return (
    <>
      <tr data-testid="dead-item" data-item={i().itemId} data-job={i().jobId} classList={{ 'row-dim': pending() !== undefined }}>
        <td data-label="Job">
          <a class="mono" href={href({ name: 'job', id: i().jobId })}>
            {i().jobId}
          </a>
        </td>
        <td data-label="Chunk" data-testid="dead-chunk">
          {i().n} · attempt {i().attempt}
        </td>
        <td data-label="Kind">{i().kind}</td>
        <td class="num" data-label="Tries" data-testid="dead-tries">
          {i().tries}
        </td>
        <td data-label="Reason">
          <div class="dead-reason" data-testid="dead-reason">
            {i().reason}
          </div>
          <History item={i()} />
        </td>
        <td class="small" data-label="When" title={i().at}>
          {time(i().at)}
        </td>
        <Show when={p.canAct}>
          <td class="actions">
            <button
              type="button"
              class="btn small"
              data-testid="dead-retry"
              disabled={pending() !== undefined}
              title="Run its job again as the next attempt"
              onClick={() => void p.store.retry(i().itemId)}
            >
              {pending() === 'retry' ? 'Retrying…' : 'Retry'}
            </button>
            <button type="button" class="btn small ghost danger" data-testid="dead-drop" disabled={pending() !== undefined} onClick={() => setAsking(true)}>
              {pending() === 'drop' ? 'Dropping…' : 'Drop'}
            </button>
          </td>
        </Show>
      </tr>
      <Show when={error()}>
        {(e) => (
          <tr class="subrow">
            <td colSpan={p.cols} data-testid="dead-error" data-item={e().itemId}>
              <ErrorNote message={e().message} onDismiss={p.store.dismissActionError} />
            </td>
          </tr>
        )}
      </Show>
      <Show when={p.canAct && asking()}>
        <ConfirmRow
          colSpan={p.cols}
          action="Drop"
          keep="Keep it"
          testId="dead-confirm-drop"
          onConfirm={() => {
            setAsking(false);
            void p.store.drop(i().itemId);
          }}
          onKeep={() => setAsking(false)}
        >
          Drop {deadItemLabel(i())}? Its job stays failed and the item leaves this list.
        </ConfirmRow>
      </Show>
    </>
  );
};

const History = (p: { item: DeadItem }) => (
  <Show when={p.item.history.length > 0}>
    <details class="dead-history" data-testid="dead-history">
      <summary class="small">History ({p.item.history.length})</summary>
      <ol>
        <For each={p.item.history}>
          {(t) => (
            <li data-testid="dead-try" data-what={t.what} class={`dead-try-${t.what}`}>
              <span>{historyText(t)}</span>{' '}
              <span class="muted" title={t.at}>
                {time(t.at)}
              </span>
            </li>
          )}
        </For>
      </ol>
    </details>
  </Show>
);
