/** Events of a user preset stream, `preset:<id>`. Built-in presets live in code, not in the log. */
import type { Preset } from '../types/media.ts';

export type PresetEvent =
  | { type: 'PresetCreated'; data: { preset: Preset; at: string } }
  | { type: 'PresetUpdated'; data: { preset: Preset; at: string } }
  | { type: 'PresetDeleted'; data: { at: string } };

export const presetStream = (presetId: string) => `preset:${presetId}`;
