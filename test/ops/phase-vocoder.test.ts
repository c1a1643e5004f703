import { expect, it } from 'vitest';
import type { Backend } from '../../src/backend/types.js';
import { packClips } from '../../src/features/batch.js';
import {
  complexStft,
  inverseStft,
  istftReference,
  phaseVocoder,
  phaseVocoderReference,
  quantizeRate,
  realFrames,
  stftComplexReference,
  stretchedLength,
  timeStretch,
  timeStretchReference,
} from '../../src/ops/phase-vocoder.js';
import { describeBackends, webgpuBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { loadGolden } from '../helpers/golden.js';

const golden = loadGolden('phase_vocoder');
const O = { nFft: 512, hop: 128 };
const BINS = O.nFft / 2 + 1;
const y = golden.get('pv.y').data;
const D = golden.get('pv.stft'); // [frames, bins, 2]
const FRAMES = D.shape[0];
const rateOf = (name: string) => (golden.raw(`pv.rate.${name}`).data as Float64Array)[0];

// The STFT's peak |D| is ~46: nine f32 butterfly stages add a few ulps of it per bin.
const STFT_TOL = { atol: 2e-5, rtol: 0 };
// The vocoder's atan2, sin and cos: WGSL bounds them only loosely (atan2 to 4096 ulp, sin/cos to 2^-11
// absolute), so no useful bound follows from the spec. Measured on lavapipe and gpu.js: 6e-6 of the peak
// (2.8e-4); the tolerance, 2e-5 of the peak, leaves a margin of 3 for other adapters' transcendentals.
const VOCODER_TOL = { atol: 1e-3, rtol: 0 };
// Round trip through the inverse FFT and overlap-add: a few ulps of the signal (peak 0.67).
const ISTFT_TOL = { atol: 1e-6, rtol: 0 };
// Time stretch end to end: the vocoder's phase error (above) over the output's peak ~0.8; measured 5e-6.
const STRETCH_TOL = { atol: 3e-5, rtol: 0 };

/** Complex [frames][bins] as [frames, bins, 2]. */
const pairs = (S: { re: Float64Array; im: Float64Array }[]) => Float64Array.from(S.flatMap((f) => Array.from(f.re, (re, k) => [re, f.im[k]]).flat()));

/** A harmonic clip of n samples with a noise floor (every bin's phase well defined). */
function clip(n: number, f0: number): Float32Array {
  let s = 12345 + n;
  return Float32Array.from({ length: n }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    let v = 0;
    for (let h = 1; h <= 6; h++) v += Math.sin((2 * Math.PI * h * f0 * i) / 16000 + h) / h;
    return 0.3 * v + 3e-3 * ((s >>> 8) / 2 ** 23 - 1);
  });
}

describeBackends('phase vocoder time stretch vs librosa', (backend: Backend) => {
  it('complex STFT = librosa.stft', async () => {
    const { z, frames } = complexStft(backend, packClips(backend, [y]), O);
    expect(frames).toEqual([FRAMES]);
    expect(z.shape[1]).toBeGreaterThanOrEqual(FRAMES);
    const got = (await z.read()) as Float32Array;
    expectClose(got.subarray(0, D.data.length), D.data, STFT_TOL, 'stft');
    // Frames allocated past the clip's last are zero.
    expect(got.subarray(D.data.length).every((v) => v === 0)).toBe(true);
  });

  it('inverse STFT = librosa.istft', async () => {
    const z = backend.upload(D.data, [1, FRAMES, BINS, 2]);
    const out = inverseStft(backend, z, [FRAMES], [y.length], O.hop);
    expectClose(await out.samples.read(), golden.get('pv.istft').data, ISTFT_TOL, 'istft');
  });

  for (const name of ['slow', 'fast']) {
    it(`phase vocoder = librosa.phase_vocoder (rate ${rateOf(name)})`, async () => {
      const z = backend.upload(D.data, [1, FRAMES, BINS, 2]);
      const { zs, outFrames } = phaseVocoder(backend, z, [FRAMES], [quantizeRate(rateOf(name))], O.hop);
      const want = golden.get(`pv.vocoder.${name}`);
      expect(outFrames).toEqual([want.shape[0]]);
      expectClose(((await zs.read()) as Float32Array).subarray(0, want.data.length), want.data, VOCODER_TOL, `vocoder ${name}`);
    });

    it(`time stretch = librosa.effects.time_stretch (rate ${rateOf(name)})`, async () => {
      const out = timeStretch(backend, packClips(backend, [y]), [quantizeRate(rateOf(name))], O);
      const want = golden.get(`pv.stretch.${name}`).data;
      expect(out.lengths).toEqual([want.length]);
      expectClose(await out.samples.read(), want, STRETCH_TOL, `stretch ${name}`);
    });
  }

  it('stretches a batch, each clip by its own rate, as the float64 reference', async () => {
    const clips = [clip(3000, 180), clip(1700, 240), clip(4100, 130)];
    const rates = [0.83, 1.21, 1.0];
    const q = rates.map(quantizeRate);
    const out = timeStretch(backend, packClips(backend, clips), q, O);
    expect(out.lengths).toEqual(clips.map((c, i) => stretchedLength(c.length, q[i])));
    const got = (await out.samples.read()) as Float32Array;
    clips.forEach((c, i) => {
      const ref = timeStretchReference(c, q[i] / 65536, O);
      expectClose(got.subarray(out.offsets[i], out.offsets[i] + out.lengths[i]), ref, STRETCH_TOL, `clip ${i}`);
    });
  });

  it('rejects rates outside (0, 4) and FFT sizes that are not powers of two', () => {
    expect(() => quantizeRate(4)).toThrow(/outside/);
    expect(() => quantizeRate(0)).toThrow(/outside/);
    expect(() => complexStft(backend, packClips(backend, [y]), { nFft: 500, hop: 128 })).toThrow(/power of two/);
  });
});

