/**
 * The crop step before a reference image uploads: the image drawn on a
 * canvas, a rectangle dragged over it (the rest dimmed), and the crop (or the
 * whole image, with none drawn) handed on as a PNG made by canvas.toBlob.
 */
import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import { ErrorNote } from '../components/bits.tsx';
import { canvasSize, isSelection, type Rect, rectBetween, toCanvas, toImage } from '../crop-rect.ts';
import { errorText } from '../format.ts';
import '../detect-setup.css';

type Bitmap = CanvasImageSource & { width: number; height: number; close?: () => void };

export const ImageCrop = (p: { image: Blob; onCrop: (png: Blob) => void; onCancel: () => void }) => {
  let canvas: HTMLCanvasElement | undefined;
  const [bitmap, setBitmap] = createSignal<Bitmap | null>(null);
  const [scale, setScale] = createSignal(1);
  const [rect, setRect] = createSignal<Rect | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let from: { x: number; y: number } | null = null;

  const draw = () => {
    const bmp = bitmap();
    const ctx = canvas?.getContext('2d');
    if (!bmp || !canvas || !ctx) return;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(bmp, 0, 0, canvas.width, canvas.height);
    const r = rect();
    if (!isSelection(r)) return;
    // Dim what the crop leaves out; outline what it keeps.
    ctx.fillStyle = 'rgba(0, 0, 0, 0.55)';
    ctx.fillRect(0, 0, canvas.width, r.y);
    ctx.fillRect(0, r.y + r.h, canvas.width, canvas.height - r.y - r.h);
    ctx.fillRect(0, r.y, r.x, r.h);
    ctx.fillRect(r.x + r.w, r.y, canvas.width - r.x - r.w, r.h);
    ctx.strokeStyle = '#5b8def';
    ctx.lineWidth = Math.max(1, canvas.width / 400);
    ctx.strokeRect(r.x, r.y, r.w, r.h);
  };

  onMount(async () => {
    try {
      const bmp = (await createImageBitmap(p.image)) as Bitmap;
      const size = canvasSize(bmp.width, bmp.height);
      if (canvas) {
        canvas.width = size.width;
        canvas.height = size.height;
      }
      setScale(size.scale);
      setBitmap(bmp);
      draw();
    } catch (e) {
      setError(`This image could not be read: ${errorText(e)} Choose a PNG or JPEG.`);
    }
  });
  onCleanup(() => bitmap()?.close?.());

  const at = (e: PointerEvent) => {
    const box = canvas!.getBoundingClientRect();
    return toCanvas(e.clientX, e.clientY, box, canvas!);
  };
  const down = (e: PointerEvent) => {
    if (!canvas || !bitmap()) return;
    canvas.setPointerCapture?.(e.pointerId);
    from = at(e);
    setRect(null);
    draw();
  };
  const move = (e: PointerEvent) => {
    if (!from || !canvas) return;
    setRect(rectBetween(from, at(e), canvas));
    draw();
  };
  const up = (e: PointerEvent) => {
    if (!from) return;
    move(e);
    from = null;
    canvas?.releasePointerCapture?.(e.pointerId);
  };

  const done = () => {
    const bmp = bitmap();
    if (!bmp) return;
    const src = toImage(rect(), scale(), bmp);
    const out = document.createElement('canvas');
    out.width = src.w;
    out.height = src.h;
    const ctx = out.getContext('2d');
    if (!ctx) return setError('This browser cannot draw the crop.');
    ctx.drawImage(bmp, src.x, src.y, src.w, src.h, 0, 0, src.w, src.h);
    setBusy(true);
    out.toBlob((png) => {
      setBusy(false);
      if (png) p.onCrop(png);
      else setError('The crop could not be made into a PNG.');
    }, 'image/png');
  };

  const picked = () => {
    const bmp = bitmap();
    return bmp ? toImage(rect(), scale(), bmp) : null;
  };

  return (
    <div class="image-crop card" data-testid="image-crop">
      <p class="small muted">Drag a rectangle around the logo. Without one, the whole image is used.</p>
      <canvas
        ref={canvas}
        class="crop-canvas"
        data-testid="crop-canvas"
        role="img"
        aria-label="The image to crop: drag to select"
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
      />
      <ErrorNote message={error()} />
      <div class="row">
        <Show when={picked()}>
          {(r) => (
            <span class="small muted" data-testid="crop-size">
              {isSelection(rect()) ? `${r().w}×${r().h} px from ${r().x},${r().y}` : `whole image, ${r().w}×${r().h} px`}
            </span>
          )}
        </Show>
        <div class="spacer" />
        <Show when={isSelection(rect())}>
          <button
            type="button"
            class="btn small ghost"
            onClick={() => {
              setRect(null);
              draw();
            }}
          >
            Whole image
          </button>
        </Show>
        <button type="button" class="btn small ghost" onClick={() => p.onCancel()}>
          Cancel
        </button>
        <button type="button" class="btn small primary" data-testid="crop-done" disabled={!bitmap() || busy()} onClick={done}>
          {isSelection(rect()) ? 'Upload crop' : 'Upload image'}
        </button>
      </div>
    </div>
  );
};
