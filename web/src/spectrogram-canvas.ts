// Spectrogram pixels on a canvas: one pixel per (frame, band), low bands at the bottom, magma colours.
import { magma } from '../../src/plot/colormap.js';

/** Colours `values` (row-major [bands, frames]) into a new ImageData, scaled from [vmin, vmax] dB. */
export function spectrogramImage(values: Float32Array, bands: number, frames: number, vmin: number, vmax: number, fromFrame = 0, toFrame = frames): ImageData {
  const width = toFrame - fromFrame;
  const image = new ImageData(Math.max(1, width), bands);
  const span = vmax - vmin || 1;
  for (let b = 0; b < bands; b++) {
    const row = bands - 1 - b;
    for (let t = fromFrame; t < toFrame; t++) {
      const colour = magma.index((values[b * frames + t] - vmin) / span) * 3;
      const pixel = (row * width + (t - fromFrame)) * 4;
      image.data[pixel] = magma.table[colour];
      image.data[pixel + 1] = magma.table[colour + 1];
      image.data[pixel + 2] = magma.table[colour + 2];
      image.data[pixel + 3] = 255;
    }
  }
  return image;
}

export function maxOf(values: Float32Array): number {
  let most = -Infinity;
  for (const v of values) most = Math.max(most, v);
  return most;
}
