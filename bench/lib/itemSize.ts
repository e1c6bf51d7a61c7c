// DynamoDB's item size, computed from the raw (typed) item the way DynamoDB counts it against the
// 400 KB limit (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
//   - every attribute name (top level and map keys): its UTF-8 bytes;
//   - S: UTF-8 bytes; B: raw bytes; BOOL and NULL: 1 byte;
//   - N: 1 byte per two significant digits (leading and trailing zeros trimmed) + 1 byte;
//   - SS/NS/BS: the sum of their elements;
//   - M and L: 3 bytes of overhead + 1 byte per element, plus the elements themselves.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export const ITEM_LIMIT_BYTES = 400 * 1024;

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

export function numberSize(n: string): number {
  const digits = n
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

export function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) return v.SS.reduce((s, x) => s + utf8(x), 0);
  if (v.NS !== undefined) return v.NS.reduce((s, x) => s + numberSize(x), 0);
  if (v.BS !== undefined) return v.BS.reduce((s, x) => s + x.byteLength, 0);
  if (v.M !== undefined) {
    const entries = Object.entries(v.M);
    return 3 + entries.length + entries.reduce((s, [k, x]) => s + utf8(k) + valueSize(x), 0);
  }
  if (v.L !== undefined) return 3 + v.L.length + v.L.reduce((s, x) => s + valueSize(x), 0);
  return 0;
}

export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((s, [k, v]) => s + utf8(k) + valueSize(v), 0);
}

/** The attributes that weigh most, for the report (name -> bytes including the name). */
export function largestAttributes(item: Record<string, AttributeValue>, n = 3): { name: string; bytes: number }[] {
  return Object.entries(item)
    .map(([k, v]) => ({ name: k, bytes: utf8(k) + valueSize(v) }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, n);
}
