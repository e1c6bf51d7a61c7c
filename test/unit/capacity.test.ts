// The capacity floor's item sizes (functions/store/metrics.ts): sizing the plain item the document
// client sends must give the size of the AttributeValues DynamoDB stores, by DynamoDB's rules.
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  itemSize,
  newUsage,
  numberSize,
  plainItemSize,
  readUnitsOf,
  writeUnitsOf,
} from '../../functions/store/metrics.js';

const opts = { removeUndefinedValues: true, convertClassInstanceToMap: true };

describe('capacity sizes', () => {
  it('numbers: one byte per two significant digits, plus one', () => {
    expect(numberSize('0')).toBe(2);
    expect(numberSize('7')).toBe(2);
    expect(numberSize('12')).toBe(2);
    expect(numberSize('123')).toBe(3);
    expect(numberSize('-1200')).toBe(2);
    expect(numberSize('0.0012345')).toBe(4);
    expect(numberSize('1e+21')).toBe(2);
  });

  it('a plain item sizes as its marshalled AttributeValues', () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(
        fc.string({ unit: 'grapheme' }),
        fc.integer({ min: -10_000_000, max: 10_000_000 }),
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
      ),
      node: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('list'), tie('map')),
      list: fc.array(
        tie('node').filter((x) => x !== undefined),
        { maxLength: 5 },
      ),
      map: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('node'), { maxKeys: 5 }),
    }));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), value.node), (item) => {
        const raw = marshall(item as Record<string, unknown>, opts);
        expect(plainItemSize(item as Record<string, unknown>)).toBe(itemSize(raw));
      }),
      { numRuns: 300 },
    );
  });

  it('units: 1 KB a write unit, 4 KB a read unit (half eventually consistent), at least one', () => {
    expect(writeUnitsOf(0)).toBe(1);
    expect(writeUnitsOf(1024)).toBe(1);
    expect(writeUnitsOf(1025)).toBe(2);
    expect(readUnitsOf(4096, true)).toBe(1);
    expect(readUnitsOf(4097, true)).toBe(2);
    expect(readUnitsOf(4097, false)).toBe(1);
    expect(readUnitsOf(0, false)).toBe(0.5);
  });

  it('a tally sizes floors only when asked', () => {
    expect(newUsage({ floor: true }).floor).toEqual({ readUnits: 0, writeUnits: 0 });
    expect(newUsage({ floor: false }).floor).toBeUndefined();
  });
});
