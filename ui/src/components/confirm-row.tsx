/** A table row that asks before a destructive action (revoke a key, remove a user), inline: no browser dialog. */
import type { JSX } from 'solid-js';

export const ConfirmRow = (p: {
  colSpan: number;
  children: JSX.Element;
  action: string;
  keep: string;
  testId: string;
  onConfirm: () => void;
  onKeep: () => void;
}) => (
  <tr class="subrow">
    <td colSpan={p.colSpan}>
      <div class="inline-form confirm">
        <span>{p.children}</span>
        <button type="button" class="btn danger small" data-testid={p.testId} onClick={() => p.onConfirm()}>
          {p.action}
        </button>
        <button type="button" class="btn ghost small" onClick={() => p.onKeep()}>
          {p.keep}
        </button>
      </div>
    </td>
  </tr>
);
