import { describe, expect, test } from 'bun:test';
import { createLineSplitter, createTail, pumpLines } from './output-lines.ts';

const enc = new TextEncoder();
const split = (chunks: (string | Uint8Array)[], max?: number): string[] => {
  const out: string[] = [];
  const s = createLineSplitter((l) => out.push(l), max);
  for (const c of chunks) s.push(typeof c === 'string' ? enc.encode(c) : c);
  s.end();
  return out;
};

describe('createLineSplitter', () => {
  test('joins lines split across chunks and drops empty ones', () => {
    expect(split(['fra', 'me=1\nfps=0', '.00\n\nprogress=continue\n'])).toEqual(['frame=1', 'fps=0.00', 'progress=continue']);
  });

  test('treats \\r and \\r\\n as line ends (ffmpeg stats lines)', () => {
    expect(split(['frame=1 time=0\rframe=2 time=1\r\nlast'])).toEqual(['frame=1 time=0', 'frame=2 time=1', 'last']);
  });

  test('keeps a multi-byte character split between chunks', () => {
    const bytes = enc.encode('é\n');
    expect(split([bytes.slice(0, 1), bytes.slice(1)])).toEqual(['é']);
  });

  test('cuts an endless line instead of buffering it', () => {
    const out = split(['x'.repeat(50), 'y'.repeat(100), 'z\nnext\n'], 64);
    expect(out).toEqual(['x'.repeat(50) + 'y'.repeat(14), 'next']);
  });
});

describe('createTail', () => {
  test('keeps the last lines only', () => {
    const t = createTail(3, 1000);
    for (let i = 0; i < 10; i++) t.add(`line ${i}`);
    expect(t.text()).toBe('line 7\nline 8\nline 9');
  });

  test('stays under the character budget', () => {
    const t = createTail(30, 100);
    for (let i = 0; i < 1000; i++) t.add(`warning number ${i} about something`);
    expect(t.text().length).toBeLessThanOrEqual(100);
    expect(t.text().endsWith('warning number 999 about something')).toBe(true);
  });

  test('cuts a single huge line', () => {
    const t = createTail(30, 100);
    t.add('a'.repeat(10_000));
    expect(t.text().length).toBe(100);
  });
});

test('pumpLines reads a whole stream', async () => {
  const out: string[] = [];
  await pumpLines(new Response('a\nb\nc').body!, (l) => out.push(l));
  expect(out).toEqual(['a', 'b', 'c']);
});
