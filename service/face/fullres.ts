// Descriptor views cut from a frame's full-resolution copy. Detection, landmarks and the static-motion cues
// run on the analysed (640 px) frame, whose figures are calibrated; the recognition model, though, describes a
// 150 px chip, and a far face is ~60 px there (a card portrait ~10–20 px): the chip was upscaled from half the
// pixels the camera recorded. Boxes and landmarks found on the analysed frame are scaled to the full frame and
// only a region around the face is cut out (a whole 1280 px frame would cost IPC and tensor memory).
import { cropRgb, uprightCardView, type CardCandidate } from './card.js';
import type { Box, Landmarks68, RgbImage } from './types.js';

/** A region of the full frame with the face's box (and landmarks) in its coordinates. */
export interface FullView {
  image: RgbImage;
  box: Box;
  landmarks?: Landmarks68;
  /** Full-frame pixels per analysed-frame pixel. */
  scale: number;
}

/** Full-frame pixels per analysed-frame pixel. */
export function fullScale(analysed: RgbImage, full: RgbImage): number {
  return full.width / analysed.width;
}

function scaledBox(b: Box, k: number): Box {
  return { x: b.x * k, y: b.y * k, width: b.width * k, height: b.height * k };
}

/** The region around `box` (full-frame pixels) widened by `margin` × its longer side on every side. */
function around(
  full: RgbImage,
  box: Box,
  margin: number,
): { x: number; y: number; width: number; height: number } {
  const m = margin * Math.max(box.width, box.height);
  const x = Math.max(0, Math.floor(box.x - m));
  const y = Math.max(0, Math.floor(box.y - m));
  return {
    x,
    y,
    width: Math.min(full.width, Math.ceil(box.x + box.width + m)) - x,
    height: Math.min(full.height, Math.ceil(box.y + box.height + m)) - y,
  };
}

/**
 * The live face at full resolution: box and landmarks scaled. Margin 1 × the face on each side covers dlib's
 * chip (padding 0.25 around the landmark shape) for any in-plane turn, so the chip sees real pixels, as it did
 * on the whole frame.
 */
export function liveFullView(analysed: RgbImage, full: RgbImage, box: Box, landmarks: Landmarks68): FullView {
  const k = fullScale(analysed, full);
  const b = scaledBox(box, k);
  const r = around(full, b, 1);
  const lm = landmarks.map((v, i) => v * k - (i % 2 === 0 ? r.x : r.y));
  return {
    image: cropRgb(full, r),
    box: { x: b.x - r.x, y: b.y - r.y, width: b.width, height: b.height },
    landmarks: lm,
    scale: k,
  };
}

/**
 * A card-portrait candidate at full resolution, turned upright (card.ts uprightCardView). Margin 1.5 × the
 * candidate: the re-detection crop of a small face (inference.ts, 256 px around it) and the turned view's own
 * margin both stay within real pixels.
 */
export function cardFullView(analysed: RgbImage, full: RgbImage, card: CardCandidate): FullView {
  const k = fullScale(analysed, full);
  const b = scaledBox(card.box, k);
  const r = around(full, b, 1.5);
  const crop = cropRgb(full, r);
  const v = uprightCardView(crop, {
    ...card,
    box: { x: b.x - r.x, y: b.y - r.y, width: b.width, height: b.height },
  });
  return { ...v, scale: k };
}
