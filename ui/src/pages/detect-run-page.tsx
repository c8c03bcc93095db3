/**
 * Container: one detection run. Its store follows the run live (its own
 * `?job=` stream); below the stage graph, tabs: the brand report, the
 * overlay viewer, the in-browser quick look at the field and edge stages,
 * and the timeline's checkpoint tree. A replay started here opens as the
 * new branch on this same page.
 */
import { createEffect, createMemo, createSignal, For, lazy, on, onCleanup, onMount, Show, Suspense, untrack } from 'solid-js';
import type { BrandReport } from '../../../src/types/detect.ts';
import { DetectNav } from '../components/detect-nav.tsx';
import { Loading } from '../components/bits.tsx';
import { useApp } from '../context.ts';
import { reopenWhenBack } from '../live-reopen.ts';
import { createCheckpointsStore } from '../stores/checkpoints.ts';
import { createDetectRunStore, type DetectRunStore } from '../stores/detect-run.ts';
import { createOverlayStore } from '../stores/overlays.ts';

const DetectRunView = lazy(() => import('../views/detect-run-view.tsx').then((m) => ({ default: m.DetectRunView })));
const BrandTimeline = lazy(() => import('../views/brand-timeline.tsx').then((m) => ({ default: m.BrandTimeline })));
const BrandStats = lazy(() => import('../views/brand-stats.tsx').then((m) => ({ default: m.BrandStats })));
const OverlayViewer = lazy(() => import('../views/overlay-viewer.tsx').then((m) => ({ default: m.OverlayViewer })));
const FastStagePanel = lazy(() => import('../views/fast-stage-panel.tsx').then((m) => ({ default: m.FastStagePanel })));
const CheckpointTree = lazy(() => import('../views/checkpoint-tree.tsx').then((m) => ({ default: m.CheckpointTree })));
const CheckpointCompare = lazy(() => import('../views/checkpoint-compare.tsx').then((m) => ({ default: m.CheckpointCompare })));

type Tab = 'report' | 'overlays' | 'quick' | 'checkpoints';
const TABS: { id: Tab; label: string }[] = [
  { id: 'report', label: 'Brand timeline' },
  { id: 'overlays', label: 'Overlays' },
  { id: 'quick', label: 'Quick look' },
  { id: 'checkpoints', label: 'Checkpoints' },
];
const FINISHED = new Set(['completed', 'skipped']);

/** What the run's pages read off its row and status: the report, its frame count and sample period, the timeline's length. */
const runFacts = (store: DetectRunStore) => {
  const report = (): BrandReport | null => store.job()?.result?.report ?? null;
  const frames = (): number => {
    const done = store.job()?.result?.frames;
    if (done) return done;
    const ex = store.row('extract_frames');
    return ex?.status === 'completed' ? (ex.stats.frames ?? 0) : 0;
  };
  const samplePeriod = (): number => {
    const r = report();
    if (r) return r.settings.samplePeriod;
    const fps = Number(store.config('extract_frames')?.fps);
    return fps > 0 ? 1 / fps : 0.5;
  };
  const duration = (): number => {
    const d = Number((store.job()?.params as { duration?: unknown } | undefined)?.duration);
    return d > 0 ? d : frames() * samplePeriod();
  };
  /** Stages whose outputs are drawn on frames: those the run has finished. */
  const finished = (): string[] =>
    store
      .status()
      ?.stages.filter((r) => FINISHED.has(r.status))
      .map((r) => r.stage) ?? [];
  return { report, frames, samplePeriod, duration, finished };
};

