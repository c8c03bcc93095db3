/**
 * Labelled clips for brand detection: 1280×720 H.264 over corpus footage or a
 * drawn pitch, with invented brand names on boards at known times and
 * places, and the truth beside each clip (`<name>.truth.json`). For tests and
 * the bench (src/work/detect/score.ts scores a report against the truth).
 *
 * What the boards exercise: boards that appear and disappear (one brand twice,
 * 2 s apart), move (x a function of t), scroll in from the edge, are small
 * (34 px type, ~25 px capitals), are cut by the frame edge (word mostly
 * readable), a name inside a longer line ("VISIT ZANTORA.COM"), a short alias
 * ("QVL"), a look-alike spelling that must match ("ZANT0RA FAN ZONE", 0 for
 * O), distractors that must not (one or two edits too far: "ZANDORIA",
 * "QUILLO"; plain words) and broadcast clutter (a score bug "2-1 45:00").
 *
 * Truth intervals are [start, end) on the 25 fps frame grid: the frame at
 * `end` no longer shows the board. For a board scrolling in, `start` is when
 * it is wholly on screen (entry takes under half a second). Boards of one
 * brand never overlap in time or come within 1.5 s of each other, so each
 * board is one interval of the report; concurrent boards never overlap on
 * screen. `set: 'holdout'` has other names, places and timings, to check a
 * target on clips not seen while tuning.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Box } from '../src/cv/frame.ts';
import { runFfmpeg } from '../src/media/ffmpeg.ts';
import type { Brand } from '../src/types/detect.ts';
import { corpusFile } from './corpus.ts';

export const CLIP_WIDTH = 1280;
export const CLIP_HEIGHT = 720;
export const CLIP_FPS = 25;
/** The schedules below are written for clips this long; other lengths scale them. */
const BASE_SECONDS = 12;

export interface TruthInterval {
  brand: string;
  /** Seconds, [start, end). */
  start: number;
  end: number;
  /** The board's visible box (clipped to the frame) at `start`. */
  box: Box;
  /** What the board says. */
  text: string;
  kind: BoardKind;
}

export interface Distractor {
  text: string;
  start: number;
  end: number;
  box: Box;
  kind: 'near-miss' | 'plain' | 'clutter';
}

export interface LabelledClip {
  name: string;
  path: string;
  truthPath: string;
  seconds: number;
  width: number;
  height: number;
  fps: number;
  /** The brand list to match against (every brand of the set, seen in this clip or not). */
  brands: Brand[];
  truth: TruthInterval[];
  /** Text drawn on the clip that must not become a hit. */
  distractors: Distractor[];
  /** Board fill colours by text, for checks on the pixels. */
  fills: Record<string, string>;
}

type BoardKind = 'static' | 'moving' | 'scroll' | 'small' | 'partial' | 'substring' | 'alias' | 'lookalike' | 'repeat';

interface Board {
  text: string;
  /** The brand it shows; null for a distractor. */
  brand: string | null;
  kind: BoardKind | Distractor['kind'];
  /** On screen [start, end) in the 12 s schedule. */
  start: number;
  end: number;
  /** Top-left at `start` (may lie off the frame for a cut board). */
  x: number;
  y: number;
  fontSize: number;
  fill: string;
  ink: string;
  /** Pixels per second along x (moving boards). */
  vx?: number;
  /** Scrolls in from the right edge at this many pixels per second, stopping at `x`. */
  scroll?: number;
}

interface ClipSpec {
  name: string;
  background: 'flower' | 'pitch';
  boards: Board[];
  /** A score bug: drawn over everything, all clip long, top-left. */
  bug: string;
}

const YELLOW = { fill: '0xFFD400', ink: '0x111111' };
const WHITE = { fill: '0xFFFFFF', ink: '0x0B2A6F' };
const BLACK = { fill: '0x111111', ink: '0xFFFFFF' };
const RED = { fill: '0xD62828', ink: '0xFFFFFF' };
const BLUE = { fill: '0x1D4ED8', ink: '0xFFFFFF' };
const ORANGE = { fill: '0xF97316', ink: '0x111111' };

const board = (b: Omit<Board, 'fill' | 'ink'>, colours: { fill: string; ink: string }): Board => ({ ...b, ...colours });

/**
 * The board's size: wide enough for DejaVu Sans Bold capitals (0.77 em on
 * average, W the widest at 1.1) plus 0.4 em each side; 1.45 em high.
 */
