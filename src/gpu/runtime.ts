// The WebGPU runtime: pipelines cached by a key naming every specialisation, pooled buffers, many
// dispatches recorded into one command encoder, asynchronous read-back, and errors that name the kernel.
import { acquireDevice, type AdapterReport } from './device.js';
import { BufferPool } from './buffer-pool.js';
import { gpuWait } from './gpu-wait.js';
import { DispatchProfiler } from './profiler.js';
import { shaderSource } from './shaders.js';
import { packUniforms, type UniformField } from './uniforms.js';

/**
 * One compute dispatch. Binding convention of every shader in shaders/:
 *   @group(0) @binding(0) the uniform params struct (when `uniforms` is given),
 *   @group(0) @binding(1..n) the storage buffers, in the order of `buffers`.
 */
export interface KernelCall {
  /** shaders/<shader>.wgsl */
  shader: string;
  entry?: string;
  /** WGSL `override` constants: workgroup and tile sizes, flags. Part of the pipeline key. */
  constants?: Readonly<Record<string, number>>;
  uniforms?: readonly UniformField[];
  buffers: readonly GPUBuffer[];
  workgroups: readonly [number, number?, number?];
}

/** Uniform slots are bound at offsets that must honour minUniformBufferOffsetAlignment (256 everywhere). */
const UNIFORM_CHUNK_BYTES = 64 * 1024;

interface UniformChunk {
  buffer: GPUBuffer;
  staging: Uint8Array<ArrayBuffer>;
  used: number;
}

export class GpuRuntime {
  readonly pool: BufferPool;
  /** Dispatches recorded since creation: a cheap count for benchmarks and tests. */
  dispatches = 0;
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private batchKernels: string[] = [];
  private readonly uniformChunks: UniformChunk[] = [];
  private uniformChunkIndex = 0;
  private readonly stagingToDestroy: GPUBuffer[] = [];
  private pendingError: Error | null = null;
  /** The kernels of the last batch submitted that had any: a device loss names them. */
  private lastSubmitted: string[] = [];
  /** Set by destroy(): only then is a 'destroyed' device loss expected. */
  private destroying = false;
  /** Error-scope results not yet awaited: sync() and read() settle them all before reporting. */
  private readonly errorChecks: Promise<void>[] = [];
  private readonly uniformAlign: number;
  /** SER_GPU_DEBUG=1 submits every dispatch alone, so an error names exactly one kernel. */
  private readonly submitEachDispatch = process.env.SER_GPU_DEBUG === '1';
  /** SER_GPU_PROFILE=1 (with timestamp-query): GPU time per kernel, printed when the runtime is destroyed. */
  readonly profiler: DispatchProfiler | null;
  /** Inside timeGpu: its one pass times everything, so the profiler stands aside. */
  private timing = false;
  readonly tensorUsage: number;

  private constructor(
    readonly device: GPUDevice,
    readonly adapter: GPUAdapter,
    readonly report: AdapterReport,
  ) {
    // An allocation's out-of-memory check settles later; it is reported, with the size asked for, at the next sync or read.
    this.pool = new BufferPool(device, (check) =>
      this.errorChecks.push(
        check.then((error) => {
          if (error) this.pendingError ??= error;
        }),
      ),
    );
    this.uniformAlign = device.limits.minUniformBufferOffsetAlignment;
    this.profiler = process.env.SER_GPU_PROFILE === '1' && device.features.has('timestamp-query') ? new DispatchProfiler(device) : null;
    this.tensorUsage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    device.addEventListener('uncapturederror', (event) => {
      const error = (event as GPUUncapturedErrorEvent).error;
      this.pendingError ??= new Error(`WebGPU error: ${error.message}`);
    });
    void device.lost.then((info) => {
      if (!this.destroying) this.pendingError ??= this.lostError(info);
    });
  }

  /** Null when the machine has no WebGPU adapter. */
  static async create(): Promise<GpuRuntime | null> {
    const acquired = await acquireDevice();
    return acquired && new GpuRuntime(acquired.device, acquired.adapter, acquired.report);
  }

  get hasTimestamps(): boolean {
    return this.device.features.has('timestamp-query');
  }

  /** The compiled pipeline for one entry point of one shader with one set of override constants. */
  pipeline(shader: string, entry = 'main', constants: Readonly<Record<string, number>> = {}): GPUComputePipeline {
    const key = pipelineKey(shader, entry, constants);
    let pipeline = this.pipelines.get(key);
    if (pipeline) return pipeline;
    const module = this.shaderModule(shader);
    this.device.pushErrorScope('validation');
    pipeline = this.device.createComputePipeline({
      label: key,
      layout: 'auto',
      compute: { module, entryPoint: entry, constants: { ...constants } },
    });
    this.errorChecks.push(
      this.device.popErrorScope().then(async (error) => {
        if (!error) return;
        const info = await module.getCompilationInfo();
        const messages = info.messages.map((m) => `  shaders/${shader}.wgsl:${m.lineNum}:${m.linePos} ${m.type}: ${m.message}`);
        this.pendingError ??= new Error(`kernel ${key} failed to build: ${error.message}\n${messages.join('\n')}`);
      }),
    );
    this.pipelines.set(key, pipeline);
    return pipeline;
  }

