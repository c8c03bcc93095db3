/**
 * Frames to and from image files, with sharp (libvips): JPEG for frames
 * sent to a model or stored as evidence, any image sharp reads into an
 * RgbFrame. sharp runs on libuv's thread pool, so these calls do not hold
 * the event loop while they work.
 */
import sharp from 'sharp';
import { AppError, errorMessage } from '../errors.ts';
import type { RgbFrame } from './frame.ts';

/** sharp's view of a packed RGB24 frame. */
export const rawInput = (frame: RgbFrame) => ({ raw: { width: frame.width, height: frame.height, channels: 3 as const } });

const checkFrame = (frame: RgbFrame) => {
  if (!(frame.width > 0 && frame.height > 0) || frame.data.length !== frame.width * frame.height * 3)
    throw new AppError('validation', `frame data holds ${frame.data.length} bytes, not ${frame.width}x${frame.height}x3`);
};

/** A baseline JPEG of the frame; quality 1–100. */
export const encodeJpeg = async (frame: RgbFrame, quality = 85): Promise<Uint8Array> => {
  checkFrame(frame);
  if (!(Number.isInteger(quality) && quality >= 1 && quality <= 100)) throw new AppError('validation', `JPEG quality must be 1-100, got ${quality}`);
  const out = await sharp(frame.data, rawInput(frame)).jpeg({ quality, mozjpeg: false }).toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
};

/**
 * Any image sharp reads (JPEG, PNG, WebP, TIFF, GIF's first frame…) as
 * packed RGB24: turned upright by its EXIF orientation, grey and palette
 * images expanded to three channels, alpha dropped. Bytes that are no image
 * are AppError 'corrupt'.
 */
export const decodeImage = async (bytes: Uint8Array): Promise<RgbFrame> => {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error' }).rotate().toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (e) {
    throw new AppError('corrupt', `cannot decode the image: ${errorMessage(e)}`, { cause: e });
  }
};

/** A lossless PNG of the frame (crops kept for a later stage to read: no JPEG artefacts around small text). */
export const encodePng = async (frame: RgbFrame): Promise<Uint8Array> => {
  checkFrame(frame);
  const out = await sharp(frame.data, rawInput(frame)).png({ compressionLevel: 3 }).toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
};
