/** The user preset actor's decider. Built-in presets never reach it: their ids are refused up front. */
import { AppError } from '../errors.ts';
import type { PresetEvent } from '../events/preset.ts';
import type { StoredEvent } from '../events/types.ts';
import type { Preset } from '../types/media.ts';
import type { Decider } from './decider.ts';

export interface PresetState {
  status: 'none' | 'active' | 'deleted';
  preset: Preset | null;
}

export type PresetCommand =
  | { type: 'CreatePreset'; data: { preset: Preset; at: string } }
  | { type: 'UpdatePreset'; data: { preset: Preset; at: string } }
  | { type: 'DeletePreset'; data: { id: string; at: string } };

export const initialPreset = (): PresetState => ({ status: 'none', preset: null });

export const evolvePreset = (s: PresetState, ev: StoredEvent<PresetEvent>): PresetState => {
  switch (ev.type) {
    case 'PresetCreated':
    case 'PresetUpdated':
      return { status: 'active', preset: ev.data.preset };
    case 'PresetDeleted':
      return { ...s, status: 'deleted' };
    default:
      return s;
  }
};

export const decidePreset = (cmd: PresetCommand, s: PresetState): PresetEvent[] => {
  switch (cmd.type) {
    case 'CreatePreset':
      if (s.status === 'active') throw new AppError('conflict', `a preset with id "${cmd.data.preset.id}" already exists`);
      return [{ type: 'PresetCreated', data: cmd.data }];
    case 'UpdatePreset':
      if (s.status !== 'active') throw new AppError('not_found', `no preset "${cmd.data.preset.id}"`);
      return JSON.stringify(s.preset) === JSON.stringify(cmd.data.preset) ? [] : [{ type: 'PresetUpdated', data: cmd.data }];
    case 'DeletePreset':
      if (s.status !== 'active') throw new AppError('not_found', `no preset "${cmd.data.id}"`);
      return [{ type: 'PresetDeleted', data: { at: cmd.data.at } }];
    default: {
      const exhaustive: never = cmd;
      return exhaustive;
    }
  }
};

export const presetDecider: Decider<PresetState, PresetCommand, PresetEvent> = { initial: initialPreset, evolve: evolvePreset, decide: decidePreset };
