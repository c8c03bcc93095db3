/** A secret the server answers once (a new API key, a generated password): shown with a copy button until dismissed. */
import { createSignal, type JSX } from 'solid-js';

export const OneTimeSecret = (p: { testid: string; children: JSX.Element; value: string; onDone: () => void }) => {
  const [copied, setCopied] = createSignal<'yes' | 'select' | null>(null);
  let input: HTMLInputElement | undefined;
  const copy = async () => {
    try {
      // The clipboard API exists only in secure contexts (https, localhost).
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(p.value);
      setCopied('yes');
    } catch {
      input?.select();
      setCopied('select');
    }
  };
  return (
    <div class="card secret" data-testid={p.testid} role="status">
      <div>{p.children}</div>
      <div class="secret-row">
        <input
          ref={input}
          class="mono secret-value"
          readOnly
          value={p.value}
          aria-label="The secret"
          data-testid={`${p.testid}-value`}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" class="btn small" data-testid="copy-secret" onClick={() => void copy()}>
          {copied() === 'yes' ? 'Copied' : 'Copy'}
        </button>
        <button type="button" class="btn small ghost" data-testid="secret-done" onClick={() => p.onDone()}>
          Done
        </button>
      </div>
      <p class="small muted">{copied() === 'select' ? 'Selected: press Ctrl+C (⌘C) to copy. ' : ''}It will not be shown again.</p>
    </div>
  );
};
