/**
 * A user profile as the editor changes it (pure, tested in
 * profile-draft.test.ts): its stages (extract_frames pinned first), edges,
 * and every setting of every stage, defaults filled in; back to the body the
 * server takes, with only the settings that differ from the defaults; and
 * the checks src/work/detect/profile.ts makes, named by field.
 */
import type { ProfileDto } from '../../src/types/detect-setup.ts';
import type { ProfileInput, StageInfo } from './detect-api.ts';
import { fieldsOf, getPath, sameValue, validateValue } from './schema-form.ts';

export type Flow = 'all' | 'unresolved';

export interface ProfileDraft {
  name: string;
  description: string;
  stages: string[];
  edges: { from: string; to: string; flow: Flow }[];
  /** Every stage of the pipeline: each setting's value (the default where the profile sets none). */
  values: Record<string, Record<string, unknown>>;
  /** Settings of stages the server did not describe: kept as they are. */
  unknown: Record<string, Record<string, unknown>>;
}

export const FIRST_STAGE = 'extract_frames';
export const PROFILE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const PROFILE_NAME_RULE = 'Lower-case letters, digits, - and _, starting with a letter or digit, at most 64.';

const stageOf = (stages: readonly StageInfo[], name: string) => stages.find((s) => s.name === name);

const valuesFor = (info: StageInfo | undefined, set: Record<string, unknown> = {}): Record<string, unknown> =>
  info ? { ...structuredClone(info.defaults), ...structuredClone(set) } : structuredClone(set);

export const draftOf = (p: ProfileDto, stages: readonly StageInfo[]): ProfileDraft => {
  const values: ProfileDraft['values'] = {};
  const unknown: ProfileDraft['unknown'] = {};
  for (const s of p.pipeline.stages) {
    const info = stageOf(stages, s);
    if (info) values[s] = valuesFor(info, p.configs[s]);
    else if (p.configs[s]) unknown[s] = structuredClone(p.configs[s]);
  }
  return {
    name: p.name,
    description: p.description,
    stages: [...p.pipeline.stages],
    edges: p.pipeline.edges.map((e) => ({ ...e })),
    values,
    unknown,
  };
};

/** The settings that differ from each stage's defaults, per stage (a stage with none is left out). */
export const configsOf = (d: ProfileDraft, stages: readonly StageInfo[]): Record<string, Record<string, unknown>> => {
  const out: Record<string, Record<string, unknown>> = {};
  for (const s of d.stages) {
    const info = stageOf(stages, s);
    if (!info) {
      if (d.unknown[s]) out[s] = structuredClone(d.unknown[s]);
      continue;
    }
    const changed = Object.entries(d.values[s] ?? {}).filter(([k, v]) => !sameValue(v, info.defaults[k]));
    if (changed.length > 0) out[s] = Object.fromEntries(changed);
  }
  return out;
};

/** The body of PUT /profiles/:name (the name travels in the path). */
export const bodyOf = (d: ProfileDraft, stages: readonly StageInfo[]): Omit<ProfileInput, 'name'> => ({
  description: d.description,
  pipeline: { stages: [...d.stages], edges: d.edges.map((e) => ({ ...e })) },
  configs: configsOf(d, stages),
});

/**
 * `name` added where the server lists it among the stages already there
 * (the usual order), with its defaults; never before extract_frames.
 */
export const addStage = (d: ProfileDraft, name: string, stages: readonly StageInfo[]): ProfileDraft => {
  if (d.stages.includes(name)) return d;
  const rank = (s: string) => {
    const i = stages.findIndex((x) => x.name === s);
    return i < 0 ? Number.POSITIVE_INFINITY : i;
  };
  let at = d.stages.findIndex((s) => rank(s) > rank(name));
  if (at < 0) at = d.stages.length;
  if (d.stages[0] === FIRST_STAGE) at = Math.max(at, 1);
  const next = [...d.stages.slice(0, at), name, ...d.stages.slice(at)];
  return { ...d, stages: next, values: { ...d.values, [name]: valuesFor(stageOf(stages, name)) } };
};

/** The stage at `index` gone, with its edges and settings. */
export const removeStage = (d: ProfileDraft, index: number): ProfileDraft => {
  const name = d.stages[index];
  if (name === undefined) return d;
  const { [name]: _v, ...values } = d.values;
  const { [name]: _u, ...unknown } = d.unknown;
  return { ...d, stages: d.stages.filter((_, i) => i !== index), edges: d.edges.filter((e) => e.from !== name && e.to !== name), values, unknown };
};

