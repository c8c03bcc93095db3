/**
 * A detection run's page: what it runs (timeline, profile, brand list, the
 * run it replays), where it stands (status, progress, the error, paused and
 * why), its controls, the stage graph lit live, and the selected stage's
 * inspector (the running stage until one is picked). A replay started here
 * is listed as a new branch; `children` (the report, overlays, checkpoints)
 * go below.
 */
import { createSignal, For, type JSX, Show } from 'solid-js';
import { ErrorNote, Loading, ProgressBar } from '../components/bits.tsx';
import type { DetectStatus } from '../detect-api.ts';
import { href } from '../router.ts';
import type { DetectRunStore } from '../stores/detect-run.ts';
import { StageGraph } from './stage-graph.tsx';
import { StageInspector } from './stage-inspector.tsx';
import '../detect-run.css';

const runHref = (id: string) => href({ name: 'detect-run', id });

/** A status in words: "paused" while paused, else the job's status. */
const statusWord = (s: DetectStatus, phase: string) => (phase === 'paused' ? 'paused' : s.status.toLowerCase());

export const DetectRunView = (p: { store: DetectRunStore; onReplayed: (newJobId: string) => void; children?: JSX.Element }) => {
  const s = p.store;
  const [picked, setPicked] = createSignal<string | null>(null);
  /** The stage picked, else the running one, else the first. */
  const selected = (): string | null => {
    const st = s.status();
    if (!st) return null;
    const pk = picked();
    if (pk && st.stages.some((r) => r.stage === pk)) return pk;
    return st.stages.find((r) => r.status === 'running')?.stage ?? st.stages[0]?.stage ?? null;
  };

  return (
    <section class="page detect-run">
      <div class="page-head">
        <h1>
          Run <span class="mono">{s.jobId}</span>
        </h1>
        <Show when={s.status()}>
          {(st) => (
            <span class={`badge badge-${statusWord(st(), s.phase())}`} data-testid="run-status" data-status={st().status} data-phase={s.phase()}>
              {statusWord(st(), s.phase())}
            </span>
          )}
        </Show>
        <div class="spacer" />
        <Show when={s.liveState() !== 'open' && s.phase() !== 'ended' && s.status()}>
          <span class="small muted">
            <span class={`dot dot-${s.liveState()}`} /> {s.liveState() === 'reconnecting' ? 'reconnecting…' : 'connecting…'}
          </span>
        </Show>
      </div>
      <ErrorNote message={s.error()} />
      <Show when={s.status()} fallback={<Show when={!s.error()}>{<Loading />}</Show>}>
        {(st) => (
          <>
            <RunHead store={s} status={st()} />
            <Controls store={s} status={st()} />
            <div class="card dr-graph-card">
              <div class="card-head">
                <h2>Stages</h2>
                <span class="small muted">Pick a stage to see its settings and output.</span>
              </div>
              <StageGraph stages={st().stages} edges={s.edges()} selected={selected()} onSelect={setPicked} />
            </div>
            <Show when={selected()} keyed>
              {(name) => (
                // Working in the inspector keeps its stage: the default (the running one) no longer moves on under the user.
                <div class="dr-inspector" onFocusIn={() => setPicked(name)}>
                  <Inspector store={s} stage={name} onReplayed={p.onReplayed} />
                </div>
              )}
            </Show>
            <Branches store={s} />
          </>
        )}
      </Show>
      {p.children}
    </section>
  );
};

