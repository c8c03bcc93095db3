/** The Preset read model: user presets (built-ins are merged in by whoever lists them). */
import type { Database } from 'bun:sqlite';
import { streamId, streamKind } from '../events/index.ts';
import { BUILTIN_PRESETS } from '../media/presets.ts';
import type { Preset } from '../types/media.ts';
import { DELETE, type Projection } from './projection.ts';
import { defineTable } from './table.ts';

export interface PresetView {
  id: string;
  preset: Preset;
  created_at: string;
  updated_at: string;
}

export const presetsTable = defineTable<PresetView>({
  name: 'presets',
  key: ['id'],
  columns: { id: 'TEXT', preset: 'JSON', created_at: 'TEXT', updated_at: 'TEXT' },
});

export const presetsProjection: Projection<PresetView> = {
  name: 'presets',
  version: 1,
  table: presetsTable,
  keyOf: (e) => (streamKind(e.stream) === 'preset' ? [streamId(e.stream)] : null),
  fold: (v, e) => {
    switch (e.type) {
      case 'PresetCreated':
        return { id: e.data.preset.id, preset: e.data.preset, created_at: e.data.at, updated_at: e.data.at };
      case 'PresetUpdated':
        return v && { ...v, preset: e.data.preset, updated_at: e.data.at };
      case 'PresetDeleted':
        return v ? DELETE : null;
      default:
        return null;
    }
  },
};

/** Built-in presets first, then user presets by id. */
export const listPresets = (db: Database): Preset[] => [...BUILTIN_PRESETS, ...presetsTable.dump(db).map((r) => r.preset)];

/** A built-in or user preset by id, or null. */
export const findPreset = (db: Database, id: string): Preset | null => BUILTIN_PRESETS.find((p) => p.id === id) ?? presetsTable.load(db, [id])?.preset ?? null;