// Real GPUs get one frame per workgroup and 32 invocations per frame (barriers between stages); lavapipe one
// invocation per frame. Every tiling must give the same numbers.
for (const tiling of [{ F: 1, T: 32 }, { F: 2, T: 4 }, { F: 8, T: 1 }]) {
  it(`WebGPU FFT tiling F=${tiling.F} T=${tiling.T}: the STFT and the inverse real FFT`, async ({ skip }) => {
    const backend = webgpuBackend();
    if (!backend) return skip();
    const { z } = complexStft(backend, packClips(backend, [y]), O, tiling);
    expectClose(((await z.read()) as Float32Array).subarray(0, D.data.length), D.data, STFT_TOL, 'stft');
    // The inverse of the forward transform is M times the windowed frames.
    const back = (await realFrames(backend, z, tiling).read()) as Float32Array;
    const want = Float64Array.from({ length: back.length }, (_, i) => {
      const [t, e] = [Math.floor(i / O.nFft), i % O.nFft];
      const pos = t * O.hop + e - O.nFft / 2;
      return t < FRAMES && pos >= 0 && pos < y.length ? O.nFft * y[pos] * (0.5 - 0.5 * Math.cos((2 * Math.PI * e) / O.nFft)) : 0;
    });
    expectClose(back, want, { atol: O.nFft * 4e-7, rtol: 0 }, 'inverse');
  });
}

it('the float64 references agree with librosa', () => {
  const ref = stftComplexReference(y, O.nFft, O.hop);
  expectClose(pairs(ref), D.data, { atol: 2e-5, rtol: 0 }, 'stft reference'); // the golden is rounded to f32
  const half = (t: number) => ({ re: Float64Array.from({ length: BINS }, (_, k) => D.data[(t * BINS + k) * 2]), im: Float64Array.from({ length: BINS }, (_, k) => D.data[(t * BINS + k) * 2 + 1]) });
  const spectra = Array.from({ length: FRAMES }, (_, t) => half(t));
  expectClose(istftReference(spectra, O.nFft, O.hop, y.length), golden.get('pv.istft').data, { atol: 1e-7, rtol: 0 }, 'istft reference');
  for (const name of ['slow', 'fast']) {
    // From the f32-rounded golden STFT: the librosa vocoder saw the float64 one, a 1e-7 relative difference.
    expectClose(pairs(phaseVocoderReference(spectra, rateOf(name), O.nFft, O.hop)), golden.get(`pv.vocoder.${name}`).data, { atol: 1e-4, rtol: 0 }, `vocoder reference ${name}`);
    expectClose(timeStretchReference(y, rateOf(name), O), golden.get(`pv.stretch.${name}`).data, { atol: 1e-7, rtol: 0 }, `stretch reference ${name}`);
  }
});
