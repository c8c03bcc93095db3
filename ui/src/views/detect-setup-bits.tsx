/** Pieces the detection setup screens share: their links (through the router), and an inline question before a destructive step. */
import { createSignal, type JSX, Show } from 'solid-js';
import { href } from '../router.ts';

export const TIMELINES_HREF = href({ name: 'detect-timelines' });
export const timelineHref = (id: string) => href({ name: 'detect-timeline', id });

/** ConfirmRow's look (components/confirm-row.tsx) outside a table: the question, the action, and Keep. */
export const ConfirmLine = (p: { children: JSX.Element; action: string; testId: string; onConfirm: () => void; onKeep: () => void }) => (
  <div class="inline-form confirm confirm-line">
    <span>{p.children}</span>
    <button type="button" class="btn danger small" data-testid={p.testId} onClick={() => p.onConfirm()}>
      {p.action}
    </button>
    <button type="button" class="btn ghost small" onClick={() => p.onKeep()}>
      Keep
    </button>
  </div>
);

/** A danger button (`label`) that, pressed, gives way to its question (`children`) until the question is answered. */
export const AskFirst = (p: { label: string; testId: string; action: string; confirmTestId: string; onConfirm: () => void; children: JSX.Element }) => {
  const [asking, setAsking] = createSignal(false);
  return (
    <Show
      when={asking()}
      fallback={
        <button type="button" class="btn small ghost danger" data-testid={p.testId} onClick={() => setAsking(true)}>
          {p.label}
        </button>
      }
    >
      <ConfirmLine
        action={p.action}
        testId={p.confirmTestId}
        onConfirm={() => {
          setAsking(false);
          p.onConfirm();
        }}
        onKeep={() => setAsking(false)}
      >
        {p.children}
      </ConfirmLine>
    </Show>
  );
};
