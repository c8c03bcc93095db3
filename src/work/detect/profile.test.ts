import { describe, expect, test } from 'bun:test';
import { describeStage, STAGE_NAMES, stageInfo } from './stages.ts';
import { BUILTIN_PROFILES, resolveProfile, runOrder, validateProfile } from './profile.ts';

const body = (over: Record<string, unknown> = {}) => ({
  name: 'my_cup',
  pipeline: { stages: ['extract_frames', 'ocr', 'match_brands', 'compile_report'] },
  ...over,
});

describe('profiles', () => {
  test('the built-ins are valid, run frames first and report last, and escalations take only the unresolved', () => {
    for (const p of BUILTIN_PROFILES) {
      const again = validateProfile({ name: p.name, description: p.description, pipeline: p.pipeline, configs: p.configs });
      const r = resolveProfile(again);
      expect(r.order[0]).toBe('extract_frames');
      expect(r.order.at(-1)).toBe('compile_report');
      expect(p.pipeline.edges.filter((e) => e.to.startsWith('escalate_')).every((e) => e.flow === 'unresolved')).toBe(true);
    }
    expect(BUILTIN_PROFILES.map((p) => p.name)).toEqual(['soccer_broadcast', 'generic_broadcast']);
    expect(resolveProfile(BUILTIN_PROFILES[0]!).order).toEqual([...STAGE_NAMES]);
  });

  test('without edges the stages run as listed; edges reorder them', () => {
    expect(runOrder({ stages: ['extract_frames', 'ocr', 'preprocess'], edges: [] })).toEqual(['extract_frames', 'ocr', 'preprocess']);
    const edges = [
      { from: 'extract_frames', to: 'preprocess', flow: 'all' as const },
      { from: 'preprocess', to: 'ocr', flow: 'all' as const },
    ];
    expect(runOrder({ stages: ['extract_frames', 'ocr', 'preprocess'], edges })).toEqual(['extract_frames', 'preprocess', 'ocr']);
  });

  test('a bad profile is refused naming the field', () => {
    const refused = (raw: unknown) => {
      try {
        validateProfile(raw);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused(body({ name: 'Bad Name' }))).toStartWith('name:');
    expect(refused(body({ pipeline: { stages: ['extract_frames', 'ocrr'] } }))).toStartWith('pipeline.stages[1]: unknown stage "ocrr"');
    expect(refused(body({ pipeline: { stages: ['extract_frames', 'ocr', 'ocr'] } }))).toStartWith('pipeline.stages[2]: "ocr" is listed twice');
    expect(refused(body({ pipeline: { stages: [] } }))).toStartWith('pipeline.stages: must list at least one stage');
    expect(refused(body({ pipeline: { stages: ['ocr', 'extract_frames'] } }))).toStartWith('pipeline.stages: must start with extract_frames');
    const cycle = {
      stages: ['extract_frames', 'preprocess', 'ocr'],
      edges: [
        { from: 'extract_frames', to: 'preprocess' },
        { from: 'preprocess', to: 'ocr' },
        { from: 'ocr', to: 'preprocess' },
      ],
    };
    expect(refused(body({ pipeline: cycle }))).toBe('pipeline.edges: a cycle: preprocess → ocr → preprocess');
    // A stage only downstream of the cycle, listed before it: the cycle is still found (it once threw, a 500).
    const downstream = {
      stages: ['extract_frames', 'ocr', 'match_brands'],
      edges: [
        { from: 'ocr', to: 'match_brands' },
        { from: 'match_brands', to: 'ocr' },
        { from: 'ocr', to: 'extract_frames' },
      ],
    };
    expect(refused(body({ pipeline: downstream }))).toBe('pipeline.edges: a cycle: ocr → match_brands → ocr');
    expect(refused(body({ pipeline: { stages: ['extract_frames', 'ocr'], edges: [{ from: 'extract_frames', to: 'nope' }] } }))).toStartWith(
      'pipeline.edges[0].to: must be a stage of this pipeline',
    );
    expect(refused(body({ configs: { ocr: { det_width: 'big' } } }))).toBe('configs.ocr.det_width: must be a whole number, got "big"');
    expect(refused(body({ configs: { ocr: { det_width: 10 } } }))).toBe('configs.ocr.det_width: must be at least 320, got 10');
    expect(refused(body({ configs: { ocr: { det_size: 640 } } }))).toStartWith('configs.ocr.det_size: unknown setting');
    expect(refused(body({ configs: { segment_field: {} } }))).toStartWith('configs.segment_field: not a stage of this pipeline');
    expect(refused(body({ extra: 1 }))).toStartWith('extra: unknown field');
  });

  test('a job resolves defaults, then the profile, then its overrides (checked the same way)', () => {
    const p = validateProfile(body({ configs: { ocr: { det_width: 960 } } }));
    const r = resolveProfile(p, { ocr: { min_confidence: 0.7 }, match_brands: { min_similarity: 0.9 } });
    expect(r.configs.ocr).toMatchObject({ det_width: 960, min_confidence: 0.7, bin_threshold: 0.3 });
    expect(r.configs.match_brands).toMatchObject({ min_similarity: 0.9, max_edits_per_5: 1 });
    expect(() => resolveProfile(p, { ocr: { det_width: 5000 } })).toThrow('configOverrides.ocr.det_width: must be at most 1920');
    expect(() => resolveProfile(p, { segment_field: { value_min: 1 } })).toThrow('configOverrides.segment_field: not a stage of this pipeline');
  });

  test('each stage describes its settings as JSON Schema with defaults', () => {
    const d = describeStage(stageInfo('segment_field')!);
    expect(d.defaults).toMatchObject({ hue: [35, 85], work_width: 640 });
    expect(d.schema).toMatchObject({ type: 'object', additionalProperties: false, properties: { hue: { type: 'array', minItems: 2 } } });
    expect(describeStage(stageInfo('escalate_vlm')!).available).toBe(false);
  });
});
