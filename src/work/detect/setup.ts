/**
 * Setting up detection runs: profiles (built-ins read-only, user ones made,
 * changed, duplicated, deleted), timelines of picks checked against their
 * assets, and brand lists. Every change is a command to its actor; every
 * refusal names the field. The read models come in as readers (the
 * composition root wires them), so this kind reaches no projection itself.
 */
import type { Runtime } from '../../actors/runtime.ts';
import { actorsOf } from '../../actors/registry.ts';
import { AppError } from '../../errors.ts';
import type { Storage } from '../../storage/index.ts';
import type { Page } from '../../types/api.ts';
import type { Brand, BrandList, DetectSettings, DetectSettingsDto, Pick, Profile, ProfileDto, ScenarioRun, Timeline } from '../../types/detect-setup.ts';
import { BUILTIN_PROFILES, builtinProfile, PROFILE_NAME, resolveProfile, validateProfile } from './profile.ts';
import { isObj } from './config-spec.ts';
import { frameCachePrefix } from './frames.ts';
import { describeStage, STAGES, stageInfo } from './stages.ts';

/** What a pick needs to know of its asset. */
export interface PickableAsset {
  id: string;
  status: string;
  kind: string | null;
  duration: number | null;
}

export interface SetupReaders {
  profile(name: string): { profile: Profile; createdAt: string; updatedAt: string } | null;
  profiles(): { profile: Profile; createdAt: string; updatedAt: string }[];
  timeline(id: string): Timeline | null;
  timelines(page: PageRequest): Page<Timeline>;
  brandList(id: string): BrandList | null;
  brandLists(page: PageRequest): Page<BrandList>;
  asset(id: string): PickableAsset | null;
  /** The timeline + profile + brand list combinations that were run, newest first. */
  scenarios(page: PageRequest): Page<ScenarioRun>;
}

interface PageRequest {
  limit: number;
  offset: number;
}

export interface SetupDeps {
  runtime: Runtime;
  now: () => string;
  readers: SetupReaders;
  /** Checks a brand list's brands (the match stage's rules), naming the field. */
  parseBrands(raw: unknown): Brand[];
  /** Waits until the read models have folded the log up to `position`. */
  caughtUp(position: number): Promise<void>;
  newId(): string;
  /** Where timelines' frame caches live. */
  output: Storage;
}

export const MAX_PICKS = 500;
/** A pick may end this far past the probed duration (container rounding). */
const END_SLACK_SECONDS = 0.05;

const bad = (path: string, what: string) => new AppError('validation', `${path}: ${what}`);

const checkName = (raw: unknown, path = 'name'): string => {
  if (typeof raw !== 'string' || raw.trim() === '' || raw.length > 200) throw bad(path, 'a name of 1 to 200 characters');
  return raw.trim();
};

/** The picks of a timeline body, each against its asset: ready, a video, inside its duration. */
export const checkPicks = (raw: unknown, asset: (id: string) => PickableAsset | null): Pick[] => {
  if (!Array.isArray(raw) || raw.length === 0) throw bad('picks', 'must list at least one pick { assetId, start, end }');
  if (raw.length > MAX_PICKS) throw bad('picks', `at most ${MAX_PICKS} picks`);
  return raw.map((p, i) => {
    const at = `picks[${i}]`;
    if (!isObj(p)) throw bad(at, 'must be { assetId, start, end }');
    for (const k of Object.keys(p)) if (!['assetId', 'start', 'end'].includes(k)) throw bad(`${at}.${k}`, 'unknown field (assetId, start, end)');
    if (typeof p.assetId !== 'string' || p.assetId.length > 64) throw bad(`${at}.assetId`, 'an asset id');
    const a = asset(p.assetId);
    if (!a) throw bad(`${at}.assetId`, `no asset ${p.assetId}`);
    if (a.status !== 'ready') throw bad(`${at}.assetId`, `asset ${p.assetId} is ${a.status}, not ready`);
    if (a.kind !== 'video') throw bad(`${at}.assetId`, `asset ${p.assetId} has no video to look at`);
    for (const k of ['start', 'end'] as const) {
      if (typeof p[k] !== 'number' || !Number.isFinite(p[k]) || p[k] < 0) throw bad(`${at}.${k}`, `seconds, a number ≥ 0, got ${JSON.stringify(p[k])}`);
    }
    const start = p.start as number;
    const end = p.end as number;
    if (end <= start) throw bad(`${at}.end`, `must be after start (${start} s), got ${end}`);
    if (a.duration !== null && end > a.duration + END_SLACK_SECONDS) throw bad(`${at}.end`, `${end} s is past the end of the asset (${a.duration} s)`);
    return { assetId: p.assetId, start, end };
  });
};

