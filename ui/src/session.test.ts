/** The session's own rules: when to refresh, who shares a refresh, what ends it. */
import { describe, expect, test } from 'bun:test';
import type { AccessGrant } from '../../src/types/accounts.ts';
import { createSession, REFRESH_RETRY_MS, refreshDelay } from './session.ts';

const grant = (accessToken: string, expiresIn = 900): AccessGrant => ({
  accessToken,
  expiresIn,
  user: { id: 'u1', email: 'a@b.c', role: 'admin', disabled: false, mustChangePassword: false, createdAt: '', updatedAt: '' },
});

/** A session whose timers are kept for the test to run; `answers` are what successive refreshes get. */
const harness = (answers: (AccessGrant | null | Error)[]) => {
  const timers: { f: () => void; ms: number; cleared: boolean }[] = [];
  let refreshes = 0;
  const s = createSession({
    refresh: async () => {
      refreshes++;
      await Bun.sleep(1);
      const a = answers.shift() ?? null;
      if (a instanceof Error) throw a;
      return a;
    },
    setTimer: (f, ms) => timers.push({ f, ms, cleared: false }) - 1,
    clearTimer: (t) => {
      timers[t as number]!.cleared = true;
    },
  });
  return { s, timers, refreshes: () => refreshes };
};

describe('session', () => {
  test('the refresh runs a minute before expiry; a short token, half-way', () => {
    expect(refreshDelay(900)).toBe(840_000);
    expect(refreshDelay(60)).toBe(30_000);
  });

  test('a grant is kept in memory and its refresh scheduled; a new grant replaces the timer', () => {
    const { s, timers } = harness([]);
    s.accept(grant('t1'));
    expect(s.token()).toBe('t1');
    s.accept(grant('t2', 120));
    expect(timers.map((t) => [t.ms, t.cleared])).toEqual([
      [840_000, true],
      [60_000, false],
    ]);
  });

  test('callers at once share one refresh; a token already renewed is used without another', async () => {
    const { s, refreshes } = harness([grant('t2')]);
    s.accept(grant('t1'));
    expect(await Promise.all([s.renew('t1'), s.renew('t1'), s.refresh()])).toEqual(['t2', 't2', 't2']);
    expect(await s.renew('t1')).toBe('t2');
    expect(refreshes()).toBe(1);
  });

  test('a scheduled refresh that cannot reach the server is tried again; a refused one ends the session', async () => {
    const { s, timers } = harness([new Error('offline'), null]);
    const ended: string[] = [];
    s.onEnded((why) => ended.push(why));
    s.accept(grant('t1'));
    timers[0]!.f();
    await Bun.sleep(10);
    expect(s.token()).toBe('t1');
    expect(timers[1]!.ms).toBe(REFRESH_RETRY_MS);
    timers[1]!.f();
    await Bun.sleep(10);
    expect(s.token()).toBeNull();
    expect(ended).toEqual(['expired']);
    expect(await s.renew('t1')).toBeNull(); // ended: no further refresh
  });
});
