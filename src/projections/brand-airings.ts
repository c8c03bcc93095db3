/**
 * The BrandAiring read model: for each detect job, the brands its report
 * found, so a brand's airing history is a query. One row per detect job,
 * made when it is created or forked (what it ran over: timeline, profile,
 * brand list, replay parent) and given its brands when it completes; a
 * retry empties it again until the next completion replaces them. Queries
 * see completed rows only. Jobs of other kinds make no row. No event deletes
 * a job; clearing its outputs (JobOutputsCleared) keeps its record, and the
 * report is in that record (JobCompleted's result), so its row stays too.
 *
 * Brand names are matched and grouped case-insensitively on `key`, the name
 * lowercased here in JS: SQLite's lower() folds ASCII letters only.
 */
import type { Database, SQLQueryBindings } from 'bun:sqlite';
import { streamId, streamKind } from '../events/index.ts';
import type { PageOf, PageRequest } from './job-queries.ts';
import type { Projection } from './projection.ts';
import { defineTable } from './table.ts';

/** One brand as one job's report found it (its BrandSummary, trimmed to what a history shows). */
export interface AiringFigures {
  /** The canonical name: as the job's brand list spells it. */
  brand: string;
  /** `brand` lowercased: what queries match and group on. */
  key: string;
  exposureSeconds: number;
  appearances: number;
  /** 0 to 1. */
  shareOfVoice: number;
  /** Seconds from the start of the timeline. */
  firstSeen: number;
  lastSeen: number;
}

export interface BrandAiringView {
  job_id: string;
  /** As the job stands: only completed rows hold brands and are queried. */
  status: 'pending' | 'completed' | 'failed' | 'cancelled';
  timeline_id: string;
  brand_list_id: string;
  profile: string;
  /** The job it replays (a fork), or null. */
  parent: string | null;
  completed_at: string | null;
  /** By exposure, largest first, as the report lists them. */
  brands: AiringFigures[];
}

export const brandAiringsTable = defineTable<BrandAiringView>({
  name: 'brand_airings',
  key: ['job_id'],
  columns: {
    job_id: 'TEXT',
    status: 'TEXT',
    timeline_id: 'TEXT',
    brand_list_id: 'TEXT',
    profile: 'TEXT',
    parent: 'TEXT',
    completed_at: 'TEXT',
    brands: 'JSON',
  },
  indexes: [['status', 'completed_at'], ['brand_list_id']],
});

const DETECT = 'detect';
/** The job events this read model folds; the rest (chunk reports above all) need no row read. */
const FOLDED: ReadonlySet<string> = new Set(['JobCreated', 'JobForked', 'JobCompleted', 'JobFailed', 'JobCancelled', 'JobRetried']);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * Pure: the brands of a detect job's result (DetectResult: `report.brands`,
 * BrandSummary each). A result without a report (nothing compiled) has none;
 * anything unreadable is passed over, since a fold never throws.
 */
export const figuresOf = (result: unknown): AiringFigures[] => {
  const brands = isObj(result) && isObj(result.report) ? result.report.brands : null;
  if (!Array.isArray(brands)) return [];
  return brands
    .filter((b): b is Record<string, unknown> => isObj(b) && typeof b.brand === 'string' && b.brand !== '')
    .map((b) => ({
      brand: b.brand as string,
      key: (b.brand as string).toLowerCase(),
      exposureSeconds: num(b.exposureSeconds),
      appearances: num(b.appearances),
      shareOfVoice: num(b.shareOfVoice),
      firstSeen: num(b.firstSeen),
      lastSeen: num(b.lastSeen),
    }));
};

/** A detect job's row before it completes, from its params (DetectParams). */
const opened = (jobId: string, params: Record<string, unknown>, parent: string | null): BrandAiringView => ({
  job_id: jobId,
  status: 'pending',
  // A job's params were checked when it was asked for; '' only for a log that predates them.
  timeline_id: text(params.timelineId),
  brand_list_id: text(params.brandListId),
  profile: text(params.profile),
  parent: parent ?? (isObj(params.replay) && typeof params.replay.of === 'string' ? params.replay.of : null),
  completed_at: null,
  brands: [],
});

