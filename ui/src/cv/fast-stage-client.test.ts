/** The fast path's request logic with a fake worker: started lazily, one in flight per view, the newest waiting request wins, failures in words. */
import { describe, expect, test } from 'bun:test';
import { createFastStageClient, type FastAsk, type FastOutcome, type WorkerPort } from './fast-stage-client.ts';
import type { FastReply, FastRequest, FastResult } from './fast-stage-core.ts';

const fieldResult = (share: number): FastResult => ({
  stage: 'segment_field',
  width: 4,
  height: 2,
  share,
  scale: 1,
  mask: { width: 4, height: 2, data: new Uint8Array(8) },
  regions: [],
});

/** A worker that holds every request until the test answers it. */
const fakeWorkers = () => {
  const made: { posted: FastRequest[]; reply: (r: FastReply) => void; fail: (why: string) => void; terminated: boolean }[] = [];
  const make = (): WorkerPort => {
    const w = { posted: [] as FastRequest[], reply: (_: FastReply) => {}, fail: (_: string) => {}, terminated: false };
    made.push(w);
    return {
      post: (req) => w.posted.push(req),
      listen: (onReply, onFail) => {
        w.reply = onReply;
        w.fail = onFail;
      },
      terminate: () => {
        w.terminated = true;
      },
    };
  };
  return { made, make };
};

const ask = (threshold: number, key = 'job-1:0'): FastAsk => ({
  key,
  image: new Blob([new Uint8Array([0xff, 0xd8])], { type: 'image/jpeg' }),
  stage: 'segment_field',
  settings: { saturation_min: threshold },
});

const done = (req: FastRequest, share: number): FastReply => ({
  id: req.id,
  ok: true,
  result: fieldResult(share),
  timings: { loadMs: null, decodeMs: 1, stageMs: 2 },
});

describe('fast stage client', () => {
  test('the worker starts on the first request, not when the client or a view is made', async () => {
    const w = fakeWorkers();
    const client = createFastStageClient(w.make);
    const view = client.view();
    expect(w.made.length).toBe(0);
    expect(client.started()).toBe(false);
    const out = view.run(ask(40));
    expect(w.made.length).toBe(1);
    expect(client.started()).toBe(true);
    const req = w.made[0]!.posted[0]!;
    expect(req).toMatchObject({ key: 'job-1:0', stage: 'segment_field', settings: { saturation_min: 40 } });
    w.made[0]!.reply(done(req, 0.5));
    const o = await out;
    expect(o.status).toBe('done');
    expect(o.status === 'done' && o.result.stage === 'segment_field' && o.result.share).toBe(0.5);
  });

  test('a slider dragged fast: one request in flight, the newest waiting one runs next, those it replaced settle as superseded', async () => {
    const w = fakeWorkers();
    const view = createFastStageClient(w.make).view();
    const outcomes: FastOutcome[] = [];
    const runs = [10, 11, 12, 13, 14].map((v) => view.run(ask(v)).then((o) => outcomes.push(o)));
    const worker = w.made[0]!;
    expect(worker.posted.map((r) => r.settings.saturation_min)).toEqual([10]);
    worker.reply(done(worker.posted[0]!, 0.1));
    await Promise.resolve();
    // 11, 12 and 13 were replaced while 10 ran; only 14 is sent.
    expect(worker.posted.map((r) => r.settings.saturation_min)).toEqual([10, 14]);
    worker.reply(done(worker.posted[1]!, 0.14));
    await Promise.all(runs);
    const by = (v: number) => outcomes.find((o) => o.ask.settings.saturation_min === v)!.status;
    expect([10, 11, 12, 13, 14].map(by)).toEqual(['done', 'superseded', 'superseded', 'superseded', 'done']);
    const last = outcomes.at(-1)!;
    expect(last.status === 'done' && last.result.stage === 'segment_field' && last.result.share).toBe(0.14);
  });

  test('views are independent: one view waiting does not hold another', async () => {
    const w = fakeWorkers();
    const client = createFastStageClient(w.make);
    const a = client.view();
    const b = client.view();
    const ra = a.run(ask(1, 'j:1'));
    const rb = b.run(ask(2, 'j:2'));
    const worker = w.made[0]!;
    expect(w.made.length).toBe(1); // one worker for the page
    expect(worker.posted.map((r) => r.key)).toEqual(['j:1', 'j:2']);
    // Answers may come in any order; each goes to its own request.
    worker.reply(done(worker.posted[1]!, 0.2));
    worker.reply(done(worker.posted[0]!, 0.1));
    const [oa, ob] = await Promise.all([ra, rb]);
    expect(oa.status === 'done' && oa.result.stage === 'segment_field' && oa.result.share).toBe(0.1);
    expect(ob.status === 'done' && ob.result.stage === 'segment_field' && ob.result.share).toBe(0.2);
  });

  test("a stage's error comes back as a sentence, and the next request still runs", async () => {
    const w = fakeWorkers();
    const view = createFastStageClient(w.make).view();
    const first = view.run(ask(1));
    const worker = w.made[0]!;
    worker.reply({ id: worker.posted[0]!.id, ok: false, error: 'OpenCV: (-215:Assertion failed) ksize.width > 0' });
    expect(await first).toEqual({ status: 'failed', ask: expect.anything(), error: 'OpenCV: (-215:Assertion failed) ksize.width > 0.' });
    const second = view.run(ask(2));
    worker.reply(done(worker.posted[1]!, 0.3));
    expect((await second).status).toBe('done');
  });

  test('a worker that fails fails what it held, in words, and the next request starts a fresh worker', async () => {
    const w = fakeWorkers();
    const view = createFastStageClient(w.make).view();
    const running = view.run(ask(1));
    const waiting = view.run(ask(2));
    w.made[0]!.fail('OpenCV.js did not initialise within 30 s');
    const expected = 'The in-browser preview failed: OpenCV.js did not initialise within 30 s.';
    expect(await running).toMatchObject({ status: 'failed', error: expected });
    expect(await waiting).toMatchObject({ status: 'failed', error: expected });
    expect(w.made[0]!.terminated).toBe(true);
    const again = view.run(ask(3));
    expect(w.made.length).toBe(2);
    // The failed worker's late answers are ignored.
    w.made[0]!.reply(done(w.made[0]!.posted[0]!, 0.9));
    w.made[1]!.reply(done(w.made[1]!.posted[0]!, 0.3));
    const o = await again;
    expect(o.status === 'done' && o.result.stage === 'segment_field' && o.result.share).toBe(0.3);
  });

  test('a closed view drops what waits and ignores the answer in flight', async () => {
    const w = fakeWorkers();
    const view = createFastStageClient(w.make).view();
    const running = view.run(ask(1));
    const waiting = view.run(ask(2));
    view.dispose();
    expect((await waiting).status).toBe('superseded');
    w.made[0]!.reply(done(w.made[0]!.posted[0]!, 0.5));
    expect((await running).status).toBe('superseded');
    expect(w.made[0]!.posted.length).toBe(1);
    expect((await view.run(ask(3))).status).toBe('superseded');
  });

  test('the time an answer took is measured on the page, from post to answer', async () => {
    const w = fakeWorkers();
    let t = 100;
    const view = createFastStageClient(w.make, () => t).view();
    const out = view.run(ask(1));
    t = 142;
    w.made[0]!.reply(done(w.made[0]!.posted[0]!, 0.5));
    const o = await out;
    expect(o.status === 'done' && o.totalMs).toBe(42);
  });
});
