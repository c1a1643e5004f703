import { describe, expect, it, vi } from 'vitest';
import type { Backend } from '../../src/backend/types.js';
import { Optimizer, OptimizerReference, scheduledLr, type AdamConfig, type OptimizerOptions, type SgdConfig } from '../../src/ops/optim.js';
import type { Tensor } from '../../src/tensor.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose, type Tolerance } from '../helpers/expect-close.js';
import { loadGolden } from '../helpers/golden.js';

type Case = (SgdConfig | AdamConfig) & { clip?: number; schedule?: OptimizerOptions['schedule'] };

// Mirrors CASES in test/golden/families/optim.py (same names and keys).
const CASES: Record<string, Case> = {
  sgd: { kind: 'sgd', lr: 0.1 },
  sgd_wd: { kind: 'sgd', lr: 0.1, weightDecay: 0.05 },
  sgd_momentum: { kind: 'sgd', lr: 0.05, momentum: 0.9 },
  sgd_dampening_wd: { kind: 'sgd', lr: 0.05, momentum: 0.9, dampening: 0.25, weightDecay: 0.01 },
  sgd_nesterov_wd: { kind: 'sgd', lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.02 },
  sgd_momentum_clip: { kind: 'sgd', lr: 0.05, momentum: 0.9, clip: 2.0 },
  sgd_step: { kind: 'sgd', lr: 0.1, momentum: 0.5, schedule: { kind: 'step', stepSize: 2, gamma: 0.5 } },
  sgd_nesterov_cosine: { kind: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true, schedule: { kind: 'cosine', totalSteps: 3 } },
  adam: { kind: 'adam', lr: 0.01 },
  adam_wd_betas: { kind: 'adam', lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.1 },
  adam_clip: { kind: 'adam', lr: 0.01, clip: 2.0 },
  adam_cosine: { kind: 'adam', lr: 0.01, schedule: { kind: 'cosine', totalSteps: 4, minLr: 0.001 } },
  adamw: { kind: 'adamw', lr: 0.01, weightDecay: 0.1 },
  adamw_default_wd_clip: { kind: 'adamw', lr: 0.01, clip: 1.0 },
  adamw_warmup_cosine_clip: {
    kind: 'adamw', lr: 0.01, weightDecay: 0.1, clip: 2.0,
    schedule: { kind: 'warmup-cosine', warmupSteps: 2, totalSteps: 5, minLr: 0.0001 },
  },
};

// Params ~N(0, 1) after 5 steps of a few f32 operations each, the clip norm summed in another order than
// torch's: measured at most 2 ulps (2.4e-7) on lavapipe and gpu.js. Adam needs no looser bound: its step
// lr·m̂/(√v̂ + eps) has √v̂ ≈ |g| >> eps here, so it carries the relative error of one sqrt and one division,
// scaled down by lr.
const TOL: Tolerance = { atol: 1e-6, rtol: 1e-6 };

const golden = loadGolden('optim');
const SLOTS = golden.names('optim.init').length;
const init = Array.from({ length: SLOTS }, (_, j) => golden.get(`optim.init${j}`));
const grads = Array.from({ length: SLOTS }, (_, j) => golden.get(`optim.grad${j}`));
const STEPS = grads[0].shape[0];
/** Slot j's values at step t (0-based) of a [STEPS, ...shape] golden. */
const at = (data: Float32Array, j: number, t: number) => data.subarray(t * init[j].data.length, (t + 1) * init[j].data.length);
const expected = (name: string, j: number, t: number) => at(golden.get(`optim.${name}.param${j}`).data, j, t);
const split = ({ clip, schedule, ...config }: Case): [SgdConfig | AdamConfig, OptimizerOptions] => [config, { clipGradNorm: clip, schedule }];

/** Writes host values into an existing tensor, in stream order (no read-back). */
function write(backend: Backend, t: Tensor, data: Float32Array): void {
  if (backend.kind === 'webgpu') backend.runtime.upload(t.buffer, data);
  else t.host.set(data);
}

function setUp(backend: Backend, name: string) {
  const slots = init.map(({ data, shape }) => ({ param: backend.upload(data, shape), grad: backend.zeros(shape) }));
  const [config, opts] = split(CASES[name]);
  return { slots, optimizer: new Optimizer(backend, slots, config, opts) };
}

function feed(backend: Backend, slots: { grad: Tensor }[], t: number): void {
  slots.forEach(({ grad }, j) => write(backend, grad, at(grads[j].data, j, t)));
}

it('has a config for every golden case and a golden for every config', () => {
  const goldenCases = new Set(golden.names('optim.').filter((n) => n.endsWith('.param0')).map((n) => n.split('.')[1]));
  expect([...goldenCases].sort()).toEqual(Object.keys(CASES).sort());
});

