/** Sliders from a stage's JSON Schema (as the server's config-spec makes it), values kept within bounds, and what changed. */
import { describe, expect, test } from 'bun:test';
import { describeStage, stageInfo } from '../../../src/work/detect/stages.ts';
import { changedFrom, clampTo, labelOf, numericSettings, stepFor, settingValue, withValue } from './fast-settings.ts';

const field = describeStage(stageInfo('segment_field')!);
const edges = describeStage(stageInfo('detect_edges')!);

describe('fast settings', () => {
  test("segment_field's schema: both ends of the hue range, then each number, with the server's bounds", () => {
    const fs = numericSettings(field.schema);
    expect(fs.map((f) => f.path)).toEqual(['hue[0]', 'hue[1]', 'saturation_min', 'value_min', 'work_width', 'min_region_share']);
    expect(fs[0]).toMatchObject({ key: 'hue', index: 0, label: 'Hue low', min: 0, max: 180, integer: true, step: 1 });
    expect(fs[4]).toMatchObject({ label: 'Work width', min: 160, max: 1920, integer: true });
    expect(fs[5]).toMatchObject({ min: 0, max: 1, integer: false, step: 0.0001 });
    expect(fs[5]!.description).toBe('smallest candidate region, as a share of the frame');
  });

  test("detect_edges' schema: every setting is a slider", () => {
    const fs = numericSettings(edges.schema);
    expect(fs.map((f) => f.path)).toEqual(Object.keys(edges.defaults));
    expect(fs.find((f) => f.path === 'min_line_share')!.step).toBe(0.001);
    expect(fs.find((f) => f.path === 'min_board_aspect')!.step).toBe(0.1);
  });

  test('strings, booleans and lists are not sliders', () => {
    const schema = {
      properties: {
        a: { type: 'string' },
        b: { type: 'boolean' },
        c: { type: 'array', items: { type: 'string' } },
        d: { type: 'integer', minimum: 1, maximum: 9 },
      },
    };
    expect(numericSettings(schema).map((f) => f.path)).toEqual(['d']);
    expect(numericSettings({})).toEqual([]);
  });

  test('labels, steps and clamping', () => {
    expect(labelOf('max_line_gap')).toBe('Max line gap');
    expect(stepFor(false, 0, 1, 0)).toBe(0.01);
    expect(stepFor(false, 0, 1, 0.6)).toBe(0.01);
    const share = numericSettings(field.schema)[5]!;
    expect(clampTo(share, 1.5)).toBe(1);
    expect(clampTo(share, 0.1 + 0.2)).toBe(0.3);
    expect(clampTo(share, Number.NaN)).toBeNull();
    const width = numericSettings(field.schema)[4]!;
    expect(clampTo(width, 100)).toBe(160);
    expect(clampTo(width, 640.6)).toBe(641);
  });

  test('values are read from settings; a range end never crosses the other', () => {
    const [lo, hi] = numericSettings(field.schema);
    const current = { ...field.defaults };
    expect(settingValue(current, lo!)).toBe(35);
    expect(settingValue(current, hi!)).toBe(85);
    expect(withValue(current, {}, lo!, 50)).toEqual({ hue: [50, 85] });
    expect(withValue(current, {}, lo!, 120)).toEqual({ hue: [85, 85] });
    expect(withValue(current, { value_min: 9 }, hi!, 10)).toEqual({ value_min: 9, hue: [35, 35] });
    expect(withValue(current, {}, hi!, Number.NaN)).toEqual({});
    expect(settingValue({}, lo!)).toBeNaN();
  });

  test('what changed from the run: only overrides that differ, arrays compared by value', () => {
    const base = { ...field.defaults };
    expect(changedFrom(base, { hue: [35, 85], saturation_min: 40, value_min: 50 })).toEqual({ value_min: 50 });
    expect(changedFrom(base, { hue: [30, 85] })).toEqual({ hue: [30, 85] });
  });
});