export const createSetup = (d: SetupDeps) => {
  const actors = actorsOf(d.runtime);
  const settle = async (r: { position: number }) => d.caughtUp(r.position);

  const dtoOf = (p: Profile, builtIn: boolean, createdAt: string | null, updatedAt: string | null): ProfileDto => ({ ...p, builtIn, createdAt, updatedAt });
  const getProfile = (name: string): ProfileDto => {
    const b = builtinProfile(name);
    if (b) return dtoOf(b, true, null, null);
    const u = d.readers.profile(name);
    if (!u) throw new AppError('not_found', `no profile "${name}"`);
    return dtoOf(u.profile, false, u.createdAt, u.updatedAt);
  };
  const notBuiltIn = (name: string) => {
    if (builtinProfile(name)) throw new AppError('conflict', `"${name}" is a built-in profile and cannot change: duplicate it and change the copy`);
  };

  const timeline = (id: string): Timeline => {
    const t = d.readers.timeline(id);
    if (!t) throw new AppError('not_found', `no timeline ${id}`);
    return t;
  };
  const brandList = (id: string): BrandList => {
    const b = d.readers.brandList(id);
    if (!b) throw new AppError('not_found', `no brand list ${id}`);
    return b;
  };

  const settings = async (): Promise<DetectSettingsDto> => {
    const { state } = await actors.detectSettings().load();
    return { ...state.settings, updatedBy: state.updatedBy, updatedAt: state.updatedAt };
  };

  return {
    /** Detection's settings: the profile and brand list a run uses when it names none. */
    settings: {
      get: settings,
      async set(by: string, body: unknown): Promise<DetectSettingsDto> {
        if (!isObj(body)) throw bad('body', 'must be { defaultProfile?, defaultBrandListId? }');
        for (const k of Object.keys(body))
          if (k !== 'defaultProfile' && k !== 'defaultBrandListId') throw bad(k, 'unknown field (defaultProfile, defaultBrandListId)');
        const was = await settings();
        const next: DetectSettings = { defaultProfile: was.defaultProfile, defaultBrandListId: was.defaultBrandListId };
        if (body.defaultProfile !== undefined) {
          if (typeof body.defaultProfile !== 'string' || !(builtinProfile(body.defaultProfile) || d.readers.profile(body.defaultProfile)))
            throw bad('defaultProfile', `no profile ${JSON.stringify(body.defaultProfile)}`);
          next.defaultProfile = body.defaultProfile;
        }
        if (body.defaultBrandListId !== undefined) {
          const id = body.defaultBrandListId;
          if (id !== null && (typeof id !== 'string' || !d.readers.brandList(id))) throw bad('defaultBrandListId', `no brand list ${JSON.stringify(id)}`);
          next.defaultBrandListId = id;
        }
        await settle(await actors.detectSettings().execute({ type: 'SetDetectSettings', data: { settings: next, by, at: d.now() } }, { actor: by }));
        return settings();
      },
    },

    profiles: {
      list: (): ProfileDto[] => [
        ...BUILTIN_PROFILES.map((p) => dtoOf(p, true, null, null)),
        ...d.readers.profiles().map((u) => dtoOf(u.profile, false, u.createdAt, u.updatedAt)),
      ],
      get: getProfile,
      /** The stages in the order they run, with edges and every stage's whole config. */
      pipeline: (name: string) => resolveProfile(getProfile(name)),
      async create(by: string, body: unknown): Promise<ProfileDto> {
        const profile = validateProfile(body);
        notBuiltIn(profile.name);
        await settle(await actors.profile(profile.name).execute({ type: 'CreateProfile', data: { profile, by, at: d.now() } }, { actor: by }));
        return getProfile(profile.name);
      },
      async update(by: string, name: string, body: unknown): Promise<ProfileDto> {
        notBuiltIn(name);
        const profile = validateProfile(isObj(body) ? { ...body, name } : body, getProfile(name).basedOn);
        await settle(await actors.profile(name).execute({ type: 'UpdateProfile', data: { profile, by, at: d.now() } }, { actor: by }));
        return getProfile(name);
      },
      async duplicate(by: string, name: string, body: unknown): Promise<ProfileDto> {
        const from = getProfile(name);
        const to = isObj(body) ? body.name : undefined;
        if (typeof to !== 'string' || !PROFILE_NAME.test(to)) throw bad('name', "the copy's name: lower-case letters, digits, - and _, at most 64");
        if (isObj(body)) for (const k of Object.keys(body)) if (k !== 'name') throw bad(k, 'unknown field (name)');
        notBuiltIn(to);
        const profile: Profile = {
          ...structuredClone({ pipeline: from.pipeline, configs: from.configs }),
          name: to,
          description: from.description,
          basedOn: name,
        };
        await settle(await actors.profile(to).execute({ type: 'CreateProfile', data: { profile, by, at: d.now() } }, { actor: by }));
        return getProfile(to);
      },
      async remove(by: string, name: string): Promise<void> {
        notBuiltIn(name);
        await settle(await actors.profile(name).execute({ type: 'DeleteProfile', data: { name, by, at: d.now() } }, { actor: by }));
      },
    },

    /** Saved scenarios: every timeline + profile + brand list combination run, named (null where since deleted). */
    scenarios(page: PageRequest) {
      const { items, total } = d.readers.scenarios(page);
      return {
        items: items.map((s) => ({
          ...s,
          timelineName: d.readers.timeline(s.timelineId)?.name ?? null,
          brandListName: d.readers.brandList(s.brandListId)?.name ?? null,
        })),
        total,
      };
    },

    stages: {
      list: () => STAGES.map(describeStage),
      get(name: string) {
        const info = stageInfo(name);
        if (!info) throw new AppError('not_found', `no stage "${name}" (stages: ${STAGES.map((x) => x.name).join(', ')})`);
        return describeStage(info);
      },
    },

    timelines: {
      get: timeline,
      list: (page: PageRequest) => d.readers.timelines(page),
      async create(by: string, body: unknown): Promise<Timeline> {
        if (!isObj(body)) throw bad('body', 'must be { name, picks }');
        for (const k of Object.keys(body)) if (k !== 'name' && k !== 'picks') throw bad(k, 'unknown field (name, picks)');
        const name = checkName(body.name);
        const picks = checkPicks(body.picks, d.readers.asset);
        const id = d.newId();
        await settle(
          await actors.timeline(id).execute({ type: 'CreateTimeline', data: { timelineId: id, name, picks, createdBy: by, at: d.now() } }, { actor: by }),
        );
        return timeline(id);
      },
      /** Changes its name or picks (a field left out keeps its value), checked as a new one is. */
      async update(by: string, id: string, body: unknown): Promise<Timeline> {
        const was = timeline(id);
        if (!isObj(body)) throw bad('body', 'must be { name?, picks? }');
        for (const k of Object.keys(body)) if (k !== 'name' && k !== 'picks') throw bad(k, 'unknown field (name, picks)');
        const name = body.name === undefined ? was.name : checkName(body.name);
        const picks = body.picks === undefined ? was.picks : checkPicks(body.picks, d.readers.asset);
        await settle(await actors.timeline(id).execute({ type: 'UpdateTimeline', data: { name, picks, by, at: d.now() } }, { actor: by }));
        return timeline(id);
      },
      /** Deletes it and its frame cache (the cache first: a cache left behind would belong to no timeline). */
      async remove(by: string, id: string): Promise<void> {
        timeline(id);
        await d.output.deletePrefix(frameCachePrefix(id));
        await settle(await actors.timeline(id).execute({ type: 'DeleteTimeline', data: { by, at: d.now() } }, { actor: by }));
      },
      /** Drops its frame cache (the next run extracts again); answers how many objects went. */
      async clearCache(by: string, id: string): Promise<{ removed: number }> {
        timeline(id);
        const removed = await d.output.deletePrefix(frameCachePrefix(id));
        await settle(await actors.timeline(id).execute({ type: 'RecordCacheCleared', data: { removed, by, at: d.now() } }, { actor: by }));
        return { removed };
      },
    },

    brandLists: {
      get: brandList,
      list: (page: PageRequest) => d.readers.brandLists(page),
      async create(by: string, body: unknown): Promise<BrandList> {
        if (!isObj(body)) throw bad('body', 'must be { name, brands }');
        for (const k of Object.keys(body)) if (k !== 'name' && k !== 'brands') throw bad(k, 'unknown field (name, brands)');
        const name = checkName(body.name);
        const brands = d.parseBrands(body.brands);
        const id = d.newId();
        await settle(
          await actors.brands(id).execute({ type: 'CreateBrandList', data: { listId: id, name, brands, createdBy: by, at: d.now() } }, { actor: by }),
        );
        return brandList(id);
      },
      async update(by: string, id: string, body: unknown): Promise<BrandList> {
        const was = brandList(id);
        if (!isObj(body)) throw bad('body', 'must be { name?, brands? }');
        for (const k of Object.keys(body)) if (k !== 'name' && k !== 'brands') throw bad(k, 'unknown field (name, brands)');
        const name = body.name === undefined ? was.name : checkName(body.name);
        const brands = body.brands === undefined ? was.brands : d.parseBrands(body.brands);
        await settle(await actors.brands(id).execute({ type: 'UpdateBrandList', data: { name, brands, by, at: d.now() } }, { actor: by }));
        return brandList(id);
      },
      async remove(by: string, id: string): Promise<void> {
        brandList(id);
        await settle(await actors.brands(id).execute({ type: 'DeleteBrandList', data: { by, at: d.now() } }, { actor: by }));
      },
    },
  };
};

export type DetectSetup = ReturnType<typeof createSetup>;
