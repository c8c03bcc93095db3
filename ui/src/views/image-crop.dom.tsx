/** Component tests for the crop step (DOM: happy-dom, which has no canvas drawing: the 2D context and the decoder are fakes). */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { ImageCrop } from './image-crop.tsx';

type Draw = unknown[];

const real = {
  getContext: HTMLCanvasElement.prototype.getContext,
  toBlob: HTMLCanvasElement.prototype.toBlob,
  createImageBitmap: globalThis.createImageBitmap,
};
let draws: { canvas: HTMLCanvasElement; args: Draw }[] = [];
let made: { width: number; height: number; type: string | undefined }[] = [];

beforeEach(() => {
  draws = [];
  made = [];
  // An 800×400 image.
  globalThis.createImageBitmap = (async () => ({ width: 800, height: 400, close: () => {} })) as unknown as typeof createImageBitmap;
  HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
    const noop = () => {};
    return {
      clearRect: noop,
      fillRect: noop,
      strokeRect: noop,
      drawImage: (...args: Draw) => draws.push({ canvas: this, args }),
    } as unknown as CanvasRenderingContext2D;
  } as unknown as typeof HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.toBlob = function (this: HTMLCanvasElement, cb: BlobCallback, type?: string) {
    made.push({ width: this.width, height: this.height, type });
    cb(new Blob(['png'], { type: type ?? 'image/png' }));
  };
});
afterEach(() => {
  HTMLCanvasElement.prototype.getContext = real.getContext;
  HTMLCanvasElement.prototype.toBlob = real.toBlob;
  globalThis.createImageBitmap = real.createImageBitmap;
});

const mount = async () => {
  const crops: Blob[] = [];
  let cancelled = 0;
  const view = render(() => <ImageCrop image={new Blob(['x'], { type: 'image/jpeg' })} onCrop={(b) => crops.push(b)} onCancel={() => cancelled++} />);
  const canvas = view.getByTestId('crop-canvas') as HTMLCanvasElement;
  await waitFor(() => expect(canvas.width).toBe(800));
  // Shown at half size by CSS: 400×200 client pixels from (10, 20).
  canvas.getBoundingClientRect = () => ({ x: 10, y: 20, left: 10, top: 20, width: 400, height: 200, right: 410, bottom: 220, toJSON: () => ({}) }) as DOMRect;
  return { ...view, canvas, crops, cancelled: () => cancelled };
};

describe('image crop', () => {
  test('the image is drawn on the canvas; a dragged rectangle becomes a PNG of those image pixels', async () => {
    const { canvas, getByTestId, crops } = await mount();
    expect(draws.some((d) => d.canvas === canvas)).toBe(true);
    fireEvent.pointerDown(canvas, { clientX: 60, clientY: 120, pointerId: 1 });
    fireEvent.pointerMove(canvas, { clientX: 160, clientY: 40, pointerId: 1 });
    fireEvent.pointerUp(canvas, { clientX: 160, clientY: 40, pointerId: 1 });
    expect(getByTestId('crop-size').textContent).toBe('200×160 px from 100,40');
    expect(getByTestId('crop-done').textContent).toBe('Upload crop');
    fireEvent.click(getByTestId('crop-done'));
    expect(made).toEqual([{ width: 200, height: 160, type: 'image/png' }]);
    const last = draws[draws.length - 1]!;
    expect(last.canvas).not.toBe(canvas);
    expect(last.args.slice(1)).toEqual([100, 40, 200, 160, 0, 0, 200, 160]);
    expect(crops.length).toBe(1);
    expect(crops[0]!.type).toBe('image/png');
  });

  test('with no rectangle the whole image is used; Cancel hands back nothing', async () => {
    const { getByTestId, getByText, crops, cancelled } = await mount();
    expect(getByTestId('crop-size').textContent).toBe('whole image, 800×400 px');
    fireEvent.click(getByTestId('crop-done'));
    expect(made).toEqual([{ width: 800, height: 400, type: 'image/png' }]);
    expect(crops.length).toBe(1);
    fireEvent.click(getByText('Cancel'));
    expect(cancelled()).toBe(1);
  });

  test('an image that does not decode says so', async () => {
    globalThis.createImageBitmap = (async () => Promise.reject(new Error('bad image'))) as unknown as typeof createImageBitmap;
    const { findByRole, getByTestId } = render(() => <ImageCrop image={new Blob(['x'])} onCrop={() => {}} onCancel={() => {}} />);
    expect((await findByRole('alert')).textContent).toContain('This image could not be read');
    expect((getByTestId('crop-done') as HTMLButtonElement).disabled).toBe(true);
  });
});
