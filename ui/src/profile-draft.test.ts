import { describe, expect, test } from 'bun:test';
import { profile, STAGES } from '../test/detect-setup-fixtures.ts';
import { addStage, bodyOf, canMoveStage, configsOf, draftOf, moveStage, removeStage, runOrder, validateDraft } from './profile-draft.ts';

const mine = () => draftOf(profile({ name: 'mine', builtIn: false }), STAGES);

describe('a draft of a profile', () => {
  test('every setting of every stage, the profile over the defaults', () => {
    const d = mine();
    expect(d.values.match_brands).toEqual({ min_similarity: 0.8, fuzzy: true, stop_words: [] });
    expect(d.values.segment_field).toEqual({ hue: [35, 85] });
    expect(d.values.escalate_vlm).toBeUndefined();
  });

  test('only what differs from the defaults is saved, per stage', () => {
    const d = mine();
    d.values.ocr!.det_width = 1280;
    d.values.segment_field!.hue = [35, 85];
    expect(configsOf(d, STAGES)).toEqual({ match_brands: { min_similarity: 0.8 }, ocr: { det_width: 1280 } });
    d.values.match_brands!.min_similarity = 0.75;
    expect(bodyOf(d, STAGES)).toEqual({
      description: 'Football on TV',
      pipeline: { stages: ['extract_frames', 'segment_field', 'ocr', 'match_brands', 'compile_report'], edges: [] },
      configs: { ocr: { det_width: 1280 } },
    });
  });

  test('a stage the server did not describe keeps its settings as they were', () => {
    const d = draftOf(profile({ pipeline: { stages: ['extract_frames', 'future'], edges: [] }, configs: { future: { x: 1 } } }), STAGES);
    expect(configsOf(d, STAGES)).toEqual({ future: { x: 1 } });
  });
});

describe('editing the stages', () => {
  test('a stage is added in the usual order, with its defaults; removing one takes its edges and settings', () => {
    let d = mine();
    d = addStage(d, 'escalate_vlm', STAGES);
    expect(d.stages).toEqual(['extract_frames', 'segment_field', 'ocr', 'match_brands', 'escalate_vlm', 'compile_report']);
    expect(d.values.escalate_vlm).toEqual({ model: 'moondream' });
    d = { ...d, edges: [{ from: 'match_brands', to: 'escalate_vlm', flow: 'unresolved' }] };
    d = removeStage(d, 4);
    expect(d.stages).not.toContain('escalate_vlm');
    expect(d.edges).toEqual([]);
    expect(d.values.escalate_vlm).toBeUndefined();
  });

  test('extract_frames stays first: it does not move and nothing moves above it', () => {
    const d = mine();
    expect(canMoveStage(d, 0, 1)).toBe(false);
    expect(canMoveStage(d, 1, 0)).toBe(false);
    expect(canMoveStage(d, 2, 1)).toBe(true);
    expect(moveStage(d, 2, 1).stages.slice(0, 3)).toEqual(['extract_frames', 'ocr', 'segment_field']);
    expect(moveStage(d, 1, 0)).toBe(d);
  });
});

describe('checks named by field', () => {
  test('the run order follows the edges, then the list; a cycle is named', () => {
    expect(runOrder(['a', 'b', 'c'], [{ from: 'c', to: 'b', flow: 'all' }])).toEqual({ order: ['a', 'c', 'b'] });
    expect(
      runOrder(
        ['a', 'b', 'c'],
        [
          { from: 'b', to: 'c', flow: 'all' },
          { from: 'c', to: 'b', flow: 'all' },
        ],
      ),
    ).toEqual({ cycle: ['b', 'c', 'b'] });
  });

  test('settings out of range, a cycle, an edge into extract_frames, a long description', () => {
    const d = mine();
    d.description = 'x'.repeat(501);
    d.values.ocr!.det_width = 100;
    d.values.segment_field!.hue = [35];
    d.edges = [
      { from: 'ocr', to: 'match_brands', flow: 'all' },
      { from: 'match_brands', to: 'ocr', flow: 'unresolved' },
      { from: 'ocr', to: 'extract_frames', flow: 'all' },
    ];
    expect(validateDraft(d, STAGES)).toEqual({
      description: 'At most 500 characters.',
      'pipeline.edges[2].to': 'Nothing runs before extract_frames.',
      'pipeline.edges': 'A cycle: ocr → match_brands → ocr.',
      'configs.ocr.det_width': 'Must be at least 320.',
      'configs.segment_field.hue': 'Must hold 2 numbers.',
    });
    expect(validateDraft(mine(), STAGES)).toEqual({});
    expect(validateDraft({ ...mine(), stages: [], values: {} }, STAGES)).toEqual({ 'pipeline.stages': 'Add at least one stage.' });
  });
});
