import { describe, expect, test } from 'bun:test';
import { chainEdges, effectiveEdges, layersOf, layoutGraph, msText, NODE_SIZE, shortCount, tellingStats } from './detect-graph.ts';

const e = (from: string, to: string, flow = 'all') => ({ from, to, flow });

describe('layers', () => {
  test('no edges: a chain in run order, one stage a layer', () => {
    const order = ['extract_frames', 'ocr', 'match_brands'];
    expect(effectiveEdges(order, [])).toEqual([e('extract_frames', 'ocr'), e('ocr', 'match_brands')]);
    const l = layoutGraph(order, []);
    expect(l.nodes.map((n) => [n.id, n.layer, n.row])).toEqual([
      ['extract_frames', 0, 0],
      ['ocr', 1, 0],
      ['match_brands', 2, 0],
    ]);
    expect(l.nodes.map((n) => n.y)).toEqual([NODE_SIZE.pad, NODE_SIZE.pad, NODE_SIZE.pad]);
    expect(l.width).toBe(NODE_SIZE.pad * 2 + 3 * NODE_SIZE.w + 2 * NODE_SIZE.gapX);
    expect(l.height).toBe(NODE_SIZE.pad * 2 + NODE_SIZE.h);
  });

  test('the longest path decides: a stage fed from two layers sits right of both', () => {
    const order = ['a', 'b', 'c', 'd'];
    const edges = [e('a', 'b'), e('b', 'c'), e('a', 'd'), e('c', 'd')];
    expect(Object.fromEntries(layersOf(order, edges))).toEqual({ a: 0, b: 1, c: 2, d: 3 });
  });

  test('a fork and join: siblings share a layer, stacked; the lone stages centred on them', () => {
    const order = ['a', 'b', 'c', 'd'];
    const l = layoutGraph(order, [e('a', 'b'), e('a', 'c'), e('b', 'd'), e('c', 'd', 'unresolved')]);
    const at = (id: string) => l.nodes.find((n) => n.id === id)!;
    expect([at('b').layer, at('c').layer]).toEqual([1, 1]);
    expect([at('b').row, at('c').row]).toEqual([0, 1]);
    expect(at('b').x).toBe(at('c').x);
    expect(at('a').y).toBe((at('b').y + at('c').y) / 2);
    expect(at('d').layer).toBe(2);
    expect(l.edges.find((x) => x.from === 'c')!.dashed).toBe(true);
    expect(l.edges.find((x) => x.from === 'a' && x.to === 'b')!.dashed).toBe(false);
  });

  test('edge paths run from the right middle of one box to the left middle of the next', () => {
    const l = layoutGraph(['a', 'b'], []);
    const [a, b] = l.nodes;
    const mid = a!.y + a!.h / 2;
    expect(l.edges[0]!.path).toStartWith(`M ${a!.x + a!.w} ${mid} C`);
    expect(l.edges[0]!.path).toEndWith(`${b!.x} ${mid}`);
  });

  test('edges naming stages outside the run are dropped; a cycle still lays out', () => {
    expect(effectiveEdges(['a', 'b'], [e('a', 'zz')])).toEqual(chainEdges(['a', 'b']));
    const l = layoutGraph(['a', 'b', 'c'], [e('a', 'b'), e('b', 'c'), e('c', 'b')]);
    expect(l.nodes.map((n) => n.id)).toEqual(['a', 'b', 'c']);
    expect(l.edges).toHaveLength(3);
    expect(layoutGraph([], []).width).toBe(0);
  });
});

describe('labels', () => {
  test("a stage's own counts come before the ones every stage reports", () => {
    expect(tellingStats({ frames: 40, items: 2, lines: 120 })).toEqual([
      ['lines', 120],
      ['frames', 40],
    ]);
    expect(tellingStats({ hits: 3, unresolved: 1, frames: 40, items: 2 })).toEqual([
      ['hits', 3],
      ['unresolved', 1],
    ]);
    expect(tellingStats({ cached: 1, segments: 2, frames: 40 })).toEqual([
      ['frames', 40],
      ['segments', 2],
    ]);
    expect(tellingStats({})).toEqual([]);
  });

  test('times and counts in words', () => {
    expect(msText(850)).toBe('850 ms');
    expect(msText(1234)).toBe('1.23 s');
    expect(msText(12_340)).toBe('12.3 s');
    expect(msText(125_000)).toBe('2 min 05 s');
    expect(msText(3_720_000)).toBe('1 h 02 min');
    expect(shortCount(999)).toBe('999');
    expect(shortCount(1234)).toBe('1.2k');
    expect(shortCount(45_000)).toBe('45k');
    expect(shortCount(0.5)).toBe('0.50');
  });
});
