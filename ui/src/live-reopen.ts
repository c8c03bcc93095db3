/** A page's own stream follows the app-wide one: when that was suspended (server gone) and is back, the page reopens. */
import { createEffect, on } from 'solid-js';
import type { LiveState } from './types.ts';

export const reopenWhenBack = (state: () => LiveState, reopen: () => void): void =>
  createEffect(
    on(
      state,
      (now, before) => {
        if (now === 'open' && before === 'reconnecting') reopen();
      },
      { defer: true },
    ),
  );
