/**
 * The LiveBus contract, written once and run against the in-process bus
 * (bus-contract.test.ts) and Redis pub/sub (bus-contract-redis.int.test.ts).
 *
 * The memory bus delivers inside publish(); the Redis bus delivers later,
 * when the message comes back from Redis. So every "is heard" is a poll, and
 * every "is not heard" waits for a marker published after it on a path that
 * would have carried the unwanted message first.
 *
 * Each make() must give a fresh bus of its own: two fixtures must not hear
 * each other (for Redis: each on its own prefix). `peer`, where the
 * implementation has one, is a second bus on the same prefix; it must be
 * listening by the time make() resolves.
 */
import { describe, expect, test } from 'bun:test';
import { until } from '../../test/wait.ts';
import type { BusMessage, LiveBus } from './bus.ts';

export interface BusFixture {
  bus: LiveBus;
  peer?: LiveBus;
  cleanup(): Promise<void>;
}

const WAIT_MS = 5_000;

const tick = (topic: string, seq: number, data: unknown = { seq }): BusMessage => ({
  topic,
  kind: 'progress',
  data,
  at: new Date(Date.UTC(2024, 0, 1, 0, 0, 0, seq)).toISOString(),
});

const seqs = (msgs: BusMessage[]) => msgs.map((m) => (m.data as { seq: number }).seq);

/** A handler that records what it hears, and the list it records into. */
const recorder = () => {
  const heard: BusMessage[] = [];
  return { heard, handler: (m: BusMessage) => void heard.push(m) };
};

