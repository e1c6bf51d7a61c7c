// Compact binary lists of non-negative integers, for the matrices that grow with production:
// an order's progress (batched, produced, rejected) and the matrices of its batches.
//
// Format: one header byte, then the numbers as unsigned LEB128 varints (7 bits a byte), raw
// (header 0) or deflated (header 1) when that is smaller. A cell (at most 10,000,000, or twice that
// with a 100% over-tolerance) takes at most 4 bytes before deflating, typically 1-2; long runs of
// zeros or repeated values deflate to almost nothing. Text ("10,20;5,5", see codec.ts) would take
// up to 9 bytes a cell: four 20,000-cell matrices in text would not fit an item's 400 KB.
import { deflateRawSync, inflateRawSync } from 'node:zlib';

const RAW = 0;
const DEFLATED = 1;

export function packInts(values: readonly number[]): Uint8Array {
  const raw = new Uint8Array(values.length * 5 + 1);
  let at = 1;
  for (const value of values) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
      throw new Error(`packInts: ${value} is not a whole number in 0..2^32-1`);
    let v = value;
    while (v >= 0x80) {
      raw[at++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    raw[at++] = v;
  }
  raw[0] = RAW;
  const plain = raw.subarray(0, at);
  if (at < 64) return plain.slice();
  const deflated = deflateRawSync(plain.subarray(1), { level: 6 });
  if (deflated.length + 1 >= at) return plain.slice();
  const out = new Uint8Array(deflated.length + 1);
  out[0] = DEFLATED;
  out.set(deflated, 1);
  return out;
}

export function unpackInts(packed: Uint8Array): number[] {
  if (packed.length === 0) return [];
  const body = packed[0] === DEFLATED ? new Uint8Array(inflateRawSync(packed.subarray(1))) : packed.subarray(1);
  if (packed[0] !== RAW && packed[0] !== DEFLATED) throw new Error(`unpackInts: unknown format ${packed[0]}`);
  const out: number[] = [];
  let value = 0;
  let scale = 1;
  for (const byte of body) {
    value += (byte & 0x7f) * scale;
    if (byte & 0x80) scale *= 128;
    else {
      out.push(value);
      value = 0;
      scale = 1;
    }
  }
  return out;
}

/** Rows of equal length, flattened row by row. */
export function packRows(rows: readonly (readonly number[])[]): Uint8Array {
  return packInts(rows.flat());
}

export function unpackRows(packed: Uint8Array, rows: number, cols: number): number[][] {
  const flat = unpackInts(packed);
  if (flat.length !== rows * cols) throw new Error(`unpackRows: ${flat.length} numbers for ${rows} x ${cols}`);
  return Array.from({ length: rows }, (_, r) => flat.slice(r * cols, (r + 1) * cols));
}
