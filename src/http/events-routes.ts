/**
 * `GET /api/events`: the log as Server-Sent Events, with live telemetry
 * interleaved. Frames, filters, resume rules, the merge and the response
 * are in sse/.
 */
import { Elysia, t } from 'elysia';
import type { System } from '../system.ts';
import { strict } from './input.ts';
import { responses } from './openapi-responses.ts';
import { queryInteger } from './schema-kinds.ts';
import { parseEventFilter, parseResumePosition, type SseDeps, type SseOptions, sseResponse, startAfter } from './sse/index.ts';

/** The route's timings (see SseOptions). */
export type EventsRoutesOptions = SseOptions;

/** What the route reads: the stream's own needs, and the log's head to start "from now". */
export type EventsRoutesDeps = SseDeps & Pick<System, 'log'>;

const Query = t.Object({
  after: queryInteger(
    'Start after this log position (0 = from the beginning). Default: the current head (only new events). The Last-Event-ID header wins over it.',
    { minimum: 0 },
  ),
  stream: t.Optional(t.String({ maxLength: 200, description: 'One exact stream, e.g. job:abc' })),
  streams: t.Optional(t.String({ maxLength: 4000, description: 'Comma-separated exact streams' })),
  prefix: t.Optional(t.String({ maxLength: 1000, description: 'Comma-separated stream prefixes, e.g. job:' })),
  job: t.Optional(t.String({ maxLength: 64, description: 'A job id: its stream, its chunk and stage streams, and its telemetry' })),
  types: t.Optional(t.String({ maxLength: 2000, description: 'Comma-separated event types (log events only), e.g. JobCreated,JobFailed' })),
  telemetry: queryInteger('0 to leave out live telemetry (default 1)', { minimum: 0, maximum: 1, default: 1 }),
});

export const eventsRoutes = (s: EventsRoutesDeps, opts: EventsRoutesOptions = {}) =>
  new Elysia().get(
    '/events',
    async ({ query, request }) => {
      const filter = parseEventFilter(query);
      const resume = parseResumePosition(request.headers.get('last-event-id'), query.after);
      // subscribe(head) delivers everything appended after this read, so a
      // client starting "from now" misses nothing appended while it connects.
      const after = await startAfter(s.log, resume, () => s.log.head());
      return sseResponse(s, { after, filter, signal: request.signal }, opts);
    },
    {
      query: Query,
      // The guard takes `ticket` (EventSource cannot send headers); anything else unknown is refused.
      transform: strict({ body: false, query: Query, alsoQuery: ['ticket'] }),
      detail: {
        summary: 'The event log as Server-Sent Events, with live telemetry',
        description:
          'Log events are `event: log` frames with `id: <position>` and the stored event as JSON data; live telemetry (progress ticks) is `event: telemetry` without an id and is not replayed; `: hb` comments every 5 s. Reconnecting with Last-Event-ID resumes with nothing lost or repeated. Filters (stream, streams, prefix, job) are OR-ed; types narrows log events.',
        responses: responses({ 200: { description: 'An endless text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } } }, 400),
      },
    },
  );