export const brandAiringsProjection: Projection<BrandAiringView> = {
  name: 'brand_airings',
  version: 1,
  table: brandAiringsTable,
  keyOf: (e) => (streamKind(e.stream) === 'job' && FOLDED.has(e.type) ? [streamId(e.stream)] : null),
  fold: (v, e) => {
    switch (e.type) {
      case 'JobCreated':
        return e.data.kind === DETECT ? opened(e.data.jobId, e.data.params, null) : null;
      case 'JobForked':
        return e.data.kind === DETECT ? opened(e.data.jobId, e.data.params, e.data.parent) : null;
    }
    // No row: not a detect job.
    if (!v) return null;
    switch (e.type) {
      case 'JobCompleted':
        return { ...v, status: 'completed', completed_at: e.data.at, brands: figuresOf(e.data.result) };
      case 'JobFailed':
        return { ...v, status: 'failed' };
      case 'JobCancelled':
        return { ...v, status: 'cancelled' };
      case 'JobRetried':
        return { ...v, status: 'pending', completed_at: null, brands: [] };
      default:
        return null;
    }
  },
};

/** One job that saw a brand, with that brand's figures in it. */
export interface BrandAiring {
  jobId: string;
  timelineId: string;
  brandListId: string;
  profile: string;
  parent: string | null;
  completedAt: string;
  /** The canonical name as this job's brand list spells it. */
  brand: string;
  exposureSeconds: number;
  appearances: number;
  shareOfVoice: number;
  firstSeen: number;
  lastSeen: number;
}

/** A brand seen in any completed detect job, over every job that saw it. */
export interface AiredBrand {
  /** As the latest job that saw it spells it. */
  brand: string;
  jobs: number;
  exposureSeconds: number;
  /** completed_at of the first and the latest job that saw it. */
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface AiredBrandsQuery {
  /** Only jobs run with this brand list. */
  brandListId?: string;
}

/** Each brand of each completed row, as SQL rows (`a`: the row, `b`: one brand). */
const SEEN = `FROM brand_airings a, json_each(a.brands) b WHERE a.status = 'completed'`;
const field = (name: keyof AiringFigures) => `json_extract(b.value, '$.${name}')`;

/** The jobs that saw `brand` (matched case-insensitively), newest first (ties by job id, so pages never overlap). */
export const brandAirings = (db: Database, brand: string, page: PageRequest): PageOf<BrandAiring> => {
  const where = `${SEEN} AND ${field('key')} = ?`;
  const key = brand.toLowerCase();
  const total = db.query<{ n: number }, [string]>(`SELECT count(*) AS n ${where}`).get(key)!.n;
  const rows = db
    .query<BrandAiring, [string, number, number]>(
      `SELECT a.job_id AS jobId, a.timeline_id AS timelineId, a.brand_list_id AS brandListId, a.profile, a.parent, a.completed_at AS completedAt,
        ${field('brand')} AS brand, ${field('exposureSeconds')} AS exposureSeconds, ${field('appearances')} AS appearances,
        ${field('shareOfVoice')} AS shareOfVoice, ${field('firstSeen')} AS firstSeen, ${field('lastSeen')} AS lastSeen
       ${where} ORDER BY a.completed_at DESC, a.job_id DESC LIMIT ? OFFSET ?`,
    )
    .all(key, page.limit, page.offset);
  return { rows, total };
};

/**
 * Every brand seen in a completed detect job (of one brand list, if asked),
 * by name (case-insensitively), with how many jobs saw it, its exposure
 * over them all (rounded to the millisecond: sums of floats drift) and
 * when it was first and last seen.
 */
export const airedBrands = (db: Database, page: PageRequest, opts: AiredBrandsQuery = {}): PageOf<AiredBrand> => {
  const list = opts.brandListId ? ' AND a.brand_list_id = ?' : '';
  const args: SQLQueryBindings[] = opts.brandListId ? [opts.brandListId] : [];
  const seen = `WITH seen AS (
    SELECT a.job_id, a.completed_at, ${field('key')} AS key, ${field('exposureSeconds')} AS exposure,
      first_value(${field('brand')}) OVER (PARTITION BY ${field('key')} ORDER BY a.completed_at DESC, a.job_id DESC) AS brand
    ${SEEN}${list})`;
  const total = db.query<{ n: number }, SQLQueryBindings[]>(`${seen} SELECT count(DISTINCT key) AS n FROM seen`).get(...args)!.n;
  const rows = db
    .query<AiredBrand, SQLQueryBindings[]>(
      `${seen} SELECT min(brand) AS brand, count(DISTINCT job_id) AS jobs, round(sum(exposure), 3) AS exposureSeconds,
        min(completed_at) AS firstSeenAt, max(completed_at) AS lastSeenAt
       FROM seen GROUP BY key ORDER BY key LIMIT ? OFFSET ?`,
    )
    .all(...args, page.limit, page.offset);
  return { rows, total };
};
