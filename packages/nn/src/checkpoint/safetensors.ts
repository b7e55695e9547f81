import { UserError } from '@apdet/io';

/**
 * The safetensors file format (https://huggingface.co/docs/safetensors), written from scratch:
 *
 *   [8 bytes: N, little-endian u64][N bytes: JSON header][raw tensor bytes]
 *
 * The header maps each tensor name to `{dtype, shape, data_offsets: [begin, end]}` (offsets
 * relative to the start of the data section, tensors packed without gaps) and may hold a
 * `__metadata__` object of string → string. Data is little-endian, row-major. We write F32 and
 * read F32, F64, F16 and BF16 (converted to float32), plus I64/I32 for tensors such as
 * `num_batches_tracked` that importers skip.
 */

/** A decoded tensor: float32 values and their shape. */
export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsContent {
  tensors: Map<string, NamedArray>;
  metadata: Record<string, string>;
}

const DTYPE_BYTES: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2, I64: 8, I32: 4 };

/** Serialises float32 tensors (in the iteration order of `tensors`) and string metadata. */
export function encodeSafetensors(
  tensors: Iterable<[string, NamedArray]>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const entries = [...tensors];
  let offset = 0;
  for (const [name, t] of entries) {
    const expected = t.shape.reduce((a, b) => a * b, 1);
    if (expected !== t.data.length) {
      throw new UserError(
        `tensor "${name}": shape [${t.shape.join(', ')}] needs ${expected} values, got ${t.data.length}`,
      );
    }
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.length * 4] };
    offset += t.data.length * 4;
  }
  // Pad the header with spaces so the data section starts 8-byte aligned (as the reference writer does).
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const [, t] of entries) {
    if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.length * 4), pos);
    } else {
      for (let i = 0; i < t.data.length; i++) view.setFloat32(pos + i * 4, t.data[i], true);
    }
    pos += t.data.length * 4;
  }
  return out;
}

/**
 * Parses a safetensors buffer. Every structural problem (truncated file, bad header length,
 * invalid JSON, unknown dtype, offsets out of range or inconsistent with the shape) is a
 * {@link UserError} naming `source` and the tensor.
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsContent {
  const fail = (msg: string): never => {
    throw new UserError(`${source}: ${msg}`);
  };
  if (bytes.length < 8) fail(`truncated: ${bytes.length} bytes, the 8-byte header length is missing`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) {
    fail(
      `header length ${headerLength} exceeds the file size (${bytes.length} bytes): truncated or not a safetensors file`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)),
    ) as Record<string, unknown>;
  } catch (error) {
    return fail(`the JSON header is invalid (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('the header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, NamedArray>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = raw as Record<string, string>;
      continue;
    }
    const entry = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const where = `tensor "${name}"`;
    const bytesPer = DTYPE_BYTES[String(entry.dtype)];
    if (!bytesPer)
      fail(`${where}: unsupported dtype ${JSON.stringify(entry.dtype)} (F32, F64, F16, BF16, I64, I32 are read)`);
    if (!Array.isArray(entry.shape) || !entry.shape.every((d) => Number.isInteger(d) && d >= 0))
      fail(`${where}: invalid shape`);
    const offsets = entry.data_offsets as number[];
    if (!Array.isArray(offsets) || offsets.length !== 2 || !(offsets[0] <= offsets[1]))
      fail(`${where}: invalid data_offsets`);
    const shape = entry.shape as number[];
    const count = shape.reduce((a, b) => a * b, 1);
    if (offsets[1] - offsets[0] !== count * bytesPer) {
      fail(
        `${where}: data_offsets span ${offsets[1] - offsets[0]} bytes but shape [${shape.join(', ')}] × ${String(entry.dtype)} needs ${count * bytesPer}`,
      );
    }
    if (offsets[1] > dataLength)
      fail(`${where}: data ends at byte ${offsets[1]} but the data section has ${dataLength} bytes (truncated file)`);
    tensors.set(name, { shape, data: decodeValues(view, dataStart + offsets[0], count, String(entry.dtype)) });
  }
  return { tensors, metadata };
}

/** The host byte order: on little-endian hosts F32 data is copied, not converted. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function decodeValues(view: DataView, start: number, count: number, dtype: string): Float32Array {
  if (dtype === 'F32' && LITTLE_ENDIAN) {
    return new Float32Array(view.buffer.slice(view.byteOffset + start, view.byteOffset + start + count * 4));
  }
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    switch (dtype) {
      case 'F32':
        out[i] = view.getFloat32(start + i * 4, true);
        break;
      case 'F64':
        out[i] = view.getFloat64(start + i * 8, true);
        break;
      case 'F16':
        out[i] = halfToFloat(view.getUint16(start + i * 2, true));
        break;
      case 'BF16':
        out[i] = bf16ToFloat(view.getUint16(start + i * 2, true));
        break;
      case 'I64':
        out[i] = Number(view.getBigInt64(start + i * 8, true));
        break;
      case 'I32':
        out[i] = view.getInt32(start + i * 4, true);
        break;
    }
  }
  return out;
}

const scratch = new DataView(new ArrayBuffer(4));

/** bfloat16 is the top 16 bits of a float32. */
function bf16ToFloat(bits: number): number {
  scratch.setUint32(0, bits << 16, false);
  return scratch.getFloat32(0, false);
}

/** IEEE 754 binary16 → number (subnormals, infinities and NaN included). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