const sizeOf = (b: Pick<Board, 'text' | 'fontSize'>) => ({
  w: Math.ceil((b.text.length * 0.8 + 0.8) * b.fontSize),
  h: Math.round(1.45 * b.fontSize),
});

const DEV_BRANDS: Brand[] = [
  { name: 'ZANTORA', aliases: [], images: [] },
  { name: 'QUVELLO', aliases: ['QVL'], images: [] },
  { name: 'MIRADEX', aliases: [], images: [] },
  { name: 'PELTRONIC', aliases: [], images: [] },
  { name: 'VORASK', aliases: [], images: [] },
];

const HOLDOUT_BRANDS: Brand[] = [
  { name: 'KELMORIX', aliases: [], images: [] },
  { name: 'TRAVENTO', aliases: ['TVN'], images: [] },
  { name: 'ORBELUNE', aliases: [], images: [] },
  { name: 'SANDIVA', aliases: [], images: [] },
  { name: 'HEXALOR', aliases: [], images: [] },
];

const DEV: ClipSpec[] = [
  {
    name: 'dev-static',
    background: 'flower',
    bug: 'ZAN 2-1 QUV  45:00',
    boards: [
      board({ text: 'ZANTORA', brand: 'ZANTORA', kind: 'static', start: 1, end: 6, x: 80, y: 470, fontSize: 64 }, YELLOW),
      board({ text: 'QUVELLO', brand: 'QUVELLO', kind: 'static', start: 3, end: 10, x: 820, y: 110, fontSize: 56 }, WHITE),
      board({ text: 'MIRADEX', brand: 'MIRADEX', kind: 'small', start: 6.5, end: 11.5, x: 560, y: 630, fontSize: 34 }, BLACK),
      board({ text: 'ZANDORIA', brand: null, kind: 'near-miss', start: 0.5, end: 5.5, x: 700, y: 380, fontSize: 56 }, RED),
    ],
  },
  {
    name: 'dev-motion',
    background: 'pitch',
    bug: 'LIVE',
    boards: [
      board({ text: 'PELTRONIC', brand: 'PELTRONIC', kind: 'moving', start: 1, end: 8, x: 60, y: 400, fontSize: 60, vx: 70 }, ORANGE),
      board({ text: 'VORASK', brand: 'VORASK', kind: 'scroll', start: 2, end: 9.5, x: 780, y: 120, fontSize: 64, scroll: 900 }, BLUE),
      board({ text: 'ZANT0RA FAN ZONE', brand: 'ZANTORA', kind: 'lookalike', start: 4, end: 11, x: 80, y: 600, fontSize: 44 }, YELLOW),
      board({ text: 'QUILLO', brand: null, kind: 'near-miss', start: 0.5, end: 4.5, x: 300, y: 150, fontSize: 56 }, WHITE),
      board({ text: 'WELCOME', brand: null, kind: 'plain', start: 5.5, end: 11, x: 760, y: 560, fontSize: 48 }, RED),
    ],
  },
  {
    name: 'dev-edges',
    background: 'flower',
    bug: 'REPLAY',
    boards: [
      board({ text: 'MIRADEX', brand: 'MIRADEX', kind: 'partial', start: 0.5, end: 7, x: -56, y: 300, fontSize: 60 }, WHITE),
      board({ text: 'QUVELLO', brand: 'QUVELLO', kind: 'repeat', start: 1, end: 3, x: 860, y: 520, fontSize: 56 }, YELLOW),
      board({ text: 'QUVELLO', brand: 'QUVELLO', kind: 'repeat', start: 5, end: 7.5, x: 860, y: 520, fontSize: 56 }, YELLOW),
      board({ text: 'QVL', brand: 'QUVELLO', kind: 'alias', start: 9.5, end: 11.5, x: 1000, y: 260, fontSize: 48 }, BLACK),
      board({ text: 'VISIT ZANTORA.COM', brand: 'ZANTORA', kind: 'substring', start: 2, end: 9, x: 400, y: 90, fontSize: 40 }, BLUE),
      board({ text: 'MIRADOR', brand: null, kind: 'near-miss', start: 7.5, end: 11.5, x: 60, y: 600, fontSize: 48 }, ORANGE),
      board({ text: 'STADIUM', brand: null, kind: 'plain', start: 3, end: 8, x: 520, y: 600, fontSize: 44 }, BLACK),
    ],
  },
];