export const liveBusContract = (name: string, make: () => Promise<BusFixture>): void => {
  describe(`LiveBus contract: ${name}`, () => {
    const withBus = async (fn: (f: BusFixture) => Promise<void>) => {
      const f = await make();
      try {
        await fn(f);
      } finally {
        await f.cleanup();
      }
    };

    test('a subscriber hears what is published: topic, kind, data and at, as JSON carries them', () =>
      withBus(async ({ bus }) => {
        const r = recorder();
        bus.subscribe(r.handler);
        const data = { seq: 1, percent: 12.5, nested: { ok: true, list: [1, 'two', null] }, text: 'naïve 東京 🎬 "q" \\ \u2028' };
        const msg: BusMessage = { topic: 'chunk:abc:3', kind: 'progress', data, at: '2024-05-06T07:08:09.010Z' };
        bus.publish(msg);
        await until(() => r.heard.length >= 1, 'the published message', WAIT_MS);
        expect(r.heard).toHaveLength(1);
        expect(r.heard[0]).toEqual(JSON.parse(JSON.stringify(msg)));
        // Scalars and null are payloads too.
        bus.publish(tick('job:x', 2, null));
        bus.publish(tick('job:x', 3, 'text'));
        bus.publish(tick('job:x', 4, 0));
        await until(() => r.heard.length >= 4, 'the scalar payloads', WAIT_MS);
        expect(r.heard.slice(1).map((m) => m.data)).toEqual([null, 'text', 0]);
      }));

    test('several subscribers each hear every message once', () =>
      withBus(async ({ bus }) => {
        const rs = [recorder(), recorder(), recorder()];
        for (const r of rs) bus.subscribe(r.handler);
        bus.publish(tick('job:many', 1));
        bus.publish(tick('job:many', 2));
        await until(() => rs.every((r) => r.heard.length >= 2), 'both messages on every subscriber', WAIT_MS);
        for (const r of rs) expect(seqs(r.heard)).toEqual([1, 2]);
      }));

    test('unsubscribe stops delivery to that handler only, and may be called twice', () =>
      withBus(async ({ bus }) => {
        const gone = recorder();
        const kept = recorder();
        const off = bus.subscribe(gone.handler);
        bus.subscribe(kept.handler);
        bus.publish(tick('job:u', 1));
        await until(() => gone.heard.length >= 1 && kept.heard.length >= 1, 'the first message on both', WAIT_MS);
        off();
        off();
        // Handlers on one bus hear a message together: once `kept` hears the
        // later ones, `gone` would have heard them too.
        bus.publish(tick('job:u', 2));
        bus.publish(tick('job:u', 3));
        await until(() => kept.heard.length >= 3, 'the later messages', WAIT_MS);
        expect(seqs(gone.heard)).toEqual([1]);
        expect(seqs(kept.heard)).toEqual([1, 2, 3]);
      }));

    test('a throwing subscriber stops neither the others nor the publisher, and keeps hearing', () =>
      withBus(async ({ bus }) => {
        let thrown = 0;
        const before = recorder();
        const after = recorder();
        bus.subscribe(before.handler);
        bus.subscribe(() => {
          thrown++;
          throw new Error('broken listener');
        });
        bus.subscribe(after.handler);
        expect(() => bus.publish(tick('job:t', 1))).not.toThrow();
        expect(() => bus.publish(tick('job:t', 2))).not.toThrow();
        await until(() => before.heard.length >= 2 && after.heard.length >= 2 && thrown >= 2, 'both messages past the broken listener', WAIT_MS);
        expect(seqs(before.heard)).toEqual([1, 2]);
        expect(seqs(after.heard)).toEqual([1, 2]);
        expect(thrown).toBe(2);
      }));

    test('messages from one publisher arrive in publish order', () =>
      withBus(async ({ bus, peer }) => {
        const n = 300;
        const mine = recorder();
        const theirs = recorder();
        bus.subscribe(mine.handler);
        peer?.subscribe(theirs.handler);
        for (let i = 0; i < n; i++) bus.publish(tick(`job:o${i % 7}`, i));
        await until(() => mine.heard.length >= n, `${n} messages`, WAIT_MS);
        expect(seqs(mine.heard)).toEqual(Array.from({ length: n }, (_, i) => i));
        if (peer) {
          await until(() => theirs.heard.length >= n, `${n} messages on the peer`, WAIT_MS);
          expect(seqs(theirs.heard)).toEqual(seqs(mine.heard));
        }
      }));

    test('close() stops delivery, may be called twice, and publish after it does not throw', () =>
      withBus(async ({ bus, peer }) => {
        const r = recorder();
        bus.subscribe(r.handler);
        bus.publish(tick('job:c', 1));
        await until(() => r.heard.length >= 1, 'the message before close', WAIT_MS);
        await bus.close();
        await bus.close();
        expect(() => bus.publish(tick('job:c', 2))).not.toThrow();
        if (peer) {
          // The peer's marker travels the same channel the closed bus listened on.
          const p = recorder();
          peer.subscribe(p.handler);
          peer.publish(tick('job:c', 3));
          await until(() => seqs(p.heard).includes(3), 'the marker on the peer', WAIT_MS);
        } else {
          // No second path to send a marker on: give a late delivery a moment to show.
          await Bun.sleep(50);
        }
        expect(seqs(r.heard)).toEqual([1]);
      }));

    test('a bus from another fixture (another prefix) hears nothing of this one', async () => {
      const a = await make();
      const b = await make();
      try {
        const heardA = recorder();
        const heardB = recorder();
        a.bus.subscribe(heardA.handler);
        b.bus.subscribe(heardB.handler);
        a.bus.publish(tick('job:iso', 1));
        a.peer?.publish(tick('job:iso', 2));
        await until(() => heardA.heard.length >= (a.peer ? 2 : 1), 'the messages on their own bus', WAIT_MS);
        // Each marker is sent after the other side's messages have gone
        // round: anything leaking across would have been heard before it.
        b.bus.publish(tick('job:iso-marker-b', 98));
        await until(() => heardB.heard.length >= 1, 'the marker on the other bus', WAIT_MS);
        a.bus.publish(tick('job:iso-marker-a', 99));
        await until(() => heardA.heard.some((m) => m.topic === 'job:iso-marker-a'), 'the marker back on the first bus', WAIT_MS);
        expect(heardB.heard.map((m) => m.topic)).toEqual(['job:iso-marker-b']);
        expect(heardA.heard.map((m) => m.topic)).not.toContain('job:iso-marker-b');
      } finally {
        await Promise.all([a.cleanup(), b.cleanup()]);
      }
    });

    test('a peer on the same prefix hears this bus, and this bus hears the peer (where there are peers)', () =>
      withBus(async ({ bus, peer }) => {
        // The in-process bus has no peers (its subscribers all share the one
        // bus, covered above): its fixture gives none and this test has nothing to check.
        if (!peer) return;
        const here = recorder();
        const there = recorder();
        bus.subscribe(here.handler);
        peer.subscribe(there.handler);
        const msg = tick('job:peer', 1, { seq: 1, percent: 50, note: 'ü' });
        bus.publish(msg);
        await until(() => there.heard.length >= 1 && here.heard.length >= 1, 'the message on both buses', WAIT_MS);
        expect(there.heard[0]).toEqual(JSON.parse(JSON.stringify(msg)));
        peer.publish(tick('job:peer', 2));
        await until(() => here.heard.length >= 2 && there.heard.length >= 2, 'the peer message on both buses', WAIT_MS);
        expect(seqs(here.heard)).toEqual([1, 2]);
        expect(seqs(there.heard)).toEqual([1, 2]);
      }));
  });
};
