// Packs a kernel's scalar parameters into the bytes of a WGSL uniform struct of 4-byte fields.

export type UniformField = number | { f32: number } | { i32: number };

/** Plain numbers are u32 (sizes, strides, counts); wrap floats and signed values explicitly. */
export function packUniforms(fields: readonly UniformField[]): Uint8Array {
  // Uniform structs are 16-byte aligned in size.
  const words = Math.max(4, Math.ceil(fields.length / 4) * 4);
  const buf = new ArrayBuffer(words * 4);
  const view = new DataView(buf);
  fields.forEach((field, i) => {
    if (typeof field === 'number') {
      if (!Number.isInteger(field) || field < 0 || field > 0xffffffff) {
        throw new Error(`uniform field ${i} = ${field} is not a u32; wrap floats as { f32 } and signed values as { i32 }`);
      }
      view.setUint32(i * 4, field, true);
    } else if ('f32' in field) view.setFloat32(i * 4, field.f32, true);
    else view.setInt32(i * 4, field.i32, true);
  });
  return new Uint8Array(buf);
}
