/**
 * Detection scenarios: every timeline + profile + brand list combination
 * that was run, read from the Job read model's detect jobs (their params
 * name all three), with how often, the latest run and the latest completed
 * one. The SQL lives here, next to the table.
 */
import type { Database } from 'bun:sqlite';
import type { ScenarioRun } from '../types/detect-setup.ts';
import type { PageOf, PageRequest } from './job-queries.ts';

/** A combination run (the shared shape). */
export type ScenarioRow = ScenarioRun;

const RUNS = `
  SELECT id, status, created_at,
         json_extract(params, '$.timelineId') AS timeline_id,
         json_extract(params, '$.profile') AS profile,
         json_extract(params, '$.brandListId') AS brand_list_id
  FROM jobs WHERE kind = 'detect'`;

export const detectScenarios = (db: Database, page: PageRequest): PageOf<ScenarioRow> => {
  const rows = db
    .query<
      {
        timeline_id: string;
        profile: string;
        brand_list_id: string;
        runs: number;
        id: string;
        status: string;
        created_at: string;
        completed: string | null;
      },
      [number, number]
    >(
      `WITH r AS (${RUNS}),
       g AS (
         SELECT r.*,
                ROW_NUMBER() OVER w AS rn,
                COUNT(*) OVER (PARTITION BY timeline_id, profile, brand_list_id) AS runs,
                FIRST_VALUE(CASE WHEN status = 'COMPLETED' THEN id END)
                  OVER (PARTITION BY timeline_id, profile, brand_list_id ORDER BY status = 'COMPLETED' DESC, created_at DESC, id DESC) AS completed
         FROM r
         WINDOW w AS (PARTITION BY timeline_id, profile, brand_list_id ORDER BY created_at DESC, id DESC)
       )
       SELECT timeline_id, profile, brand_list_id, runs, id, status, created_at, completed
       FROM g WHERE rn = 1 ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
    )
    .all(page.limit, page.offset);
  const total = db.query<{ n: number }, []>(`SELECT COUNT(*) AS n FROM (SELECT DISTINCT timeline_id, profile, brand_list_id FROM (${RUNS}))`).get()?.n ?? 0;
  return {
    rows: rows.map((r) => ({
      timelineId: r.timeline_id,
      profile: r.profile,
      brandListId: r.brand_list_id,
      runs: r.runs,
      lastJobId: r.id,
      lastStatus: r.status,
      lastRunAt: r.created_at,
      lastCompletedJobId: r.completed,
    })),
    total,
  };
};
