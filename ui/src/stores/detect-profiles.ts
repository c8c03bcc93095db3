/**
 * Detection profiles: the list (built-ins first, read-only), the stages the
 * server knows (with their settings' schemas), and one profile open in the
 * editor as a draft (profile-draft.ts). Built-ins are duplicated to change;
 * a user profile saves only the settings that differ from the defaults. The
 * draft is checked as the server checks it once Save was pressed, and a
 * refusal is shown at the field it names.
 */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import type { ProfileDto, StageInfo } from '../detect-api.ts';
import { errorText } from '../format.ts';
import {
  addStage,
  bodyOf,
  draftOf,
  type Flow,
  FIRST_STAGE,
  moveStage,
  PROFILE_NAME,
  PROFILE_NAME_RULE,
  type ProfileDraft,
  removeStage,
  validateDraft,
} from '../profile-draft.ts';
import { getPath, sameValue, setPath } from '../schema-form.ts';
import { createFormCheck } from './form-check.ts';

export type ProfilesApi = Pick<Api, 'detect'>;

/** Where the form shows a message about `field`, or null (a setting's item shows at the setting). */
const placeOf = (field: string, d: ProfileDraft): string | null => {
  if (field === 'description' || field === 'pipeline.stages' || field === 'pipeline.edges') return field;
  const stage = /^pipeline\.stages\[(\d+)\]$/.exec(field);
  if (stage) return Number(stage[1]) < d.stages.length ? 'pipeline.stages' : null;
  const edge = /^pipeline\.edges\[(\d+)\](\.(from|to|flow))?/.exec(field);
  if (edge) return Number(edge[1]) < d.edges.length ? `pipeline.edges[${edge[1]}]${edge[2] ?? ''}` : null;
  const cfg = /^configs\.(\w+)(\.(\w+))?/.exec(field);
  if (cfg && d.stages.includes(cfg[1]!)) return cfg[3] && cfg[3] in (d.values[cfg[1]!] ?? {}) ? `configs.${cfg[1]}.${cfg[3]}` : `configs.${cfg[1]}`;
  return null;
};

