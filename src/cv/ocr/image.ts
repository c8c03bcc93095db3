/**
 * Encoded images (JPEG, PNG, TIFF, WebP...) to RgbFrames with sharp: alpha
 * dropped, greyscale and one-bit images widened to three channels, the EXIF
 * orientation left as stored (frames from video carry none).
 */
import sharp from 'sharp';
import { AppError, errorMessage } from '../../errors.ts';
import type { RgbFrame } from '../frame.ts';

export const decodeImage = async (bytes: Uint8Array): Promise<RgbFrame> => {
  try {
    const { data, info } = await sharp(bytes).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (e) {
    throw new AppError('corrupt', `cannot decode the image: ${errorMessage(e)}`, { cause: e });
  }
};