describeBackends('optimisers vs torch.optim trajectories', (backend) => {
  for (const name of Object.keys(CASES)) {
    it(name, async () => {
      const { slots, optimizer } = setUp(backend, name);
      for (let t = 0; t < STEPS; t++) {
        feed(backend, slots, t);
        optimizer.step();
        for (const [j, { param }] of slots.entries()) expectClose(await param.read(), expected(name, j, t), TOL, `${name} step ${t + 1} param${j}`);
      }
      expect(optimizer.stepCount).toBe(STEPS);
      optimizer.dispose();
    });
  }

  it('records a whole trajectory with no read-back or submit, then continues from exported state', async () => {
    const name = 'adamw_warmup_cosine_clip';
    const { slots, optimizer } = setUp(backend, name);
    const spies = backend.kind === 'webgpu' ? [vi.spyOn(backend.runtime, 'read'), vi.spyOn(backend.runtime, 'submit')] : [];
    for (let t = 0; t < 2; t++) {
      feed(backend, slots, t);
      optimizer.step();
    }
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    for (const spy of spies) spy.mockRestore();
    const state = await optimizer.exportState();
    expect(state.step).toBe(2);
    expect(Object.keys(state.slots[0]).sort()).toEqual(['exp_avg', 'exp_avg_sq']);

    const [config, opts] = split(CASES[name]);
    const resumed = new Optimizer(backend, slots, config, opts);
    resumed.importState(state);
    for (let t = 2; t < STEPS; t++) {
      feed(backend, slots, t);
      resumed.step();
    }
    expect(resumed.stepCount).toBe(STEPS);
    for (const [j, { param }] of slots.entries()) expectClose(await param.read(), expected(name, j, STEPS - 1), TOL, `resumed param${j}`);
  });

  it("importState rebuilds Adam's bias corrections bit for bit as a continuous run carries them", async () => {
    // ctl = [step, lr, scale, 1 - beta1^t, 1 - beta2^t] (private): compare the corrections after t steps with
    // those importState sets for step t. 1 - beta^t in float64 differs from the f32 recurrence at some t.
    const ctlOf = (o: Optimizer) => (o as unknown as { ctl: Tensor }).ctl.read();
    for (const config of [{ kind: 'adam', lr: 1e-3 }, { kind: 'adamw', lr: 1e-3, beta1: 0.8, beta2: 0.95 }] as AdamConfig[]) {
      const param = backend.upload([0.5, -0.25], [2]);
      const grad = backend.upload([0.1, 0.2], [2]);
      const continuous = new Optimizer(backend, [{ param, grad }], config);
      for (let t = 1; t <= 40; t++) {
        continuous.step();
        const resumed = new Optimizer(backend, [{ param, grad }], config);
        resumed.importState(await continuous.exportState());
        const [want, got] = [await ctlOf(continuous), await ctlOf(resumed)];
        expect(Array.from(got.slice(3)), `${config.kind} step ${t}`).toEqual(Array.from(want.slice(3)));
        resumed.dispose();
      }
      continuous.dispose();
    }
  });

  it('clips over a 70,003-element gradient (many partial sums per slot) as the float64 reference', async () => {
    const sizes = [70_003, 5];
    const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5);
    const p0 = sizes.map((n, j) => values(n, j));
    const slots = sizes.map((n, j) => ({ param: backend.upload(p0[j], [n]), grad: backend.zeros([n]) }));
    const config: AdamConfig = { kind: 'adam', lr: 0.01, weightDecay: 0.01 };
    const opts: OptimizerOptions = { clipGradNorm: 3, schedule: { kind: 'step', stepSize: 1, gamma: 0.7 } };
    const optimizer = new Optimizer(backend, slots, config, opts);
    const reference = new OptimizerReference(p0, config, opts);
    for (let t = 0; t < 3; t++) {
      const g = sizes.map((n, j) => values(n, 10 + t * 2 + j));
      slots.forEach(({ grad }, j) => write(backend, grad, g[j]));
      optimizer.step();
      reference.step(g);
    }
    for (const [j, { param }] of slots.entries()) expectClose(await param.read(), reference.params[j], TOL, `param${j}`);
  });

  // The guard's flag against the host's Number.isFinite over the loss and the squared gradient norm.
  describe('guard: a step whose loss or gradient norm is not finite is skipped on the device', () => {
    const guardCases: [string, number, number | null][] = [
      ['finite', 0.7, null],
      ['NaN loss', NaN, null],
      ['infinite loss', Infinity, null],
      ['a NaN gradient', 0.7, NaN],
      ['an infinite gradient', 0.7, -Infinity],
      ['a gradient norm that overflows f32', 0.7, 3e19],
    ];
    for (const name of ['sgd_nesterov_wd', 'adamw_warmup_cosine_clip', 'adam']) {
      for (const [what, lossValue, badGrad] of guardCases) {
        it(`${name}, ${what}`, async () => {
          const { slots, optimizer: plain } = setUp(backend, name);
          const [config, opts] = split(CASES[name]);
          const twins = init.map(({ data, shape }) => ({ param: backend.upload(data, shape), grad: backend.zeros(shape) }));
          const guarded = new Optimizer(backend, twins, config, { ...opts, guard: true });
          const loss = backend.upload([lossValue], [1]);
          for (let t = 0; t < 2; t++) {
            feed(backend, slots, t);
            feed(backend, twins, t);
            plain.step();
            guarded.step(loss === null ? undefined : backend.upload([0.5], [1]));
          }
          const before = await Promise.all(twins.map(({ param }) => param.read()));
          const stateBefore = await guarded.exportState();
          feed(backend, twins, 2);
          feed(backend, slots, 2);
          if (badGrad !== null) {
            const g = Float32Array.from(at(grads[1].data, 1, 2));
            g[g.length - 1] = badGrad;
            write(backend, twins[1].grad, g);
          }
          guarded.step(loss);
          plain.step();
          const { tensor, index } = guarded.nonFiniteFlag;
          // The squared norm is summed in f32: 3e19² overflows there.
          const skipped = !(Number.isFinite(lossValue) && (badGrad === null || Number.isFinite(Math.fround(badGrad * badGrad))));
          expect((await tensor.read())[index]).toBe(skipped ? 1 : 0);
          const stateAfter = await guarded.exportState();
          expect(stateAfter.step).toBe(3);
          for (const [j, { param }] of twins.entries()) {
            // Skipped: nothing moved. Applied: exactly the unguarded optimizer's update.
            const want = skipped ? before[j] : await slots[j].param.read();
            expect(Array.from(await param.read()), `param${j}`).toEqual(Array.from(want));
            if (skipped) for (const k of Object.keys(stateBefore.slots[j])) expect(Array.from(stateAfter.slots[j][k]), `${k}${j}`).toEqual(Array.from(stateBefore.slots[j][k]));
          }
          for (const t of [...slots, ...twins]) t.param.dispose(), t.grad.dispose();
          plain.dispose();
          guarded.dispose();
        });
      }
    }

    it('revertIfSkipped restores the backup bit for bit after a skipped step only', async () => {
      const param = backend.upload([0.5, -0.25], [2]);
      const grad = backend.upload([0.1, 0.2], [2]);
      const optimizer = new Optimizer(backend, [{ param, grad }], { kind: 'sgd', lr: 0.1 }, { guard: true });
      const backup = backend.upload(Uint32Array.of(7, 0x7fc00000, 3), [3], 'u32');
      for (const [lossValue, want] of [[1, [1, 2, 3]], [NaN, [7, 0x7fc00000, 3]]] as const) {
        const dst = backend.upload(Uint32Array.of(1, 2, 3), [3], 'u32');
        optimizer.step(backend.upload([lossValue], [1]));
        optimizer.revertIfSkipped(dst, backup);
        expect(Array.from(await dst.read()), `loss ${lossValue}`).toEqual(want);
        dst.dispose();
      }
      optimizer.dispose();
    });

    it('needs the loss', () => {
      const param = backend.upload([0.5], [1]);
      const optimizer = new Optimizer(backend, [{ param, grad: backend.zeros([1]) }], { kind: 'sgd', lr: 0.1 }, { guard: true });
      expect(() => optimizer.step()).toThrow(/a guarded step needs the loss/);
      optimizer.dispose();
    });
  });
});

