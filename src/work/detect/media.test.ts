import { describe, expect, test } from 'bun:test';
import { groupFrameCache } from './media.ts';

const at = (key: string, size: number) => ({ key, size, modifiedAt: '2026-01-01T00:00:00.000Z' });
const P = 'detect/timelines/t1/';

describe('a frame cache by extraction', () => {
  test('whole segments of one rate and size add up to one set; a segment cut short counts in bytes only', () => {
    const objects = [
      at(`${P}frames/a/0.jpg`, 100),
      at(`${P}frames/a/1.jpg`, 110),
      at(`${P}frames/a/manifest.json`, 10),
      at(`${P}frames/b/0.jpg`, 120),
      at(`${P}frames/b/manifest.json`, 10),
      at(`${P}frames/c/0.jpg`, 500),
      at(`${P}frames/c/manifest.json`, 10),
      at(`${P}frames/cut/0.jpg`, 90),
    ];
    const manifests = new Map([
      [`${P}frames/a/`, { count: 2, width: 640, height: 360, fps: 2 }],
      [`${P}frames/b/`, { count: 1, width: 640, height: 360, fps: 2 }],
      [`${P}frames/c/`, { count: 1, width: 1280, height: 720, fps: 0.5 }],
    ]);
    expect(groupFrameCache('t1', P, objects, manifests)).toEqual({
      timelineId: 't1',
      frames: 4,
      bytes: 950,
      sets: [
        { fps: 2, width: 640, height: 360, frames: 3, bytes: 350 },
        { fps: 0.5, width: 1280, height: 720, frames: 1, bytes: 510 },
      ],
    });
  });

  test('an empty cache', () => {
    expect(groupFrameCache('t1', P, [], new Map())).toEqual({ timelineId: 't1', frames: 0, bytes: 0, sets: [] });
  });
});
