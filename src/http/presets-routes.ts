/** `/api/presets`: built-in presets (read-only) and validated user presets. */
import { Elysia } from 'elysia';
import { AppError } from '../errors.ts';
import { validatePreset } from '../media/preset-validation.ts';
import { isBuiltinPresetId } from '../media/presets.ts';
import { findPreset, listPresets } from '../projections/index.ts';
import type { System } from '../system.ts';
import { strict } from './input.ts';
import { json, requestBody, responses } from './openapi-responses.ts';
import { PresetInput } from './preset-schemas.ts';
import { idParams } from './schemas.ts';

/** What the presets routes read and command. */
export type PresetsRoutesDeps = Pick<System, 'db' | 'actors' | 'projections' | 'now'>;

const builtinRefused = (id: string): never => {
  throw new AppError('invalid_state', `${id} is a built-in preset: built-in presets cannot be changed; create a copy with another id`);
};

const idParam = idParams('preset');

export const presetsRoutes = (s: PresetsRoutesDeps) =>
  new Elysia({ prefix: '/presets', detail: { tags: ['presets'] } })
    .get(
      '',
      () => {
        const items = listPresets(s.db);
        return { items, total: items.length };
      },
      {
        transform: strict({ body: false }),
        detail: { summary: 'Built-in presets, then user presets', responses: responses({ 200: json('PresetList', 'Every preset') }) },
      },
    )
    .get(
      '/:id',
      ({ params }) => {
        const p = findPreset(s.db, params.id);
        if (!p) throw new AppError('not_found', `no preset ${params.id}`);
        return p;
      },
      {
        params: idParam,
        transform: strict({ body: false }),
        detail: { summary: 'One preset', responses: responses({ 200: json('Preset', 'The preset') }, 404) },
      },
    )
    .post(
      '',
      async ({ body, set }) => {
        const preset = validatePreset(body);
        if (isBuiltinPresetId(preset.id)) throw new AppError('conflict', `${preset.id} is a built-in preset; pick another id`);
        const r = await s.actors.preset(preset.id).execute({ type: 'CreatePreset', data: { preset, at: s.now() } }, { actor: 'api' });
        await s.projections.waitFor(r.position);
        set.status = 201;
        return preset;
      },
      {
        transform: strict({ body: PresetInput, validate: true }),
        detail: {
          summary: 'Create a user preset (400 with the field at fault; 409 when the id exists)',
          requestBody: requestBody('PresetInput'),
          responses: responses({ 201: json('Preset', 'The preset as stored, defaults filled in') }, 400, 409),
        },
      },
    )
    .put(
      '/:id',
      async ({ params, body }) => {
        if (isBuiltinPresetId(params.id)) builtinRefused(params.id);
        const preset = validatePreset(body, { id: params.id });
        const r = await s.actors.preset(params.id).execute({ type: 'UpdatePreset', data: { preset, at: s.now() } }, { actor: 'api' });
        await s.projections.waitFor(r.position);
        return preset;
      },
      {
        params: idParam,
        transform: strict({ body: PresetInput, validate: true }),
        detail: {
          summary: 'Replace a user preset (jobs already made keep the preset they started with)',
          requestBody: requestBody('PresetInput'),
          responses: responses({ 200: json('Preset', 'The preset as stored') }, 400, 404, 409),
        },
      },
    )
    .delete(
      '/:id',
      async ({ params, set }) => {
        if (isBuiltinPresetId(params.id)) builtinRefused(params.id);
        const r = await s.actors.preset(params.id).execute({ type: 'DeletePreset', data: { id: params.id, at: s.now() } }, { actor: 'api' });
        await s.projections.waitFor(r.position);
        set.status = 204;
        return null;
      },
      {
        params: idParam,
        transform: strict({ body: false }),
        detail: { summary: 'Delete a user preset', responses: responses({ 204: { description: 'Deleted' } }, 404, 409) },
      },
    );
