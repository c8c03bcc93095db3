import { describe, expect, test } from 'bun:test';
import { BATCH_FRAMES } from './frames.ts';
import { batchOf, countShapes, frameAt, layersFor, overlayKey, parseLayers } from './overlay-layers.ts';

const size = { width: 1280, height: 720 };
const box = { x: 10, y: 20, w: 100, h: 30 };

describe('overlay layers', () => {
  test('a frame is found across cached segments, with its time', () => {
    const segments = [
      { prefix: 'a/', count: 3, seqBase: 0, t0: 0 },
      { prefix: 'b/', count: 2, seqBase: 3, t0: 60 },
    ];
    expect(frameAt(segments, 2, 1)).toEqual({ key: 'a/1.jpg', t: 0.5 });
    expect(frameAt(segments, 2, 4)).toEqual({ key: 'b/1.jpg', t: 60.5 });
    expect(frameAt(segments, 2, 5)).toBeNull();
  });

  test('every per-frame stage keeps a frame in the same batch', () => {
    expect(batchOf(0)).toBe(0);
    expect(batchOf(BATCH_FRAMES - 1)).toBe(0);
    expect(batchOf(BATCH_FRAMES)).toBe(1);
  });

  test('match_brands draws hits with brand and confidence and unresolved text with a question mark', () => {
    const layers = layersFor(
      'match_brands',
      {
        hits: [{ brand: 'Zentrix', box, confidence: 0.914, source: 'ocr', text: 'ZENTRIX', similarity: 1 }],
        unresolved: [{ text: 'ZENTRlQ', box, confidence: 0.8 }],
      },
      size,
    );
    expect(layers[0]!.boxes!.map((b) => b.label)).toEqual(['Zentrix 0.91', '? ZENTRlQ']);
  });

  test('ocr labels each line with its text; edges carry recomputed lines and tilted boards', () => {
    expect(layersFor('ocr', { lines: [{ text: 'GOAL', box, confidence: 0.5 }] }, size)[0]!.boxes![0]!.label).toBe('GOAL 0.50');
    const edges = layersFor('detect_edges', { regions: [{ box, angle: 3.25 }] }, size, { segments: [{ x1: 0, y1: 1, x2: 5, y2: 1, angle: 0, length: 5 }] });
    expect(countShapes(edges)).toEqual({ boxes: 1, lines: 1, masks: 0 });
    expect(edges[0]!.boxes![0]).toEqual({ box, angle: 3.25 });
  });

  test('the field stage shows the mask and its share; a scene cut frames the whole picture', () => {
    const mask = { width: 4, height: 2, data: new Uint8Array(8) };
    const field = layersFor('segment_field', { regions: [{ box, angle: null }], share: 0.625 }, size, { mask });
    expect(countShapes(field)).toEqual({ boxes: 1, lines: 0, masks: 1 });
    expect(field[0]!.boxes![0]!.label).toBe('candidate field 63%');
    const cut = layersFor('filter_scenes', { cut: true, score: 0.4321 }, size);
    expect(cut[0]!.boxes![0]).toEqual({ box: { x: 0, y: 0, w: 1280, h: 720 }, label: 'scene cut (difference 0.43)' });
  });

  test('a frame a stage said nothing about draws nothing', () => {
    expect(countShapes(layersFor('ocr', null, size))).toEqual({ boxes: 0, lines: 0, masks: 0 });
    expect(layersFor('extract_frames', null, size)).toEqual([]);
  });

  test('layers come as a list or a,b; each is an overlay stage, once, not the stage itself; the refusal names it', () => {
    expect(parseLayers(undefined, 'ocr')).toEqual([]);
    expect(parseLayers('', 'ocr')).toEqual([]);
    expect(parseLayers('segment_field,match_brands', 'ocr')).toEqual(['segment_field', 'match_brands']);
    expect(parseLayers(['detect_edges'], 'ocr')).toEqual(['detect_edges']);
    const why = (raw: unknown) => {
      try {
        parseLayers(raw, 'ocr');
        return null;
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(why(['segment_field', 'escalate_vlm'])).toStartWith('layers[1]: "escalate_vlm" draws nothing on a frame');
    expect(why(['segment_field', 3])).toStartWith('layers[1]: 3 draws nothing');
    expect(why(['ocr'])).toBe('layers[0]: ocr is the stage drawn already');
    expect(why('match_brands,match_brands')).toBe('layers[1]: match_brands is listed twice');
    expect(why({ a: 1 })).toStartWith('layers: a list of stages');
    expect(why(Array(7).fill('ocr'))).toBe('layers: at most 6 stages');
  });

  test('an overlay with layers is kept apart from the same stage without them', () => {
    expect(overlayKey('detect/jobs/j/a1/', 'ocr', [], 7)).toBe('detect/jobs/j/a1/overlays/ocr/7.png');
    expect(overlayKey('detect/jobs/j/a1/', 'ocr', ['segment_field', 'match_brands'], 7)).toBe('detect/jobs/j/a1/overlays/ocr+segment_field+match_brands/7.png');
  });
});
