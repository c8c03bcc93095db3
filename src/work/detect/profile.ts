/**
 * Profiles: a pipeline (stages, and edges saying which stage feeds which,
 * with what flows along them) and per-stage configs. Checked here, pure:
 * every stage known, no cycle, frames first; each stage's config parsed
 * against its fields, so a bad value is refused naming
 * `configs.ocr.det_width`. Built-ins are read-only; users duplicate and
 * tweak. A job resolves its profile once, with its overrides on top, and
 * records the result.
 */
import { AppError } from '../../errors.ts';
import type { Pipeline, PipelineEdge, Profile } from '../../types/detect-setup.ts';
import { type ConfigSpec, isObj, parseConfig } from './config-spec.ts';
import { STAGE_NAMES, type StageName, stageInfo } from './stages.ts';

export type { EdgeFlow, Pipeline, PipelineEdge, Profile } from '../../types/detect-setup.ts';

/** A profile resolved for a run: stages in the order they run, each with its whole config. */
export interface ResolvedProfile {
  name: string;
  order: StageName[];
  edges: PipelineEdge[];
  configs: Record<string, Record<string, unknown>>;
}

export const PROFILE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const MAX_EDGES = 200;

const bad = (path: string, what: string) => new AppError('validation', `${path}: ${what}`);

/** Pure: the stages in the order they run: edges first, then the order listed (Kahn's algorithm); a cycle is refused, named. */
export const runOrder = (p: Pipeline): string[] => {
  const indegree = new Map(p.stages.map((s) => [s, 0]));
  const next = new Map<string, string[]>(p.stages.map((s) => [s, []]));
  for (const e of p.edges) {
    next.get(e.from)!.push(e.to);
    indegree.set(e.to, indegree.get(e.to)! + 1);
  }
  const ready = p.stages.filter((s) => indegree.get(s) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    // The earliest listed stage among those ready: a graph without edges runs in list order.
    ready.sort((a, b) => p.stages.indexOf(a) - p.stages.indexOf(b));
    const s = ready.shift()!;
    order.push(s);
    for (const t of next.get(s)!) {
      indegree.set(t, indegree.get(t)! - 1);
      if (indegree.get(t) === 0) ready.push(t);
    }
  }
  if (order.length < p.stages.length) throw bad('pipeline.edges', `a cycle: ${cycleOf(p, new Set(order)).join(' → ')}`);
  return order;
};

/**
 * One cycle among the stages the sort could not place, for the message. It
 * walks back along edges into each stage: every stage left unplaced has a
 * feeder that is unplaced too (else the sort would have placed it), while a
 * stage only downstream of a cycle may feed nothing, so walking forward
 * could stop short of the cycle.
 */
const cycleOf = (p: Pipeline, placed: ReadonlySet<string>): string[] => {
  const left = p.stages.filter((s) => !placed.has(s));
  const path: string[] = [];
  let at = left[0]!;
  while (!path.includes(at)) {
    path.push(at);
    at = p.edges.find((e) => e.to === at && !placed.has(e.from))!.from;
  }
  // The walk went against the edges: the cycle reads forward the other way round, from its first stage listed.
  const loop = path.slice(path.indexOf(at)).reverse();
  const first = loop.indexOf(p.stages.find((s) => loop.includes(s))!);
  const from = [...loop.slice(first), ...loop.slice(0, first)];
  return [...from, from[0]!];
};

const parsePipeline = (raw: unknown): Pipeline => {
  if (!isObj(raw)) throw bad('pipeline', 'must be an object { stages, edges? }');
  for (const k of Object.keys(raw)) if (k !== 'stages' && k !== 'edges') throw bad(`pipeline.${k}`, 'unknown field (stages, edges)');
  const { stages, edges = [] } = raw;
  if (!Array.isArray(stages) || stages.length === 0) throw bad('pipeline.stages', 'must list at least one stage');
  if (stages.length > STAGE_NAMES.length) throw bad('pipeline.stages', `at most ${STAGE_NAMES.length} stages`);
  stages.forEach((s, i) => {
    if (typeof s !== 'string' || !stageInfo(s)) throw bad(`pipeline.stages[${i}]`, `unknown stage ${JSON.stringify(s)} (known: ${STAGE_NAMES.join(', ')})`);
    if (stages.indexOf(s) !== i) throw bad(`pipeline.stages[${i}]`, `"${s}" is listed twice`);
  });
  if (!Array.isArray(edges) || edges.length > MAX_EDGES) throw bad('pipeline.edges', `must be a list of at most ${MAX_EDGES} edges`);
  const parsed = edges.map((e, i): PipelineEdge => {
    const at = `pipeline.edges[${i}]`;
    if (!isObj(e)) throw bad(at, 'must be { from, to, flow? }');
    for (const k of Object.keys(e)) if (!['from', 'to', 'flow'].includes(k)) throw bad(`${at}.${k}`, 'unknown field (from, to, flow)');
    for (const end of ['from', 'to'] as const) {
      if (typeof e[end] !== 'string' || !stages.includes(e[end])) throw bad(`${at}.${end}`, `must be a stage of this pipeline, got ${JSON.stringify(e[end])}`);
    }
    if (e.from === e.to) throw bad(at, `"${e.from}" cannot feed itself`);
    const flow = e.flow ?? 'all';
    if (flow !== 'all' && flow !== 'unresolved') throw bad(`${at}.flow`, 'must be "all" or "unresolved"');
    return { from: e.from as string, to: e.to as string, flow };
  });
  const pipeline = { stages: [...(stages as string[])], edges: parsed };
  const order = runOrder(pipeline);
  if (order[0] !== 'extract_frames') throw bad('pipeline.stages', 'must start with extract_frames: every other stage reads its frames');
  return pipeline;
};