const HOLDOUT: ClipSpec[] = [
  {
    name: 'holdout-pitch',
    background: 'pitch',
    bug: 'KEL 0-3 TRA  72:15',
    boards: [
      board({ text: 'KELMORIX', brand: 'KELMORIX', kind: 'static', start: 0.5, end: 5, x: 860, y: 380, fontSize: 58 }, BLUE),
      board({ text: 'TRAVENTO', brand: 'TRAVENTO', kind: 'moving', start: 2.5, end: 9, x: 700, y: 150, fontSize: 54, vx: -60 }, WHITE),
      board({ text: 'ORBELUNE', brand: 'ORBELUNE', kind: 'small', start: 4, end: 11, x: 120, y: 640, fontSize: 34 }, YELLOW),
      board({ text: 'KELMORA', brand: null, kind: 'near-miss', start: 6, end: 11.5, x: 820, y: 540, fontSize: 52 }, RED),
      board({ text: 'TICKETS', brand: null, kind: 'plain', start: 1, end: 6, x: 140, y: 480, fontSize: 44 }, BLACK),
    ],
  },
  {
    name: 'holdout-flower',
    background: 'flower',
    bug: 'HT  1-1',
    boards: [
      board({ text: 'HEXALOR', brand: 'HEXALOR', kind: 'scroll', start: 1.5, end: 7.5, x: 840, y: 500, fontSize: 62, scroll: 1000 }, ORANGE),
      board(
        {
          text: 'SANDIVA',
          brand: 'SANDIVA',
          kind: 'partial',
          start: 3,
          end: 10.5,
          x: CLIP_WIDTH - sizeOf({ text: 'SANDIVA', fontSize: 56 }).w + 50,
          y: 100,
          fontSize: 56,
        },
        YELLOW,
      ),
      board({ text: 'TVN', brand: 'TRAVENTO', kind: 'alias', start: 0.5, end: 4, x: 100, y: 300, fontSize: 46 }, BLACK),
      board({ text: 'WWW.ORBELUNE.NET', brand: 'ORBELUNE', kind: 'substring', start: 6, end: 11.5, x: 360, y: 640, fontSize: 38 }, WHITE),
      board({ text: 'KELMORIX', brand: 'KELMORIX', kind: 'repeat', start: 0.5, end: 3, x: 420, y: 220, fontSize: 50 }, BLUE),
      board({ text: 'KELMORIX', brand: 'KELMORIX', kind: 'repeat', start: 5.5, end: 9.5, x: 420, y: 220, fontSize: 50 }, BLUE),
      board({ text: 'HEXAGON', brand: null, kind: 'near-miss', start: 8, end: 11.5, x: 860, y: 380, fontSize: 48 }, RED),
      board({ text: 'ORBITAL', brand: null, kind: 'near-miss', start: 3.5, end: 5, x: 100, y: 420, fontSize: 44 }, WHITE),
    ],
  },
];

const onGrid = (t: number) => Math.round(t * CLIP_FPS) / CLIP_FPS;

/** A board's schedule for a clip of `seconds`: times scaled and put on the frame grid, speeds kept so paths stay the same. */
const scaled = (b: Board, seconds: number): Board => {
  const f = seconds / BASE_SECONDS;
  return { ...b, start: onGrid(b.start * f), end: onGrid(b.end * f), ...(b.vx !== undefined ? { vx: b.vx / f } : {}) };
};

/** Top-left x at time t (unclipped). */
const xAt = (b: Board, t: number): number => {
  if (b.vx !== undefined) return b.x + b.vx * (t - b.start);
  if (b.scroll !== undefined) return Math.max(b.x, CLIP_WIDTH - (t - b.start) * b.scroll);
  return b.x;
};

/** The same as an ffmpeg expression of t. */
const xExpr = (b: Board): string => {
  if (b.vx !== undefined) return `${b.x}+(${b.vx.toFixed(4)})*(t-${b.start})`;
  if (b.scroll !== undefined) return `max(${b.x}\\,${CLIP_WIDTH}-(t-${b.start})*${b.scroll})`;
  return String(b.x);
};

const clip = (box: Box): Box => {
  const x = Math.max(0, box.x);
  const y = Math.max(0, box.y);
  return { x, y, w: Math.min(CLIP_WIDTH, box.x + box.w) - x, h: Math.min(CLIP_HEIGHT, box.y + box.h) - y };
};

const boxAt = (b: Board, t: number): Box => ({ x: Math.round(xAt(b, t)), y: b.y, ...sizeOf(b) });

