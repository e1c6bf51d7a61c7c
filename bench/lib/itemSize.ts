// DynamoDB's item size, computed from the raw (typed) item the way DynamoDB counts it against the
// 400 KB limit and capacity (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
//   - every attribute name (top level and map keys): its UTF-8 bytes;
//   - S: UTF-8 bytes; B: raw bytes; BOOL and NULL: 1 byte;
//   - N: 1 byte per two significant digits (leading and trailing zeros trimmed) + 1 byte;
//   - SS/NS/BS: the sum of their elements;
//   - M and L: 3 bytes of overhead + 1 byte per element, plus the elements themselves.
// The rules live in functions/store/metrics.ts (the capacity floor of every request is sized there).
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { itemSize, numberSize, valueSize } from '../../functions/store/metrics.js';

export { itemSize, numberSize, valueSize };

export const ITEM_LIMIT_BYTES = 400 * 1024;

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** The attributes that weigh most, for the report (name -> bytes including the name). */
export function largestAttributes(item: Record<string, AttributeValue>, n = 3): { name: string; bytes: number }[] {
  return Object.entries(item)
    .map(([k, v]) => ({ name: k, bytes: utf8(k) + valueSize(v) }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, n);
}