  private shaderModule(shader: string): GPUShaderModule {
    let module = this.modules.get(shader);
    if (!module) {
      module = this.device.createShaderModule({ label: `shaders/${shader}.wgsl`, code: shaderSource(shader) });
      this.modules.set(shader, module);
    }
    return module;
  }

  /** Records one dispatch into the current command encoder; nothing runs until flush() or a read. */
  run(call: KernelCall): void {
    const entry = call.entry ?? 'main';
    const pipeline = this.pipeline(call.shader, entry, call.constants);
    const entries: GPUBindGroupEntry[] = call.buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer } }));
    if (call.uniforms) entries.push({ binding: 0, resource: this.uniformSlot(call.uniforms) });
    const bindGroup = this.device.createBindGroup({ label: pipeline.label, layout: pipeline.getBindGroupLayout(0), entries });
    const profiled = this.profiler && !this.timing;
    if (profiled) this.pass = this.commandEncoder().beginComputePass({ timestampWrites: this.profiler.nextPass(pipeline.label) });
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    const [x, y = 1, z = 1] = call.workgroups;
    pass.dispatchWorkgroups(x, y, z);
    if (profiled) this.endPass();
    this.batchKernels.push(pipeline.label);
    this.dispatches++;
    if (this.submitEachDispatch) this.submit();
  }

  /** Copies bytes on the GPU, in order with the dispatches around it. */
  copy(src: GPUBuffer, dst: GPUBuffer, byteLength: number, srcOffset = 0, dstOffset = 0): void {
    this.commandEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, byteLength);
  }

  clear(buffer: GPUBuffer, byteLength?: number): void {
    this.commandEncoder().clearBuffer(buffer, 0, byteLength);
  }

  /**
   * Uploads host data in stream order. With nothing recorded since the last submit, queue.writeBuffer is in
   * order (Dawn copies through its reused upload ring); otherwise it would land before dispatches already
   * recorded, which may still read a pooled buffer's previous tensor, so the copy goes into the encoder
   * through a staging buffer.
   */
  upload(dst: GPUBuffer, data: ArrayBufferView): void {
    const byteLength = Math.ceil(data.byteLength / 4) * 4;
    if (!this.encoder && byteLength === data.byteLength) {
      this.device.queue.writeBuffer(dst, 0, data.buffer, data.byteOffset, byteLength);
      return;
    }
    const staging = this.device.createBuffer({ size: byteLength, usage: GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
    new Uint8Array(staging.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    staging.unmap();
    this.copy(staging, dst, byteLength);
    this.stagingToDestroy.push(staging);
  }

  /** Submits everything recorded so far. Errors of earlier batches surface here, naming their kernels. */
  submit(): void {
    if (this.pendingError) {
      // Work recorded after a failure would fail again (invalid pipelines, bind groups): drop it.
      this.resetBatch();
      this.throwPendingError();
    }
    if (!this.encoder) return;
    this.endPass();
    this.writeUniformChunks();
    const kernels = this.batchKernels;
    if (kernels.length > 0) this.lastSubmitted = kernels; // a copy-only batch (a read-back's) names the kernels before it
    this.device.pushErrorScope('validation');
    this.device.pushErrorScope('out-of-memory');
    const readProfile = this.profiler?.resolve(this.encoder);
    this.device.queue.submit([this.encoder.finish()]);
    readProfile?.();
    this.resetBatch();
    for (const scope of ['out-of-memory', 'validation']) {
      this.errorChecks.push(
        this.device.popErrorScope().then((error) => {
          if (error) this.pendingError ??= new Error(`WebGPU ${scope} error in a batch of kernels [${summarise(kernels)}]: ${error.message}`);
        }),
      );
    }
  }

  /** Waits for every submitted command; throws the first error any of them raised. */
  async sync(): Promise<void> {
    try {
      this.submit();
    } finally {
      await gpuWait(this.device.queue.onSubmittedWorkDone());
      await this.settleErrorChecks();
      await this.profiler?.settle();
    }
    this.throwPendingError();
  }

  /** Reads a buffer back: submits the pending work, then maps a staging copy. */
  async read(src: GPUBuffer, byteLength: number): Promise<ArrayBuffer> {
    const size = Math.ceil(byteLength / 4) * 4;
    const staging = this.pool.acquire(size, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'readback');
    this.copy(src, staging, size);
    this.submit();
    try {
      await gpuWait(staging.mapAsync(GPUMapMode.READ, 0, size));
    } catch (error) {
      await this.settleErrorChecks();
      this.throwPendingError();
      // A lost device fails the mapping (AbortError) before its lost promise may have settled: give it a moment.
      await Promise.race([this.device.lost, new Promise((resolve) => setTimeout(resolve, 100))]);
      this.throwPendingError();
      throw new Error(`WebGPU read-back failed after a batch of kernels [${summarise(this.lastSubmitted)}]: ${(error as Error).name}: ${(error as Error).message}`);
    }
    await this.settleErrorChecks();
    const bytes = staging.getMappedRange(0, size).slice(0, byteLength);
    staging.unmap();
    this.pool.release(staging);
    this.throwPendingError();
    return bytes;
  }

  /**
   * GPU time in milliseconds of the dispatches `record` makes, from timestamp queries written at the
   * start and end of one compute pass. Null when the adapter has no `timestamp-query`.
   */
  async timeGpu(record: () => void): Promise<number | null> {
    if (!this.hasTimestamps) return null;
    await this.sync();
    const querySet = this.device.createQuerySet({ type: 'timestamp', count: 2 });
    const resolved = this.device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    const timed = this.commandEncoder().beginComputePass({
      timestampWrites: { querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 },
    });
    this.pass = timed;
    this.timing = true;
    try {
      record();
    } finally {
      this.timing = false;
    }
    // A copy, clear or upload ends the pass; dispatches after it would run untimed.
    if (this.pass !== timed) {
      this.resetBatch();
      querySet.destroy();
      resolved.destroy();
      throw new Error('timeGpu: the recorded work ended the timed compute pass (a copy, clear or upload); time dispatches only');
    }
    this.endPass();
    this.commandEncoder().resolveQuerySet(querySet, 0, 2, resolved, 0);
    const ticks = new BigInt64Array(await this.read(resolved, 16));
    querySet.destroy();
    resolved.destroy();
    return Number(ticks[1] - ticks[0]) / 1e6;
  }

  /** Frees every GPU object and destroys the device, so Node can exit (Dawn keeps the process alive otherwise). */
  async destroy(): Promise<void> {
    this.destroying = true;
    try {
      await this.sync();
      if (this.profiler) process.stderr.write(`${this.profiler.report()}\n`);
    } finally {
      this.pool.destroy();
      for (const c of this.uniformChunks) c.buffer.destroy();
      this.device.destroy();
    }
  }

  private commandEncoder(): GPUCommandEncoder {
    if (this.pass) this.endPass();
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    if (!this.pass) this.pass = this.commandEncoder().beginComputePass();
    return this.pass;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  private uniformSlot(fields: readonly UniformField[]): GPUBufferBinding {
    const bytes = packUniforms(fields);
    let chunk = this.uniformChunks[this.uniformChunkIndex];
    if (chunk && chunk.used + bytes.byteLength > UNIFORM_CHUNK_BYTES) chunk = this.uniformChunks[++this.uniformChunkIndex];
    if (!chunk) {
      chunk = {
        buffer: this.device.createBuffer({ size: UNIFORM_CHUNK_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: 'uniforms' }),
        staging: new Uint8Array(UNIFORM_CHUNK_BYTES),
        used: 0,
      };
      this.uniformChunks.push(chunk);
    }
    const offset = chunk.used;
    chunk.staging.set(bytes, offset);
    chunk.used = Math.ceil((offset + bytes.byteLength) / this.uniformAlign) * this.uniformAlign;
    return { buffer: chunk.buffer, offset, size: bytes.byteLength };
  }

  /** queue.writeBuffer lands before this submit's commands and after every earlier submit's. */
  private writeUniformChunks(): void {
    for (const chunk of this.uniformChunks) {
      if (chunk.used > 0) this.device.queue.writeBuffer(chunk.buffer, 0, chunk.staging, 0, chunk.used);
    }
  }

  /** Starts an empty batch: after a submit, or to drop work recorded after a failure. */
  private resetBatch(): void {
    this.endPass();
    this.profiler?.discard();
    this.encoder = null;
    this.batchKernels = [];
    for (const b of this.stagingToDestroy.splice(0)) b.destroy();
    for (const chunk of this.uniformChunks) chunk.used = 0;
    this.uniformChunkIndex = 0;
  }

  private async settleErrorChecks(): Promise<void> {
    while (this.errorChecks.length > 0) await gpuWait(Promise.all(this.errorChecks.splice(0)));
  }

  private lostError(info: GPUDeviceLostInfo): Error {
    return new Error(`WebGPU device lost (${info.reason}${info.message ? `: ${info.message}` : ''}) while running a batch of kernels [${summarise(this.lastSubmitted)}]`);
  }

  /** Throws the first error since the last throw; later errors of the same failure are dropped with it. */
  private throwPendingError(): void {
    const error = this.pendingError;
    if (error) {
      this.pendingError = null;
      throw error;
    }
  }
}

export function pipelineKey(shader: string, entry: string, constants: Readonly<Record<string, number>>): string {
  const spec = Object.keys(constants)
    .sort()
    .map((k) => `${k}=${constants[k]}`)
    .join(',');
  return `${shader}:${entry}${spec ? `{${spec}}` : ''}`;
}

function summarise(kernels: string[]): string {
  const unique = [...new Set(kernels)];
  return unique.length > 12 ? `${unique.slice(0, 12).join(', ')}, … ${unique.length - 12} more` : unique.join(', ');
}