/** When a board counts as shown: from when it is wholly on screen (scrolling in) or when it appears. */
const truthStart = (b: Board): number => (b.scroll === undefined ? b.start : Math.ceil((b.start + sizeOf(b).w / b.scroll) * CLIP_FPS - 1e-6) / CLIP_FPS);

const intersects = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** The promises of the header, checked on every spec: a mistake in a schedule fails loudly rather than mislabelling. */
const checkSpec = (spec: ClipSpec, boards: Board[], seconds: number) => {
  for (const b of boards) {
    if (!(b.start >= 0 && b.end <= seconds && b.start < b.end)) throw new Error(`${spec.name}: ${b.text} is scheduled outside the clip`);
    if (b.fontSize < 33) throw new Error(`${spec.name}: ${b.text} is drawn under 24 px capitals`);
    const box = clip(boxAt(b, truthStart(b)));
    if (box.w < sizeOf(b).w * 0.85) throw new Error(`${spec.name}: ${b.text} is less than 85% visible`);
  }
  const shown = boards.filter((b) => b.brand !== null);
  for (const a of shown) {
    for (const b of shown) {
      if (a !== b && a.brand === b.brand && a.start <= b.start && b.start - a.end < 1.5) throw new Error(`${spec.name}: two ${a.brand} boards within 1.5 s`);
    }
  }
  for (let t = 0; t < seconds; t += 0.1) {
    const on = boards.filter((b) => b.start <= t && t < b.end);
    for (const a of on)
      for (const b of on)
        if (a !== b && intersects(boxAt(a, t), boxAt(b, t))) throw new Error(`${spec.name}: ${a.text} and ${b.text} overlap at ${t.toFixed(1)} s`);
  }
};

const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf',
];

/** DejaVu Sans Bold: $MPR_TEST_FONT, a usual path, or what fontconfig knows. */
export const boardFont = (): string => {
  const env = process.env.MPR_TEST_FONT;
  if (env) {
    if (!existsSync(env)) throw new Error(`MPR_TEST_FONT=${env} does not exist`);
    return env;
  }
  const known = FONT_CANDIDATES.find((p) => existsSync(p));
  if (known) return known;
  const fc = Bun.which('fc-match') ? Bun.spawnSync(['fc-match', '-f', '%{file}', 'DejaVu Sans:bold']).stdout.toString().trim() : '';
  if (fc.endsWith('.ttf') && existsSync(fc)) return fc;
  throw new Error('DejaVu Sans Bold not found: apt-get install fonts-dejavu-core (or set MPR_TEST_FONT to a bold TTF)');
};

/** Paths go inside filter options unquoted: keep them to characters the filter syntax leaves alone. */
const safePath = (p: string): string => {
  if (!/^[\w./-]+$/.test(p)) throw new Error(`path ${p} has characters ffmpeg's filter syntax would need escaped; use a plainer folder`);
  return p;
};

/** A green pitch with mowing stripes, a halfway line and grain, so boards sit on something like grass. */
const pitchGraph = (seconds: number): string => {
  const stripes = Array.from({ length: 4 }, (_, i) => `drawbox=x=${i * 320 + 160}:y=0:w=160:h=${CLIP_HEIGHT}:color=0x2F8A3A:t=fill`).join(',');
  return `color=c=0x2A7A33:s=${CLIP_WIDTH}x${CLIP_HEIGHT}:r=${CLIP_FPS}:d=${seconds},${stripes},drawbox=x=636:y=0:w=8:h=${CLIP_HEIGHT}:color=white:t=fill,noise=alls=10:allf=t[bg]`;
};