it('the float64 reference follows the torch trajectories', () => {
  for (const [name, c] of Object.entries(CASES)) {
    const [config, opts] = split(c);
    const reference = new OptimizerReference(init.map((p) => p.data), config, opts);
    for (let t = 0; t < STEPS; t++) {
      reference.step(grads.map((g, j) => at(g.data, j, t)));
      reference.params.forEach((p, j) => expectClose(p, expected(name, j, t), TOL, `${name} step ${t + 1} param${j}`));
    }
  }
});

it('schedules as torch: StepLR, CosineAnnealingLR (periodic past T_max), warm-up then cosine', () => {
  const lrs = (s: Parameters<typeof scheduledLr>[0]) => [0, 1, 2, 3, 4, 5, 6].map((e) => scheduledLr(s, 1, e));
  expectClose(lrs({ kind: 'step', stepSize: 2, gamma: 0.5 }), [1, 1, 0.5, 0.5, 0.25, 0.25, 0.125], { atol: 1e-15, rtol: 0 });
  expectClose(lrs({ kind: 'cosine', totalSteps: 2 }), [1, 0.5, 0, 0.5, 1, 0.5, 0], { atol: 1e-15, rtol: 0 });
  expectClose(lrs({ kind: 'warmup-cosine', warmupSteps: 2, totalSteps: 4, minLr: 0.5 }), [0.5, 1, 1, 0.75, 0.5, 0.5, 0.5], { atol: 1e-15, rtol: 0 });
});

it('rejects configurations torch rejects', () => {
  const backend = {} as Backend;
  expect(() => new Optimizer(backend, [], { kind: 'sgd', lr: 0.1, nesterov: true })).toThrow(/nesterov/);
  expect(() => new Optimizer(backend, [], { kind: 'adam', lr: 0.1, beta2: 1 })).toThrow(/betas/);
  expect(() => new Optimizer(backend, [], { kind: 'sgd', lr: 0.1 }, { schedule: { kind: 'warmup-cosine', warmupSteps: 5, totalSteps: 3 } })).toThrow(/warmup/);
});