export const DetectRunPage = (p: { id: string }) => {
  const { api, live, go } = useApp();
  const store = createDetectRunStore(api, p.id);
  const facts = runFacts(store);
  const [tab, setTab] = createSignal<Tab>('report');
  onMount(() => void store.start());
  reopenWhenBack(live.state, () => store.reopen());
  onCleanup(() => store.stop());

  // Stores are made from plain values (memos of strings and numbers change only when the value does), not from
  // the status object, which is new on every refetch: a store made anew would drop where the viewer was.
  const timelineId = createMemo(() => store.status()?.timelineId ?? null);
  const frames = createMemo(() => facts.frames());
  const samplePeriod = createMemo(() => facts.samplePeriod());
  // The overlay store is made once the frames are known (it clamps to them), and again if that count changes.
  const overlays = createMemo(() => {
    const n = frames();
    const tl = timelineId();
    if (!n || !tl) return null;
    return createOverlayStore(api, { jobId: p.id, frames: n, samplePeriod: samplePeriod(), timelineId: tl });
  });
  const [openAt, setOpenAt] = createSignal<number | null>(null);
  // Only the store and the asked moment are tracked: goTime reads the viewer's own position, and a step from
  // there must not send it back.
  createEffect(() => {
    const o = overlays();
    const t = openAt();
    if (o && t !== null) untrack(() => o.goTime(t));
  });

  const checkpoints = createMemo(() => {
    const tl = timelineId();
    return tl ? createCheckpointsStore(api, tl) : null;
  });
  // The tree gains a node as each stage of this run (or a branch) ends: read it again when the run's state moves.
  createEffect(
    on(
      () =>
        [
          checkpoints(),
          store
            .status()
            ?.stages.map((s) => s.status)
            .join(','),
        ] as const,
      ([c]) => {
        if (c && tab() === 'checkpoints') void (c.loaded?.() ? c.refresh() : c.load());
      },
    ),
  );
  const compareJobs = createMemo(() => {
    const seen = new Map<string, string>();
    for (const n of checkpoints()?.nodes() ?? []) if (n.job_id !== p.id && !seen.has(n.job_id)) seen.set(n.job_id, `${n.job_id.slice(0, 8)} (${n.stage})`);
    return [...seen].map(([id, label]) => ({ id, label }));
  });
  const openRun = (id: string) => go({ name: 'detect-run', id });
  const choose = (t: Tab) => {
    setTab(t);
    const c = checkpoints();
    if (c && (t === 'checkpoints' || t === 'overlays')) void (c.loaded?.() ? c.refresh() : c.load());
  };

  return (
    <>
      <DetectNav />
      <DetectRunView store={store} onReplayed={openRun}>
        <div class="run-tabs" role="tablist" aria-label="Results">
          <For each={TABS}>
            {(t) => (
              <button
                type="button"
                role="tab"
                class={tab() === t.id ? 'run-tab active' : 'run-tab'}
                aria-selected={tab() === t.id}
                data-testid={`run-tab-${t.id}`}
                onClick={() => choose(t.id)}
              >
                {t.label}
              </button>
            )}
          </For>
        </div>
        <Suspense fallback={<Loading />}>
          <Show when={tab() === 'report'}>
            <Show when={facts.report()} fallback={<p class="empty">The brand report appears here once the run has compiled it.</p>}>
              {(r) => (
                <>
                  <BrandTimeline
                    report={r()}
                    duration={facts.duration()}
                    onOpen={(t) => {
                      setOpenAt(t);
                      choose('overlays');
                    }}
                  />
                  <BrandStats report={r()} fileName={`brands-${p.id}`} />
                </>
              )}
            </Show>
          </Show>
          <Show when={tab() === 'overlays'}>
            <Show when={overlays()} fallback={<p class="empty">Overlays can be drawn once the run has extracted its frames.</p>} keyed>
              {(o) => <OverlayViewer store={o} stages={facts.finished()} intervals={facts.report()?.intervals ?? []} compareJobs={compareJobs()} />}
            </Show>
          </Show>
          <Show when={tab() === 'quick'}>
            <Show when={facts.frames() > 0} fallback={<p class="empty">The quick look works on the frames the run extracted: wait for extract_frames.</p>}>
              <FastStagePanel
                api={api}
                jobId={p.id}
                frames={facts.frames()}
                configs={store.params()?.configs ?? {}}
                onReplay={(stage, overrides) => void store.replayStage(stage, overrides, true).then(openRun)}
              />
            </Show>
          </Show>
          <Show when={tab() === 'checkpoints'}>
            <Show when={checkpoints()} fallback={<Loading />} keyed>
              {(c) => (
                <div class="checkpoints-panel">
                  <CheckpointTree store={c} currentJobId={p.id} onOpenRun={openRun} />
                  <CheckpointCompare store={c} />
                </div>
              )}
            </Show>
          </Show>
        </Suspense>
      </DetectRunView>
    </>
  );
};
