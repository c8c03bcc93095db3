/**
 * The dead-letter list: work items set aside as poison (ChunkDeadLettered:
 * they lost their worker or stalled MPR_MAX_ITEM_TRIES times), with their
 * history, until an admin retries or drops them (DeadItemResolved removes
 * the row). Keyed by the item's id, its chunk stream.
 */
import type { Database } from 'bun:sqlite';
import { streamKind } from '../events/index.ts';
import type { ChunkEvent } from '../events/chunk.ts';
import { DELETE, type Projection } from './projection.ts';
import { defineTable } from './table.ts';

type History = Extract<ChunkEvent, { type: 'ChunkDeadLettered' }>['data']['history'];

export interface DeadItemView {
  item_id: string;
  job_id: string;
  attempt: number;
  n: number;
  kind: string;
  reason: string;
  tries: number;
  history: History;
  at: string;
}

export const deadItemsTable = defineTable<DeadItemView>({
  name: 'dead_items',
  key: ['item_id'],
  columns: { item_id: 'TEXT', job_id: 'TEXT', attempt: 'INTEGER', n: 'INTEGER', kind: 'TEXT', reason: 'TEXT', tries: 'INTEGER', history: 'JSON', at: 'TEXT' },
  indexes: [['at']],
});

export const deadItemsProjection: Projection<DeadItemView> = {
  name: 'dead_items',
  version: 1,
  table: deadItemsTable,
  keyOf: (e) => (streamKind(e.stream) === 'chunk' && (e.type === 'ChunkDeadLettered' || e.type === 'DeadItemResolved') ? [e.stream] : null),
  fold: (v, e) => {
    switch (e.type) {
      case 'ChunkDeadLettered': {
        const d = e.data;
        return {
          item_id: e.stream,
          job_id: d.jobId,
          attempt: d.attempt ?? 1,
          n: d.n,
          kind: d.kind,
          reason: d.reason,
          tries: d.tries,
          history: d.history,
          at: d.at,
        };
      }
      case 'DeadItemResolved':
        return v ? DELETE : null;
      default:
        return null;
    }
  },
};

/** The dead-lettered items, newest first. */
export const deadItems = (db: Database, page: { limit: number; offset: number }): { items: DeadItemView[]; total: number } => ({
  items: deadItemsTable.select(db, 'ORDER BY "at" DESC, "item_id" LIMIT ? OFFSET ?', [page.limit, page.offset]),
  total: deadItemsTable.count(db, ''),
});

export const findDeadItem = (db: Database, itemId: string): DeadItemView | null => deadItemsTable.load(db, [itemId]);
