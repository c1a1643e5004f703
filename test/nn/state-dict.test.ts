// State dicts with PyTorch's names: round trip through safetensors bytes, and errors that say what does not fit.
import { expect, it } from 'vitest';
import { parseSafetensors, serializeSafetensors, type NamedTensor } from '../../src/io/safetensors.js';
import { Model } from '../../src/nn/model.js';
import { exportStateDict, loadStateDict } from '../../src/nn/state-dict.js';
import { describeBackends } from '../helpers/backends.js';
import { MIXED_SPEC } from './mixed-spec.js';

describeBackends('state dict', (backend) => {
  it('round-trips through safetensors into a differently seeded model', async () => {
    const source = new Model(backend, MIXED_SPEC, { seed: 1 });
    const dict = await exportStateDict(source);
    expect(Object.keys(dict).sort()).toEqual(
      ['0.bias', '0.weight', '1.bias', '1.num_batches_tracked', '1.running_mean', '1.running_var', '1.weight', '11.bias', '11.weight',
        '4.weight', '8.bias', '8.weight', '9.bias', '9.num_batches_tracked', '9.running_mean', '9.running_var', '9.weight'],
    );
    expect(dict['4.weight'].shape).toEqual([6, 4, 3, 2]);
    const target = new Model(backend, MIXED_SPEC, { seed: 2 });
    expect((await exportStateDict(target))['0.weight'].data).not.toEqual(dict['0.weight'].data);
    loadStateDict(target, parseSafetensors(serializeSafetensors(dict)).tensors);
    expect(await exportStateDict(target)).toEqual(dict);
    source.dispose();
    target.dispose();
  });

  it('names missing, unexpected and misshapen entries', async () => {
    const model = new Model(backend, MIXED_SPEC);
    const tensors = parseSafetensors(serializeSafetensors(await exportStateDict(model))).tensors;
    const without = new Map(tensors);
    without.delete('8.bias');
    expect(() => loadStateDict(model, without)).toThrow(/missing 8\.bias/);
    const extra = new Map(tensors).set('12.weight', tensors.get('8.bias')!);
    expect(() => loadStateDict(model, extra)).toThrow(/unexpected 12\.weight/);
    expect(() => loadStateDict(model, extra, { strict: false })).not.toThrow();
    const misshapen = new Map<string, NamedTensor>(tensors).set('8.bias', { dtype: 'F32', shape: [2, 5], data: new Float32Array(10) });
    expect(() => loadStateDict(model, misshapen)).toThrow(/8\.bias has shape \[2,5\], the model needs \[10\]/);
    const prefixed = new Map([...tensors].map(([k, v]) => [`model.${k}`, v]));
    expect(() => loadStateDict(model, prefixed, { prefix: 'model.' })).not.toThrow();
    model.dispose();
  });
});
