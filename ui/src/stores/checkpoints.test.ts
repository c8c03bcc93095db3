import { describe, expect, test } from 'bun:test';
import { ApiError } from '../api.ts';
import type { CheckpointNode, DetectJob } from '../detect-api.ts';
import { J1, J2, J3, J4, J5, TL, checkpoints, detectJob, detectJobs } from '../../test/checkpoint-fixtures.ts';
import { type CheckpointsApi, createCheckpointsStore } from './checkpoints.ts';

/** A fake of the two calls the store makes, counting them. */
const fake = (over: { nodes?: () => Promise<CheckpointNode[]>; jobs?: Record<string, DetectJob> } = {}) => {
  const asked = { checkpoints: [] as string[], jobs: [] as string[] };
  const jobs = over.jobs ?? detectJobs();
  const detect = {
    checkpoints: async (timelineId: string) => {
      asked.checkpoints.push(timelineId);
      return over.nodes ? over.nodes() : checkpoints();
    },
    runJob: async (id: string) => {
      asked.jobs.push(id);
      const j = jobs[id];
      if (!j) throw new ApiError(404, 'not_found', `no detect job ${id}`);
      return j;
    },
  };
  return { api: { detect } as unknown as CheckpointsApi, asked, jobs };
};

describe('checkpoints store', () => {
  test('loads the timeline’s tree: nodes, forest and layout', async () => {
    const { api, asked } = fake();
    const s = createCheckpointsStore(api, TL);
    expect(s.loaded()).toBe(false);
    await s.load();
    expect(asked.checkpoints).toEqual([TL]);
    expect(s.loaded()).toBe(true);
    expect(s.nodes()).toHaveLength(14);
    expect(s.forest().roots).toHaveLength(2);
    expect(s.layout().rows[0]!.node.id).toBe(`${J1}-extract_frames`);
    expect(s.layout()).toBe(s.layout()); // worked out once per list
    expect(s.error()).toBeNull();
  });

  test('a failed load says why; a refresh that works clears it', async () => {
    let fail = true;
    const { api } = fake({ nodes: async () => (fail ? Promise.reject(new ApiError(404, 'not_found', 'no timeline tl1')) : checkpoints()) });
    const s = createCheckpointsStore(api, TL);
    await s.load();
    expect(s.error()).toBe('No timeline tl1.');
    expect(s.loaded()).toBe(true);
    fail = false;
    await s.refresh();
    expect(s.error()).toBeNull();
    expect(s.nodes()).toHaveLength(14);
  });

  test('picks toggle, two at most (a third replaces the older); each job is fetched once', async () => {
    const { api, asked } = fake();
    const s = createCheckpointsStore(api, TL);
    await s.load();
    await s.pick(`${J2}-compile_report`);
    expect(s.picked()).toEqual([`${J2}-compile_report`]);
    expect(s.comparison()).toBeNull();
    await s.pick(`${J3}-compile_report`);
    await s.pick(`${J3}-ocr`); // replaces J2's
    expect(s.picked()).toEqual([`${J3}-compile_report`, `${J3}-ocr`]);
    await s.pick(`${J2}-compile_report`);
    expect(s.picked()).toEqual([`${J3}-ocr`, `${J2}-compile_report`]);
    await s.pick(`${J3}-ocr`); // unpicks
    expect(s.picked()).toEqual([`${J2}-compile_report`]);
    await s.pick(`${J2}-match_brands`);
    expect(asked.jobs).toEqual([J2, J3]);
    expect(s.jobs()[J2]).toMatchObject({ state: 'loaded' });
    s.clearPicks();
    expect(s.picked()).toEqual([]);
  });

  test('the comparison: settings of both jobs, stats after the branch, the reports diffed', async () => {
    const { api } = fake();
    const s = createCheckpointsStore(api, TL);
    await s.load();
    await s.pick(`${J2}-compile_report`);
    await s.pick(`${J3}-compile_report`);
    const c = s.comparison()!;
    expect(c.a.node.id).toBe(`${J2}-compile_report`);
    expect(c.common!.id).toBe(`${J1}-preprocess`);
    expect(c.basis).toBe('settings');
    // Whole settings: the profile's value on the side that did not override it.
    expect(c.config.rows).toEqual([
      { stage: 'ocr', key: 'det_width', a: 736, b: 960, change: 'changed' },
      { stage: 'match_brands', key: 'min_similarity', a: 0.99, b: 0.8, change: 'changed' },
    ]);
    expect(c.stats.find((r) => r.stage === 'match_brands' && r.key === 'hits')).toEqual({ stage: 'match_brands', key: 'hits', a: 24, b: 36, delta: 12 });
    expect(c.missing).toEqual([]);
    expect(c.report!.gained).toEqual(['Initech', 'Umbrella']);
    expect(s.comparison()).toBe(c); // the same until something changes
  });

  test('a job not fetched yet, or one whose params carry no configs: the overrides along the paths', async () => {
    const jobs = detectJobs();
    jobs[J3] = { ...jobs[J3]!, params: {} };
    const { api } = fake({ jobs });
    const s = createCheckpointsStore(api, TL);
    await s.load();
    const first = s.pick(`${J2}-compile_report`);
    void s.pick(`${J3}-compile_report`);
    expect(s.comparison()!.missing).toEqual([`Loading job ${J2.slice(0, 8)}…`, `Loading job ${J3.slice(0, 8)}…`]);
    await first;
    await Bun.sleep(0);
    const c = s.comparison()!;
    expect(c.basis).toBe('overrides');
    expect(c.config.rows.map((r) => [r.stage, r.key, r.a, r.b, r.change])).toEqual([
      ['ocr', 'det_width', undefined, 960, 'added'],
      ['match_brands', 'min_similarity', 0.99, undefined, 'removed'],
    ]);
  });

  test('says what is missing: a running job, a failed one, one with no report, one that could not be fetched, one job twice', async () => {
    const jobs = detectJobs();
    const { api, asked } = fake({ jobs });
    const s = createCheckpointsStore(api, TL);
    await s.load();
    await s.pick(`${J1}-compile_report`);
    await s.pick(`${J5}-extract_frames`);
    expect(s.comparison()!.report).toBeNull();
    expect(s.comparison()!.missing).toEqual([`Job ${J5.slice(0, 8)} is still running: its report comes when it completes.`]);

    // It completes: a refresh fetches it again (J1 has ended: not again).
    jobs[J5] = detectJob(J5, { report: null });
    await s.refresh();
    expect(asked.jobs.filter((j) => j === J5)).toHaveLength(2);
    expect(asked.jobs.filter((j) => j === J1)).toHaveLength(1);
    expect(s.comparison()!.missing).toEqual([`Job ${J5.slice(0, 8)} has no report: its profile has no compile_report stage.`]);

    jobs[J4] = detectJob(J4, { status: 'FAILED', error: 'ocr: the model file is missing.' });
    await s.pick(`${J4}-compile_report`);
    expect(s.comparison()!.missing).toEqual([
      `Job ${J5.slice(0, 8)} has no report: its profile has no compile_report stage.`,
      `Job ${J4.slice(0, 8)} failed (ocr: the model file is missing): it has no report.`,
    ]);

    delete jobs[J3];
    await s.pick(`${J3}-ocr`);
    expect(s.comparison()!.missing).toContain(`Job ${J3.slice(0, 8)} could not be fetched: No detect job ${J3}.`);

    s.clearPicks();
    await s.pick(`${J1}-ocr`);
    await s.pick(`${J1}-compile_report`);
    expect(s.comparison()!.missing).toEqual([`Both checkpoints are of job ${J1.slice(0, 8)}: there is one report, nothing to compare it with.`]);
    expect(s.comparison()!.stats.map((r) => r.stage)).toEqual([
      'match_brands',
      'match_brands',
      'match_brands',
      'match_brands',
      'match_brands',
      'compile_report',
      'compile_report',
      'compile_report',
    ]);
  });

  test('a refresh drops picks whose checkpoint is gone', async () => {
    let list = checkpoints();
    const { api } = fake({ nodes: async () => list });
    const s = createCheckpointsStore(api, TL);
    await s.load();
    await s.pick(`${J4}-compile_report`);
    await s.pick(`${J1}-ocr`);
    list = list.filter((n) => n.job_id !== J4);
    await s.refresh();
    expect(s.picked()).toEqual([`${J1}-ocr`]);
    expect(s.nodes()).toHaveLength(13);
  });

  test('an older, slower answer never overwrites a newer one', async () => {
    const answers: ((v: CheckpointNode[]) => void)[] = [];
    const { api } = fake({ nodes: () => new Promise((r) => answers.push(r)) });
    const s = createCheckpointsStore(api, TL);
    const first = s.load();
    const second = s.load();
    answers[1]!(checkpoints().slice(0, 3));
    answers[0]!(checkpoints());
    await Promise.all([first, second]);
    expect(s.nodes()).toHaveLength(3);
  });
});
