/**
 * The signing secrets of access tokens, output URLs and nothing else, kept
 * in the session store (so every node of a cluster signs and verifies
 * alike) and cached here. A rotation on another node is picked up within
 * `refreshMs`; tokens signed with the previous secret stay valid until they
 * expire, because the previous secret is kept for verifying.
 */
import type { SessionStore, SigningSecret } from './store/index.ts';
import { newSigningSecret } from './tokens.ts';

export interface Secrets {
  /** The secret new tokens are signed with. */
  current(): Promise<SigningSecret>;
  /** Every secret a token may have been signed with. */
  all(): Promise<SigningSecret[]>;
  /**
   * Makes a new current secret. The one it replaces, and any retired less
   * than `keepMs` ago, go on verifying what they signed; 0 drops them all now.
   */
  rotate(keepMs: number): Promise<SigningSecret>;
}

export const createSecrets = (d: { store: SessionStore; clock: () => number; refreshMs?: number }): Secrets => {
  let cached: { at: number; list: SigningSecret[] } | null = null;
  let loading: Promise<SigningSecret[]> | null = null;
  const refreshMs = d.refreshMs ?? 60_000;

  const load = async (): Promise<SigningSecret[]> => {
    const now = d.clock();
    if (cached && now - cached.at < refreshMs) return cached.list;
    loading ??= d.store
      .signingSecrets(() => newSigningSecret(d.clock()))
      .then((list) => {
        cached = { at: d.clock(), list };
        return list;
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  };

  return {
    current: async () => (await load())[0]!,
    all: load,
    async rotate(keepMs) {
      cached = null;
      const list = await load();
      const now = d.clock();
      const next = newSigningSecret(now);
      // A secret retired when its successor was made; it verifies for keepMs after that. The current one retires now.
      let oldestKept = keepMs > 0 ? 0 : -1;
      while (oldestKept >= 0 && oldestKept + 1 < list.length && list[oldestKept]!.createdAtMs >= now - keepMs) oldestKept++;
      const dropBeforeMs = oldestKept >= 0 ? list[oldestKept]!.createdAtMs : next.createdAtMs + 1;
      await d.store.rotateSigningSecret(next, dropBeforeMs);
      cached = null;
      await load();
      return next;
    },
  };
};
