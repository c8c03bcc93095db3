import { expect, test } from 'bun:test';
import { mergeOverrides } from './overrides.ts';

const params = {
  presetId: 'hls-abr',
  preset: { audio: { bitrate: 128000, channels: 2 }, video: { rungs: [{ height: 360 }, { height: 720 }] }, thumbnails: null },
};

test('nested overrides merge into the params instead of replacing whole objects', () => {
  const p = mergeOverrides(params, { preset: { audio: { bitrate: 96000 } } });
  expect(p.preset).toEqual({ audio: { bitrate: 96000, channels: 2 }, video: { rungs: [{ height: 360 }, { height: 720 }] }, thumbnails: null });
  expect(params.preset.audio.bitrate).toBe(128000); // the parent's params are left alone
});

test('arrays and nulls are replaced whole', () => {
  const p = mergeOverrides(params, { preset: { video: { rungs: [{ height: 480 }] }, thumbnails: { interval: 5 } } }) as {
    preset: { video: { rungs: unknown[] }; thumbnails: unknown };
  };
  expect(p.preset.video.rungs).toEqual([{ height: 480 }]);
  expect(p.preset.thumbnails).toEqual({ interval: 5 });
});

test('an unknown key is refused with its path; a dotted key is explained', () => {
  expect(() => mergeOverrides(params, { preset: { audio: { bitrat: 1 } } })).toThrow('overrides: unknown key "preset.audio.bitrat"');
  expect(() => mergeOverrides(params, { 'preset.audio.bitrate': 96000 })).toThrow(/unknown key "preset\.audio\.bitrate".*--set preset\.audio\.bitrate=/);
});

test('the kind may let a fork add a top-level key the parent lacks', () => {
  expect(mergeOverrides(params, { range: { start: 1, end: 2 } }, ['range'])).toMatchObject({ range: { start: 1, end: 2 } });
  expect(() => mergeOverrides(params, { range: { start: 1 } })).toThrow('unknown key "range"');
});
