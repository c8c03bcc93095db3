import { describe, expect, test } from 'bun:test';
import { FILMSTRIP, filmstripArgs, filmstripKey, stripTimes, tileWidth, wholeIn } from './filmstrip.ts';

const src = { id: 'a1', key: 'in/match.mp4', size: 1000, modifiedAt: '2026-01-01T00:00:00.000Z' };

describe('filmstrips', () => {
  test('frames sit in the middle of equal shares of the asset, never at its very end', () => {
    expect(stripTimes(10, 4)).toEqual([1.25, 3.75, 6.25, 8.75]);
    expect(stripTimes(5.055, 2)).toEqual([1.264, 3.791]);
  });

  test("a tile keeps the display's aspect at the asked height, even-sized", () => {
    expect(tileWidth({ width: 960, height: 540 }, 48)).toBe(86);
    expect(tileWidth({ width: 1920, height: 1080 }, 90)).toBe(160);
    expect(tileWidth({ width: 1080, height: 1920 }, 32)).toBe(18);
  });

  test('the key changes with the shape and with the bytes, so a remade strip never hides behind a cached URL', () => {
    const k = filmstripKey(src, 20, 90);
    expect(k).toMatch(/^detect\/filmstrips\/a1\/20x90-[0-9a-f]{16}\.jpg$/);
    expect(filmstripKey(src, 20, 90)).toBe(k);
    expect(filmstripKey(src, 10, 90)).not.toBe(k);
    expect(filmstripKey({ ...src, size: 1001 }, 20, 90).slice(0, -21)).toBe(k.slice(0, -21));
    expect(filmstripKey({ ...src, size: 1001 }, 20, 90)).not.toBe(k);
  });

  test('ffmpeg seeks each frame on its own input and stacks the scaled frames left to right', () => {
    const args = filmstripArgs({ input: '/data/in/match.mp4', demux: null, times: [1.25, 3.75], width: 86, height: 48, output: '/tmp/s.jpg' });
    expect(args.slice(0, 8)).toEqual(['-ss', '1.250', '-i', '/data/in/match.mp4', '-ss', '3.750', '-i', '/data/in/match.mp4']);
    expect(args[args.indexOf('-filter_complex') + 1]).toBe(
      '[0:v:0]scale=86:48:flags=bicubic,setsar=1[f0];[1:v:0]scale=86:48:flags=bicubic,setsar=1[f1];[f0][f1]hstack=inputs=2[strip]',
    );
    expect(args.slice(-7)).toEqual(['-map', '[strip]', '-frames:v', '1', '-q:v', '4', '/tmp/s.jpg']);
    const junk = filmstripArgs({ input: 'https://s3/x?sig', demux: { format: 'mov', skipInitialBytes: 16 }, times: [1], width: 2, height: 2, output: 'o' });
    expect(junk.slice(0, 10)).toEqual([
      '-ss',
      '1.000',
      '-f',
      'mov',
      '-skip_initial_bytes',
      '16',
      '-protocol_whitelist',
      'http,https,tcp,tls',
      '-i',
      'https://s3/x?sig',
    ]);
  });

  test('count and height: defaults when absent, whole numbers within limits otherwise, the field named', () => {
    expect(wholeIn('count', undefined, FILMSTRIP.count)).toBe(20);
    expect(wholeIn('count', '60', FILMSTRIP.count)).toBe(60);
    expect(wholeIn('height', 32, FILMSTRIP.height)).toBe(32);
    expect(() => wholeIn('count', '61', FILMSTRIP.count)).toThrow('count: a whole number from 2 to 60, got "61"');
    expect(() => wholeIn('height', '1e2', FILMSTRIP.height)).toThrow('height: a whole number from 32 to 240, got "1e2"');
    expect(() => wholeIn('height', 90.5, FILMSTRIP.height)).toThrow('height: a whole number from 32 to 240, got 90.5');
  });
});