const RunHead = (p: { store: DetectRunStore; status: DetectStatus }) => {
  const st = () => p.status;
  const names = () => p.store.names();
  const replay = () => st().replay;
  return (
    <div class="card dr-head">
      <dl class="facts dr-facts">
        <dt>Timeline</dt>
        <dd data-testid="run-timeline-name" title={st().timelineId}>
          {names().timeline ?? st().timelineId}
        </dd>
        <dt>Profile</dt>
        <dd data-testid="run-profile-name">{st().profile}</dd>
        <dt>Brand list</dt>
        <dd data-testid="run-brands-name" title={st().brandListId}>
          {names().brandList ?? st().brandListId}
        </dd>
        <dt>Stage</dt>
        <dd>{st().stage ?? (p.store.phase() === 'ended' ? 'none (ended)' : 'none yet')}</dd>
        <Show when={st().parent}>
          <dt>Replay of</dt>
          <dd>
            <a class="mono" href={runHref(st().parent!)} data-testid="run-parent">
              {st().parent}
            </a>
            <Show when={replay()}>
              {(r) => (
                <span class="small muted">
                  {' '}
                  from {r().stage}
                  {r().downstream ? ' on' : ' only'}
                  {r().reuse.length > 0 ? `, reusing ${r().reuse.join(', ')}` : ''}
                </span>
              )}
            </Show>
          </dd>
        </Show>
      </dl>
      <ProgressBar percent={p.store.phase() === 'ended' && st().status === 'COMPLETED' ? 100 : st().progress} status={st().status} compact />
      <Show when={st().error && st().status === 'FAILED'}>
        <div class="error-note" role="alert" data-testid="run-error">
          {st().error}
        </div>
      </Show>
      <Show when={st().error && st().status !== 'FAILED'}>
        <p class="muted small">{st().error}</p>
      </Show>
      <Show when={p.store.phase() === 'paused'}>
        <p class="dr-paused" data-testid="run-paused">
          Paused{st().pauseReason ? `: ${st().pauseReason}` : ''}. Resume to go on, or Step to run the next stage and pause again.
        </p>
      </Show>
      <Show when={st().cleared}>
        <p class="muted small">This run’s working outputs were cleared: its stages cannot be replayed or drawn.</p>
      </Show>
    </div>
  );
};

const Controls = (p: { store: DetectRunStore; status: DetectStatus }) => {
  const s = p.store;
  const phase = () => s.phase();
  const busy = () => s.busy() !== null;
  return (
    <Show when={phase() !== 'ended' || s.actionError()}>
      <div class="toolbar dr-controls">
        <Show when={phase() === 'running'}>
          <button type="button" class="btn" data-testid="detect-pause" disabled={busy()} onClick={() => void s.pause()}>
            Pause
          </button>
        </Show>
        <Show when={phase() === 'paused'}>
          <button type="button" class="btn primary" data-testid="detect-resume" disabled={busy()} onClick={() => void s.resume()}>
            Resume
          </button>
          <button type="button" class="btn" data-testid="detect-step" disabled={busy()} onClick={() => void s.step()} title="Run the next stage, then pause">
            Step
          </button>
        </Show>
        <Show when={phase() !== 'ended'}>
          <label class="check dr-pause-after">
            Pause after
            <select
              data-testid="pause-after"
              value={p.status.pauseAfter ?? ''}
              disabled={busy()}
              onChange={(e) => void s.pauseAfter(e.currentTarget.value || null)}
            >
              <option value="">no stage</option>
              <For each={p.status.stages}>
                {(r) => (
                  <option value={r.stage} selected={r.stage === p.status.pauseAfter}>
                    {r.stage}
                  </option>
                )}
              </For>
            </select>
          </label>
          <Show when={p.status.stepping}>
            <span class="small muted">stepping: pauses after each stage</span>
          </Show>
          <div class="spacer" />
          <button type="button" class="btn danger ghost" data-testid="detect-stop" disabled={busy()} onClick={() => void s.stopRun()}>
            Stop
          </button>
        </Show>
      </div>
      <ErrorNote message={s.actionError()} />
    </Show>
  );
};

const Inspector = (p: { store: DetectRunStore; stage: string; onReplayed: (id: string) => void }) => {
  const s = p.store;
  const info = () => s.stageInfo(p.stage);
  const waiting = () => (s.stagesError() ? <ErrorNote message={s.stagesError()} /> : <Loading />);
  return (
    <Show when={info()} fallback={waiting()}>
      {(i) => (
        <Show when={s.config(p.stage)} fallback={s.error() ? null : <Loading />}>
          {(config) => (
            <StageInspector
              info={i()}
              config={config()}
              row={s.row(p.stage)}
              canReplay={s.replayBlock(p.stage) === null}
              blocked={s.replayBlock(p.stage)}
              onReplay={async (overrides, downstream) => {
                const id = await s.replayStage(p.stage, overrides, downstream);
                p.onReplayed(id);
              }}
            />
          )}
        </Show>
      )}
    </Show>
  );
};

const Branches = (p: { store: DetectRunStore }) => (
  <Show when={p.store.branches().length > 0}>
    <div class="card dr-branches">
      <h2>Replays started here</h2>
      <ul>
        <For each={p.store.branches()}>
          {(b) => (
            <li data-testid="replay-branch" data-id={b.jobId}>
              {b.stage}
              {b.downstream ? ' and the stages after it' : ' only'} →{' '}
              <a class="mono" href={runHref(b.jobId)}>
                {b.jobId}
              </a>
            </li>
          )}
        </For>
      </ul>
    </div>
  </Show>
);
