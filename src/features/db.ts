// librosa.power_to_db over a batch: shaders/db.wgsl on WebGPU, a gpu.js kernel on the CPU backend, each
// clip's maximum (for ref=np.max and the top_db floor) from a per-clip reduction on the device.
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import { grid1d } from '../gpu/grid.js';
import { batchShape, framesTable, type FeatureBatch } from './batch.js';
import type { FeatureConfig } from './config.js';
import { clipReduce } from './reduce.js';

export type DbOptions = Pick<FeatureConfig, 'ref' | 'amin' | 'topDb'>;

const WG = 256;

/** 10·log10(max(amin, S) / ref), floored at each clip's maximum minus topDb; padding frames stay 0. */
export function powerToDb(backend: Backend, S: FeatureBatch, o: DbOptions): FeatureBatch {
  const { clips, bands, maxFrames } = batchShape(S);
  const refMax = o.ref === 'max';
  const refDb = refMax ? 0 : 10 * Math.log10(Math.max(o.amin, o.ref as number));
  const needMax = refMax || o.topDb !== null;
  const regions = S.frames.map((cols, c) => ({ base: c * bands * maxFrames, rows: bands, cols }));
  const clipMax = needMax ? clipReduce(backend, S.features, regions, maxFrames, 'max') : null;
  const frames = framesTable(backend, S.frames);
  const total = clips * bands * maxFrames;
  let out;
  if (backend.kind === 'webgpu') {
    out = backend.empty(S.features.shape);
    backend.runtime.run({
      shader: 'db',
      entry: 'to_db',
      constants: { WG, REF_MAX: Number(refMax), TOP_DB: Number(o.topDb !== null) },
      uniforms: [bands, maxFrames, total, { f32: o.amin }, { f32: refDb }, { f32: o.topDb ?? 0 }],
      // Without a clip maximum the (unread) binding takes S.
      buffers: [S.features.buffer, frames.buffer, (clipMax ?? S.features).buffer, out.buffer],
      workgroups: grid1d(total, WG),
    });
  } else {
    const kernel = backend.kernel('features.to_db', toDbCpuKernel, total);
    const maxima = clipMax ? clipMax.host : new Float32Array(clips);
    const values = kernel(S.features.host, frames.host, maxima, bands, maxFrames, o.amin, refDb, o.topDb ?? 0, Number(refMax), Number(o.topDb !== null));
    out = backend.wrap(values as Float32Array, S.features.shape);
  }
  clipMax?.dispose();
  frames.dispose();
  return { features: out, frames: S.frames };
}

const toDbCpuKernel: CpuKernelFunction = function (
  S: number[], frames: number[], clipMax: number[], bands: number, maxFrames: number,
  amin: number, refDb: number, topDb: number, refMax: number, hasTopDb: number,
) {
  const i = this.thread.x;
  const c = Math.floor(i / (bands * maxFrames));
  if (i % maxFrames >= frames[c]) return 0;
  const maxDb = (10 * Math.log(Math.max(amin, clipMax[c]))) / Math.LN10;
  const ref = refMax > 0 ? maxDb : refDb;
  let v = (10 * Math.log(Math.max(amin, S[i]))) / Math.LN10 - ref;
  if (hasTopDb > 0) v = Math.max(v, maxDb - ref - topDb);
  return v;
};

/** Float64 reference of one clip's spectrogram (any layout): librosa.power_to_db, literally. */
export function powerToDbReference(S: ArrayLike<number>, o: DbOptions): Float64Array {
  const ref = o.ref === 'max' ? Array.from(S).reduce((a, v) => Math.max(a, v), -Infinity) : o.ref;
  const logSpec = Float64Array.from(S, (v) => 10 * Math.log10(Math.max(o.amin, v)) - 10 * Math.log10(Math.max(o.amin, ref)));
  if (o.topDb === null) return logSpec;
  const floor = logSpec.reduce((a, v) => Math.max(a, v), -Infinity) - o.topDb;
  return logSpec.map((v) => Math.max(v, floor));
}
