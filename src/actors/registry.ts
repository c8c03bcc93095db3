/**
 * The stream registry: one table of stream kinds, each with its stream id
 * function and its decider (typed by the kind's event union), and typed
 * handles to load and command an actor by its ids. Nothing pairs a stream
 * name with a decider by hand; time travel finds a stream's decider here.
 * (Commanded's single routing table is the model.)
 */
import { assetStream } from '../events/asset.ts';
import { chunkStream } from '../events/chunk.ts';
import { streamKind } from '../events/index.ts';
import { jobStream } from '../events/job.ts';
import { presetStream } from '../events/preset.ts';
import { stageStream } from '../events/stage.ts';
import { uploadStream } from '../events/upload.ts';
import { brandListStream, detectSettingsStream, profileStream, timelineStream } from '../events/detect-setup.ts';
import { userStream } from '../events/user.ts';
import type { EventShape } from '../events/types.ts';
import { assetDecider } from './asset.ts';
import { chunkDecider } from './chunk.ts';
import type { Decider, Evolver } from './decider.ts';
import { jobDecider } from './job.ts';
import { presetDecider } from './preset.ts';
import { stageDecider } from './stage.ts';
import { uploadDecider } from './upload.ts';
import { brandListDecider, detectSettingsDecider, profileDecider, timelineDecider } from './detect-setup.ts';
import { userDecider } from './user.ts';
import type { CommandMeta, ExecuteResult, Loaded, Runtime } from './runtime.ts';

interface StreamType<A extends unknown[], S, C, E extends EventShape> {
  /** The stream name's prefix: `job` in `job:abc`. */
  kind: string;
  id: (...ids: A) => string;
  decider: Decider<S, C, E>;
}

const streamType = <A extends unknown[], S, C, E extends EventShape>(
  kind: string,
  id: (...ids: A) => string,
  decider: Decider<S, C, E>,
): StreamType<A, S, C, E> => ({
  kind,
  id,
  decider,
});

/** Every stream kind with a decider. */
export const STREAMS = {
  job: streamType('job', jobStream, jobDecider),
  chunk: streamType('chunk', chunkStream, chunkDecider),
  stage: streamType('stage', stageStream, stageDecider),
  asset: streamType('asset', assetStream, assetDecider),
  preset: streamType('preset', presetStream, presetDecider),
  user: streamType('user', userStream, userDecider),
  upload: streamType('upload', uploadStream, uploadDecider),
  profile: streamType('profile', profileStream, profileDecider),
  timeline: streamType('timeline', timelineStream, timelineDecider),
  brands: streamType('brands', brandListStream, brandListDecider),
  detectSettings: streamType('detect-settings', detectSettingsStream, detectSettingsDecider),
} as const;

/** The decider that folds `stream`, found by its kind; null for kinds without one. */
export const evolverOf = (stream: string): Evolver<unknown> | null => {
  const t = (STREAMS as Record<string, { decider: Evolver<unknown> } | undefined>)[streamKind(stream)];
  return t?.decider ?? null;
};

/** One actor: its stream, its state, and commands to it. */
export interface ActorHandle<S, C> {
  readonly stream: string;
  load(): Promise<Loaded<S>>;
  execute(command: C, meta?: CommandMeta): Promise<ExecuteResult<S>>;
}

type Streams = typeof STREAMS;
type HandleOf<T> = T extends StreamType<infer A, infer S, infer C, infer _E> ? (...ids: A) => ActorHandle<S, C> : never;
export type Actors = { readonly [K in keyof Streams]: HandleOf<Streams[K]> };

/** Typed handles over a runtime: `actors.job(id).execute({ type: 'CancelJob', ... })`. */
export const actorsOf = (runtime: Runtime): Actors => {
  const bind =
    <A extends unknown[], S, C, E extends EventShape>(t: StreamType<A, S, C, E>) =>
    (...ids: A): ActorHandle<S, C> => {
      const stream = t.id(...ids);
      return { stream, load: () => runtime.load(stream, t.decider), execute: (command, meta) => runtime.execute(stream, t.decider, command, meta) };
    };
  return {
    job: bind(STREAMS.job),
    chunk: bind(STREAMS.chunk),
    stage: bind(STREAMS.stage),
    asset: bind(STREAMS.asset),
    preset: bind(STREAMS.preset),
    user: bind(STREAMS.user),
    upload: bind(STREAMS.upload),
    profile: bind(STREAMS.profile),
    timeline: bind(STREAMS.timeline),
    brands: bind(STREAMS.brands),
    detectSettings: bind(STREAMS.detectSettings),
  };
};
