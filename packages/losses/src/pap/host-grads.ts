/**
 * float32 copy of a host gradient times the scalar upstream gradient. Scaling here instead of
 * with `tf.mul(grad, dy)` avoids a broadcast multiply that the cpu backend runs at ~100 ns per
 * element (dy of a scalar loss is a scalar, read once).
 */
export function scaledFloat32(values: Float64Array, factor: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] * factor;
  return out;
}
