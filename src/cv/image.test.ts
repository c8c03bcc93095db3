import { describe, expect, test } from 'bun:test';
import sharp from 'sharp';
import { corpusFile } from '../../test/corpus.ts';
import { isAppError } from '../errors.ts';
import type { RgbFrame } from './frame.ts';
import { decodeImage, encodeJpeg } from './image.ts';

/** A smooth gradient: JPEG keeps it within a few levels. */
const gradient = (width: number, height: number): RgbFrame => {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set([Math.round((x * 255) / width), Math.round((y * 255) / height), 128], (y * width + x) * 3);
  return { width, height, data };
};

const rejection = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

describe('encodeJpeg / decodeImage', () => {
  test('a frame survives a JPEG round trip within a few levels', async () => {
    const frame = gradient(320, 180);
    const jpeg = await encodeJpeg(frame, 90);
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
    const back = await decodeImage(jpeg);
    expect(back).toMatchObject({ width: 320, height: 180 });
    let diff = 0;
    for (let i = 0; i < frame.data.length; i++) diff += Math.abs(frame.data[i]! - back.data[i]!);
    expect(diff / frame.data.length).toBeLessThan(3);
    // Lower quality, fewer bytes.
    expect((await encodeJpeg(frame, 30)).length).toBeLessThan(jpeg.length);
  });

  test('reads corpus images as packed RGB24, whatever their format', async () => {
    for (const name of ['image/androidx_london.jpg', 'image/androidx_testvid_1022ms_000.png', 'image/tesseract_phototest.tif']) {
      const f = await decodeImage(new Uint8Array(await Bun.file(corpusFile(name)).arrayBuffer()));
      expect(f.width).toBeGreaterThan(0);
      expect(f.data.length).toBe(f.width * f.height * 3);
    }
  });

  test('grey images get three channels, alpha is dropped, EXIF orientation is applied', async () => {
    const grey = await sharp({ create: { width: 40, height: 20, channels: 3, background: { r: 90, g: 90, b: 90 } } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    const g = await decodeImage(new Uint8Array(grey));
    expect(g).toMatchObject({ width: 40, height: 20 });
    expect(g.data.length).toBe(40 * 20 * 3);
    expect([...g.data.subarray(0, 3)]).toEqual([90, 90, 90]);

    const rgba = await sharp({ create: { width: 8, height: 4, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 0.5 } } })
      .png()
      .toBuffer();
    expect((await decodeImage(new Uint8Array(rgba))).data.length).toBe(8 * 4 * 3);

    // Orientation 6: stored 40x20, shown turned a quarter clockwise.
    const turned = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#808080' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect(await decodeImage(new Uint8Array(turned))).toMatchObject({ width: 20, height: 40 });
  });

  test('bytes that are no image are corrupt; a wrong-sized frame or quality is a validation error', async () => {
    const err = await rejection(decodeImage(new TextEncoder().encode('not an image at all')));
    expect(isAppError(err, 'corrupt')).toBe(true);
    expect((err as Error).message).toStartWith('cannot decode the image');
    expect(isAppError(await rejection(encodeJpeg({ width: 4, height: 4, data: new Uint8Array(5) })), 'validation')).toBe(true);
    expect(isAppError(await rejection(encodeJpeg(gradient(4, 4), 0)), 'validation')).toBe(true);
  });
});