const parseConfigs = (raw: unknown, stages: readonly string[], path: string): Record<string, Record<string, unknown>> => {
  if (raw === undefined) return {};
  if (!isObj(raw)) throw bad(path, 'must be an object { stage: { setting: value } }');
  const out: Record<string, Record<string, unknown>> = {};
  for (const [stage, cfg] of Object.entries(raw)) {
    if (!stages.includes(stage)) throw bad(`${path}.${stage}`, `not a stage of this pipeline (${stages.join(', ')})`);
    // Parsed to check it; kept as given, so a later change of a default reaches profiles that never set it.
    parseConfig(stageInfo(stage)!.config, cfg, `${path}.${stage}`);
    out[stage] = structuredClone(cfg as Record<string, unknown>);
  }
  return out;
};

/** Pure: a profile from a request body (name, description?, pipeline, configs?); refuses naming the field. */
export const validateProfile = (raw: unknown, basedOn: string | null = null): Profile => {
  if (!isObj(raw)) throw bad('body', 'must be a profile object { name, pipeline, configs? }');
  for (const k of Object.keys(raw)) {
    if (!['name', 'description', 'pipeline', 'configs'].includes(k)) throw bad(k, 'unknown field (name, description, pipeline, configs)');
  }
  if (typeof raw.name !== 'string' || !PROFILE_NAME.test(raw.name)) {
    throw bad('name', 'lower-case letters, digits, - and _, starting with a letter or digit, at most 64');
  }
  if (raw.description !== undefined && (typeof raw.description !== 'string' || raw.description.length > 500)) {
    throw bad('description', 'a string of at most 500 characters');
  }
  const pipeline = parsePipeline(raw.pipeline);
  return {
    name: raw.name,
    description: (raw.description as string | undefined) ?? '',
    pipeline,
    configs: parseConfigs(raw.configs, pipeline.stages, 'configs'),
    basedOn,
  };
};

/**
 * Pure: the profile as a job runs it: its stages in run order, each with its
 * whole config (defaults, then the profile's settings, then the job's
 * overrides, which are checked the same way under `configOverrides`).
 */
export const resolveProfile = (p: Profile, overrides: unknown = {}): ResolvedProfile => {
  const extra = parseConfigs(overrides, p.pipeline.stages, 'configOverrides');
  const configs: Record<string, Record<string, unknown>> = {};
  for (const stage of p.pipeline.stages) {
    const spec: ConfigSpec = stageInfo(stage)!.config;
    configs[stage] = parseConfig(spec, { ...p.configs[stage], ...extra[stage] }, `configs.${stage}`);
  }
  return { name: p.name, order: runOrder(p.pipeline) as StageName[], edges: p.pipeline.edges, configs };
};

const chain = (stages: readonly string[], escalate: boolean): PipelineEdge[] =>
  stages.slice(1).map((to, i) => ({ from: stages[i]!, to, flow: escalate && to.startsWith('escalate_') ? 'unresolved' : 'all' }));

const SOCCER = [...STAGE_NAMES];
const GENERIC = STAGE_NAMES.filter((s) => s !== 'segment_field');

/** The built-in profiles: read-only, duplicated to tweak. */
export const BUILTIN_PROFILES: readonly Profile[] = [
  {
    name: 'soccer_broadcast',
    description: 'Football on TV: pitch-side boards, the field masked out, 2 frames a second',
    pipeline: { stages: SOCCER, edges: chain(SOCCER, true) },
    configs: { segment_field: { hue: [35, 85] }, match_brands: { min_similarity: 0.8 } },
    basedOn: null,
  },
  {
    name: 'generic_broadcast',
    description: 'Any broadcast: boards, overlays and signage anywhere in the picture, 2 frames a second',
    pipeline: { stages: GENERIC, edges: chain(GENERIC, true) },
    configs: {},
    basedOn: null,
  },
];

export const builtinProfile = (name: string): Profile | undefined => BUILTIN_PROFILES.find((p) => p.name === name);
