/** An error note under its own test hook, there only while there is a message. */
import { Show } from 'solid-js';
import { ErrorNote } from './bits.tsx';

export const ErrorAt = (p: { testId: string; message: string | null | undefined; onDismiss?: () => void }) => (
  <Show when={p.message}>
    <div data-testid={p.testId}>
      <ErrorNote message={p.message} onDismiss={p.onDismiss} />
    </div>
  </Show>
);