const renderClip = async (dir: string, spec: ClipSpec, seconds: number, font: string): Promise<LabelledClip> => {
  const boards = spec.boards.map((b) => scaled(b, seconds));
  checkSpec(spec, boards, seconds);
  const textFile = (i: number | string, text: string) => {
    const p = safePath(join(dir, `${spec.name}-text-${i}.txt`));
    writeFileSync(p, text);
    return p;
  };
  const inputs: string[] = [];
  const graph: string[] = [];
  if (spec.background === 'flower') {
    inputs.push('-stream_loop', '-1', '-i', corpusFile('video/mdn_flower.mp4'));
    graph.push(`[0:v]fps=${CLIP_FPS},scale=${CLIP_WIDTH}:${CLIP_HEIGHT}:flags=bicubic,setsar=1,trim=duration=${seconds},setpts=PTS-STARTPTS[bg]`);
  } else {
    graph.push(pitchGraph(seconds));
  }
  let last = 'bg';
  boards.forEach((b, i) => {
    const { w, h } = sizeOf(b);
    graph.push(
      `color=c=${b.fill}:s=${w}x${h}:r=${CLIP_FPS}:d=${seconds},` +
        `drawtext=fontfile=${safePath(font)}:textfile=${textFile(i, b.text)}:fontsize=${b.fontSize}:fontcolor=${b.ink}:x=(w-text_w)/2:y=(h-text_h)/2[b${i}]`,
    );
    // A millisecond early on both ends: the frame at `start` shows the board, the frame at `end` does not, whatever the rounding of t.
    graph.push(`[${last}][b${i}]overlay=x='${xExpr(b)}':y=${b.y}:eval=frame:enable='gte(t\\,${b.start - 0.001})*lt(t\\,${b.end - 0.001})'[v${i}]`);
    last = `v${i}`;
  });
  graph.push(
    `[${last}]drawtext=fontfile=${font}:textfile=${textFile('bug', spec.bug)}:fontsize=30:fontcolor=white:box=1:boxcolor=black@0.75:boxborderw=10:x=40:y=30,format=yuv420p[out]`,
  );
  const path = join(dir, `${spec.name}.mp4`);
  await runFfmpeg([
    ...inputs,
    '-filter_complex',
    graph.join(';'),
    '-map',
    '[out]',
    '-frames:v',
    String(Math.round(seconds * CLIP_FPS)),
    '-r',
    String(CLIP_FPS),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '20',
    '-g',
    String(CLIP_FPS * 2),
    '-pix_fmt',
    'yuv420p',
    '-an',
    '-movflags',
    '+faststart',
    path,
  ]);
  const set = spec.name.startsWith('holdout') ? HOLDOUT_BRANDS : DEV_BRANDS;
  const truth: TruthInterval[] = boards
    .filter((b) => b.brand !== null)
    .map((b) => {
      const start = truthStart(b);
      return { brand: b.brand!, start, end: b.end, box: clip(boxAt(b, start)), text: b.text, kind: b.kind as BoardKind };
    })
    .sort((a, b) => a.start - b.start || a.brand.localeCompare(b.brand));
  const distractors: Distractor[] = [
    ...boards
      .filter((b) => b.brand === null)
      .map((b) => ({ text: b.text, start: b.start, end: b.end, box: clip(boxAt(b, b.start)), kind: b.kind as Distractor['kind'] })),
    // The bug's box is approximate (text width not measured): it is clutter, checked for absence of hits only.
    { text: spec.bug, start: 0, end: seconds, box: { x: 30, y: 20, w: Math.ceil(spec.bug.length * 0.62 * 30) + 20, h: 50 }, kind: 'clutter' },
  ];
  const truthPath = join(dir, `${spec.name}.truth.json`);
  const labelled: LabelledClip = {
    name: spec.name,
    path,
    truthPath,
    seconds,
    width: CLIP_WIDTH,
    height: CLIP_HEIGHT,
    fps: CLIP_FPS,
    brands: set.map((b) => ({ ...b, aliases: [...b.aliases], images: [...b.images] })),
    truth,
    distractors,
    fills: Object.fromEntries(boards.map((b) => [b.text, b.fill])),
  };
  const { path: _p, truthPath: _t, ...file } = labelled;
  writeFileSync(truthPath, `${JSON.stringify(file, null, 2)}\n`);
  return labelled;
};

/**
 * Renders the labelled clips of a set into `dir` (created if missing), one
 * after the other (ffmpeg uses the cores), and returns them with their truth.
 * `seconds` (8–60, default 12) stretches or squeezes the schedules.
 */
export const makeLabelledClips = async (dir: string, opts: { seconds?: number; set?: 'dev' | 'holdout' } = {}): Promise<LabelledClip[]> => {
  const seconds = opts.seconds ?? BASE_SECONDS;
  if (!(seconds >= 8 && seconds <= 60)) throw new Error(`seconds must be 8 to 60, got ${seconds}`);
  mkdirSync(dir, { recursive: true });
  safePath(dir);
  const font = boardFont();
  const out: LabelledClip[] = [];
  for (const spec of opts.set === 'holdout' ? HOLDOUT : DEV) out.push(await renderClip(dir, spec, seconds, font));
  return out;
};

/** The brand lists of the two sets (disjoint names). */
export const LABELLED_BRANDS = { dev: DEV_BRANDS, holdout: HOLDOUT_BRANDS } as const;
