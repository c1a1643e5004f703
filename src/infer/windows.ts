// Fixed-width input windows over clips of any length: the model sees `width` frames. Training takes one
// random window per clip (the time-shift augmentation). Inference takes the centre window of a clip up to a
// quarter longer than a window (a RAVDESS clip of 3.5 s against a 3 s window: one forward pass, not two
// nearly identical ones), and averages longer clips over windows half a window apart, so a long clip is
// judged on all of it; a short one is zero-padded.

/** Start frames of the inference windows over a clip of `frames` frames. */
export function windowStarts(frames: number, width: number): number[] {
  const hop = Math.max(1, Math.floor(width / 2));
  if (frames <= width + Math.floor(hop / 2)) return [Math.max(0, Math.floor((frames - width) / 2))];
  const starts: number[] = [];
  for (let s = 0; s + width <= frames; s += hop) starts.push(s);
  // The last window ends with the clip, so no frame is left out.
  if (starts[starts.length - 1] + width < frames) starts.push(frames - width);
  return starts;
}

/**
 * Copies window [start, start + width) of a clip's row-major [bands, frames] features into `out` at
 * `offset` as [bands, width], zero after the clip's end; returns the valid frames of the window.
 */
export function copyWindow(clip: Float32Array, bands: number, frames: number, start: number, width: number, out: Float32Array, offset: number): number {
  const valid = Math.max(0, Math.min(width, frames - start));
  for (let b = 0; b < bands; b++) {
    const row = offset + b * width;
    out.set(clip.subarray(b * frames + start, b * frames + start + valid), row);
    out.fill(0, row + valid, row + width);
  }
  return valid;
}
