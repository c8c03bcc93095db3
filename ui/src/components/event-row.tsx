/** One log event as a row that opens to its payload (the job's event log and the live feed). */
import { time } from '../format.ts';
import type { StoredEvent } from '../types.ts';

export const EventRow = (p: { event: StoredEvent; testid?: string }) => {
  const e = () => p.event;
  return (
    <details class="event-row" data-testid={p.testid ?? 'event-row'} data-position={e().position}>
      <summary>
        <span class="pos mono">{e().position}</span>
        <span class={`etype etype-${e().type.startsWith('Job') ? 'job' : 'chunk'}`}>{e().type}</span>
        <span class="mono small muted stream">{e().stream}</span>
        <span class="small muted">{e().meta.actor ?? ''}</span>
        <span class="small muted time">{time(e().meta.at)}</span>
      </summary>
      <pre>{JSON.stringify(e().data, null, 2)}</pre>
    </details>
  );
};
