import { Show } from 'solid-js';
import { useApp } from '../context.ts';

/** Log backend and head position, worker pool and queue, and whether the live stream is connected. */
export const StatusStrip = () => {
  const { system, live } = useApp();
  return (
    <div class="status-strip" data-testid="system-status">
      <span class={`dot dot-${live.state()}`} title={`live stream: ${live.state()}`} />
      <span class="muted">{live.state() === 'open' ? 'live' : live.state() === 'connecting' ? 'connecting…' : 'reconnecting…'}</span>
      <Show when={system.status()} fallback={<span class="muted">{system.error() ?? 'status…'}</span>}>
        {(s) => (
          <>
            <span title="event log backend and head position">
              log <b>{s().log.backend}</b> @ <b>{s().log.position}</b>
            </span>
            <span title="workers busy / pool size">
              workers <b>{s().workers.busy}</b>/<b>{s().workers.size}</b>
            </span>
            <span title="chunks waiting for a worker">
              queue <b>{s().workers.queued}</b>
            </span>
            <span class="muted version">v{s().version}</span>
          </>
        )}
      </Show>
    </div>
  );
};