export const createProfilesStore = (api: ProfilesApi) => {
  const d = api.detect;
  const [profiles, setProfiles] = createSignal<ProfileDto[]>([]);
  const [stages, setStages] = createSignal<StageInfo[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [selected, setSelected] = createSignal<string | null>(null);
  const [draft, setDraftRaw] = createSignal<ProfileDraft | null>(null);
  const form = createFormCheck();
  const [formError, setFormError] = createSignal<string | null>(null);
  const [copyError, setCopyError] = createSignal<string | null>(null);

  const current = () => profiles().find((p) => p.name === selected()) ?? null;
  const readOnly = () => current()?.builtIn ?? true;

  const open = (name: string | null) => {
    setSelected(name);
    const p = profiles().find((x) => x.name === name);
    setDraftRaw(p ? draftOf(p, stages()) : null);
    form.clear();
    setFormError(null);
    setCopyError(null);
  };

  const load = async () => {
    try {
      const [ps, ss] = await Promise.all([d.profiles(), d.stages()]);
      setStages(ss);
      setProfiles(ps);
      setError(null);
      open(ps.some((p) => p.name === selected()) ? selected() : (ps.find((p) => !p.builtIn)?.name ?? ps[0]?.name ?? null));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoaded(true);
    }
  };

  const clientErrors = () => {
    const dr = draft();
    return dr ? validateDraft(dr, stages()) : {};
  };

  /** A change to the draft: the server's messages are about the draft as it was, so they go. */
  const edit = (f: (dr: ProfileDraft) => ProfileDraft) => {
    const dr = draft();
    if (!dr || readOnly()) return;
    setDraftRaw(f(dr));
    form.setServerErrors({});
  };

  const put = (p: ProfileDto) => setProfiles((l) => (l.some((x) => x.name === p.name) ? l.map((x) => (x.name === p.name ? p : x)) : [...l, p]));

  const checkCopyName = (name: string): string | null => {
    if (!PROFILE_NAME.test(name)) return PROFILE_NAME_RULE;
    if (profiles().some((p) => p.name === name)) return `There is already a profile called ${name}.`;
    return null;
  };

  const makeNew = async (name: string, make: () => Promise<ProfileDto>): Promise<boolean> => {
    const bad = checkCopyName(name);
    if (bad) {
      setCopyError(bad);
      return false;
    }
    try {
      put(await make());
      open(name);
      return true;
    } catch (e) {
      setCopyError(errorText(e));
      return false;
    }
  };

  return {
    profiles,
    stages,
    loaded,
    error,
    load,
    selected,
    current,
    readOnly,
    open,
    draft,
    /** Whether the draft differs from the profile as saved. */
    dirty: () => {
      const p = current();
      const dr = draft();
      return !!p && !!dr && !sameValue(JSON.parse(JSON.stringify(bodyOf(dr, stages()))), JSON.parse(JSON.stringify(bodyOf(draftOf(p, stages()), stages()))));
    },
    stageInfo: (name: string) => stages().find((s) => s.name === name),

    setDescription: (v: string) => edit((dr) => ({ ...dr, description: v })),
    addStage: (name: string) => edit((dr) => addStage(dr, name, stages())),
    removeStage: (index: number) => edit((dr) => (dr.stages[index] === FIRST_STAGE ? dr : removeStage(dr, index))),
    moveStage: (index: number, to: number) => edit((dr) => moveStage(dr, index, to)),
    addEdge: () =>
      edit((dr) => {
        // A sensible start: the last stage feeding nothing yet into the next one.
        const from = dr.stages.find((s, i) => i < dr.stages.length - 1 && !dr.edges.some((e) => e.from === s)) ?? dr.stages[0] ?? FIRST_STAGE;
        const to = dr.stages[dr.stages.indexOf(from) + 1] ?? from;
        return { ...dr, edges: [...dr.edges, { from, to, flow: 'all' }] };
      }),
    setEdge: (index: number, patch: Partial<{ from: string; to: string; flow: Flow }>) =>
      edit((dr) => ({ ...dr, edges: dr.edges.map((e, i) => (i === index ? { ...e, ...patch } : e)) })),
    removeEdge: (index: number) => edit((dr) => ({ ...dr, edges: dr.edges.filter((_, i) => i !== index) })),
    /** `key` may be dotted (a setting inside an object setting, as schema-form's fields name it). */
    setValue: (stage: string, key: string, value: unknown) =>
      edit((dr) => ({ ...dr, values: { ...dr.values, [stage]: setPath(dr.values[stage] ?? {}, key, value) } })),
    resetValue: (stage: string, key: string) =>
      edit((dr) => {
        const dflt = structuredClone(getPath(stages().find((s) => s.name === stage)?.defaults ?? {}, key));
        return { ...dr, values: { ...dr.values, [stage]: setPath(dr.values[stage] ?? {}, key, dflt) } };
      }),

    errors: () => form.errors(clientErrors),
    formError,
    saving: form.saving,
    save: async (): Promise<boolean> => {
      const dr = draft();
      if (!dr || readOnly()) return false;
      const saved = await form.submit({
        problems: validateDraft(dr, stages()),
        send: () => d.updateProfile(dr.name, bodyOf(dr, stages())),
        saved: (p) => {
          put(p);
          setDraftRaw(draftOf(p, stages()));
          form.setChecked(false);
        },
        place: (f) => placeOf(f, dr),
        general: setFormError,
      });
      return saved !== null;
    },
    remove: async (): Promise<boolean> => {
      const p = current();
      if (!p || p.builtIn) return false;
      setFormError(null);
      try {
        await d.deleteProfile(p.name);
        setProfiles((l) => l.filter((x) => x.name !== p.name));
        open(profiles().find((x) => x.builtIn)?.name ?? profiles()[0]?.name ?? null);
        return true;
      } catch (e) {
        setFormError(errorText(e));
        return false;
      }
    },

    copyError,
    clearCopyError: () => setCopyError(null),
    /** A copy of `from` under a new name, opened for editing. */
    duplicate: (from: string, copy: string) => makeNew(copy.trim(), () => d.duplicateProfile(from, copy.trim())),
    /** A new profile of every available stage in the usual order, with their defaults. */
    create: (name: string) =>
      makeNew(name.trim(), () =>
        d.createProfile({
          name: name.trim(),
          description: '',
          pipeline: {
            stages: stages()
              .filter((s) => s.available)
              .map((s) => s.name),
          },
        }),
      ),
  };
};

export type ProfilesStore = ReturnType<typeof createProfilesStore>;