/** Whether the stage at `index` can move to `to`: inside the list, and extract_frames stays first. */
export const canMoveStage = (d: ProfileDraft, index: number, to: number): boolean =>
  to >= 0 && to < d.stages.length && index !== to && d.stages[index] !== FIRST_STAGE && d.stages[to] !== FIRST_STAGE;

export const moveStage = (d: ProfileDraft, index: number, to: number): ProfileDraft => {
  if (!canMoveStage(d, index, to)) return d;
  const next = [...d.stages];
  const [s] = next.splice(index, 1);
  next.splice(to, 0, s!);
  return { ...d, stages: next };
};

/** The stages in the order they run: edges first, then the order listed; or the cycle that prevents it. */
export const runOrder = (stages: readonly string[], edges: ProfileDraft['edges']): { order: string[] } | { cycle: string[] } => {
  const indegree = new Map(stages.map((s) => [s, 0]));
  const next = new Map<string, string[]>(stages.map((s) => [s, []]));
  for (const e of edges) {
    if (!next.has(e.from) || !indegree.has(e.to) || e.from === e.to) continue;
    next.get(e.from)!.push(e.to);
    indegree.set(e.to, indegree.get(e.to)! + 1);
  }
  const ready = stages.filter((s) => indegree.get(s) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => stages.indexOf(a) - stages.indexOf(b));
    const s = ready.shift()!;
    order.push(s);
    for (const t of next.get(s)!) {
      indegree.set(t, indegree.get(t)! - 1);
      if (indegree.get(t) === 0) ready.push(t);
    }
  }
  if (order.length === stages.length) return { order };
  // Every stage left over has a predecessor that is left over too: walking back along those finds a cycle.
  const placed = new Set(order);
  const path: string[] = [];
  let at = stages.find((s) => !placed.has(s))!;
  while (!path.includes(at)) {
    path.push(at);
    at = edges.find((e) => e.to === at && !placed.has(e.from) && e.from !== e.to)!.from;
  }
  const loop = path.slice(path.indexOf(at)).reverse();
  // Told from its earliest listed stage, so the message does not depend on where the walk began.
  const first = loop.reduce((best, s, i) => (stages.indexOf(s) < stages.indexOf(loop[best]!) ? i : best), 0);
  const told = [...loop.slice(first), ...loop.slice(0, first)];
  return { cycle: [...told, told[0]!] };
};

/** What the server would refuse, by field (`description`, `pipeline.stages`, `pipeline.edges[1].to`, `configs.ocr.det_width`). */
export const validateDraft = (d: ProfileDraft, stages: readonly StageInfo[]): Record<string, string> => {
  const errors: Record<string, string> = {};
  if (d.description.length > 500) errors.description = 'At most 500 characters.';
  if (d.stages.length === 0) errors['pipeline.stages'] = 'Add at least one stage.';
  else if (!d.stages.includes(FIRST_STAGE)) errors['pipeline.stages'] = 'Must include extract_frames: every other stage reads its frames.';
  d.edges.forEach((e, i) => {
    const at = `pipeline.edges[${i}]`;
    if (!d.stages.includes(e.from)) errors[`${at}.from`] = 'Choose a stage of this pipeline.';
    if (!d.stages.includes(e.to)) errors[`${at}.to`] = 'Choose a stage of this pipeline.';
    else if (e.from === e.to) errors[`${at}.to`] = 'A stage cannot feed itself.';
    else if (e.to === FIRST_STAGE) errors[`${at}.to`] = 'Nothing runs before extract_frames.';
  });
  if (!errors['pipeline.stages']) {
    const r = runOrder(d.stages, d.edges);
    if ('cycle' in r) errors['pipeline.edges'] = `A cycle: ${r.cycle.join(' → ')}.`;
    else if (r.order[0] !== FIRST_STAGE && !Object.keys(errors).some((k) => k.startsWith('pipeline.edges'))) {
      errors['pipeline.stages'] = 'Must start with extract_frames: every other stage reads its frames.';
    }
  }
  for (const s of d.stages) {
    const info = stageOf(stages, s);
    if (!info) continue;
    for (const f of fieldsOf(info.schema)) {
      const m = validateValue(f, getPath(d.values[s] ?? {}, f.key));
      if (m) errors[`configs.${s}.${f.key}`] = m;
    }
  }
  return errors;
};
