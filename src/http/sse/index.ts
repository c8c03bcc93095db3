/**
 * Server-Sent Events over the log, with live telemetry interleaved: frames
 * (frames.ts), what a client asks for (filter.ts, resume.ts), the merge of
 * the two sources (merge.ts), the response (response.ts) and a parser to
 * read frames back (parser.ts). The route is ../events-routes.ts.
 */
export { formatFrame, heartbeatFrame, itemFrame, logFrame, SSE_HEADERS, telemetryFrame, type SseFrame, type SseItem } from './frames.ts';
export { jobFilter, matchesEvent, matchesTelemetry, parseEventFilter, type EventFilter, type FilterQuery } from './filter.ts';
export { parseResumePosition, startAfter } from './resume.ts';
export { MERGE_END, mergeLive, type CloseReason, type LiveSources, type Merge } from './merge.ts';
export { activeEventStreams, eventStream, sseResponse, type SseDeps, type SseOptions, type StreamParams } from './response.ts';
export { createSseParser, type ParsedFrame } from './parser.ts';
