import { describe, expect, test } from 'bun:test';
import { type BoardProposal, DEFAULT_EDGE_CONFIG, detectEdges, dominantAngle, joinCollinear, linePairProposals, type Segment, thinProposals } from './edges.ts';
import { type Box, iou, type RgbFrame } from './frame.ts';
import { loadOpenCv } from './opencv.ts';

const FRAME = { width: 1280, height: 720 };
const cfg = DEFAULT_EDGE_CONFIG;

const seg = (x1: number, y1: number, x2: number, y2: number): Segment => {
  const angle = (Math.atan2(y2 - y1, x2 - x1) * 180) / Math.PI;
  return { x1, y1, x2, y2, angle, length: Math.hypot(x2 - x1, y2 - y1) };
};

const BOARD: Box = { x: 240, y: 110, w: 800, h: 60 };

const pitch = (): RgbFrame => {
  const { width, height } = FRAME;
  const data = new Uint8Array(width * height * 3);
  const paint = (b: Box, rgb: [number, number, number]) => {
    for (let y = b.y; y < b.y + b.h; y++) for (let x = b.x; x < b.x + b.w; x++) data.set(rgb, (y * width + x) * 3);
  };
  paint({ x: 0, y: 0, w: width, h: height }, [47, 138, 58]);
  paint({ x: 0, y: 0, w: width, h: 110 }, [58, 64, 80]);
  paint(BOARD, [250, 250, 250]);
  for (let i = 0; i < 5; i++) paint({ x: 520 + i * 48, y: 125, w: 36, h: 30 }, [10, 10, 10]);
  paint({ x: 100, y: 420, w: 1080, h: 4 }, [250, 250, 250]);
  return { width, height, data };
};

describe('edge geometry (pure)', () => {
  test('joinCollinear makes one line of Hough’s pieces of an edge, and keeps other lines apart', () => {
    const joined = joinCollinear(
      [seg(100, 110, 300, 110), seg(330, 111, 600, 110), seg(620, 110, 900, 111), seg(100, 170, 900, 170), seg(10, 300, 10, 600)],
      FRAME,
      cfg,
    );
    expect(joined.length).toBe(2); // the vertical one is not a board edge
    const top = joined.find((s) => s.y1 < 150)!;
    expect([top.x1, top.x2]).toEqual([100, 900]);
    // Too far apart (over 5% of the width) stays two.
    expect(joinCollinear([seg(0, 50, 200, 50), seg(300, 50, 500, 50)], FRAME, cfg).length).toBe(2);
  });

  test('linePairProposals: a top and a bottom edge a board-height apart make the board; lines too close or too far do not', () => {
    const p = linePairProposals([seg(240, 110, 1040, 110), seg(240, 170, 1040, 170)], FRAME, cfg);
    expect(p.length).toBe(1);
    expect(p[0]!.box).toEqual(BOARD);
    expect(p[0]!.source).toBe('lines');
    // A painted line's two edges (4 px) and a pitch's width (400 px) are no board.
    expect(linePairProposals([seg(100, 420, 1180, 420), seg(100, 424, 1180, 424)], FRAME, cfg)).toEqual([]);
    expect(linePairProposals([seg(100, 100, 1180, 100), seg(100, 500, 1180, 500)], FRAME, cfg)).toEqual([]);
    // Not parallel enough.
    expect(linePairProposals([seg(240, 110, 1040, 110), seg(240, 170, 1040, 300)], FRAME, cfg)).toEqual([]);
  });

  test('a tilted board keeps its angle', () => {
    const t = Math.tan((3 * Math.PI) / 180) * 800;
    const p = linePairProposals([seg(240, 110, 1040, 110 + t), seg(240, 170, 1040, 170 + t)], FRAME, cfg);
    expect(p[0]!.angle).toBeCloseTo(3, 5);
    expect(p[0]!.box.h).toBe(Math.round(60 + t));
  });

  test('thinProposals keeps the best of overlapping boxes, up to a count', () => {
    const at = (x: number, score: number): BoardProposal => ({ box: { x, y: 0, w: 100, h: 20 }, source: 'lines', score, angle: 0 });
    expect(thinProposals([at(0, 0.5), at(5, 0.9), at(300, 0.1)], 0.6, 10).map((p) => p.box.x)).toEqual([5, 300]);
    expect(thinProposals([at(0, 0.5), at(300, 0.1), at(600, 0.7)], 0.6, 2).map((p) => p.box.x)).toEqual([600, 0]);
  });

  test('dominantAngle: the length-weighted tilt of near-horizontal segments inside the box', () => {
    const box = { x: 0, y: 0, w: 1000, h: 200 };
    expect(dominantAngle([seg(0, 100, 800, 100 + Math.tan(0.05) * 800)], box)).toBeCloseTo((0.05 * 180) / Math.PI, 5);
    expect(dominantAngle([seg(500, 0, 500, 190)], box)).toBeNull(); // vertical
    expect(dominantAngle([seg(0, 500, 800, 500)], box)).toBeNull(); // outside
  });
});

describe('detectEdges', () => {
  test('the board standing on the field is proposed, from its edge pair and from its outline', async () => {
    const r = detectEdges(await loadOpenCv(), pitch());
    expect(r.scale).toBe(0.5);
    expect(r.segments.length).toBeGreaterThan(2);
    expect(r.proposals.some((p) => iou(p.box, BOARD) >= 0.5)).toBe(true);
    expect(r.proposals.length).toBeLessThanOrEqual(cfg.maxProposals);
    // Unthinned, both ways find it.
    const all = detectEdges(await loadOpenCv(), pitch(), { nmsIou: 1.01 }).proposals;
    const sources = new Set(all.filter((p) => iou(p.box, BOARD) >= 0.5).map((p) => p.source));
    expect([...sources].sort()).toEqual(['lines', 'outline']);
    // Full-resolution coordinates.
    expect(Math.max(...r.segments.map((s) => s.x2))).toBeGreaterThan(640);
  });

  test('a blank frame has no segments and no proposals', async () => {
    const r = detectEdges(await loadOpenCv(), { width: 640, height: 360, data: new Uint8Array(640 * 360 * 3).fill(90) });
    expect(r).toEqual({ segments: [], proposals: [], scale: 1 });
  });
});
