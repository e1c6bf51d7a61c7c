// How matrices sit in items: packed, all-zero as '', the earlier text format still readable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMatrix, decodeQuantities, encodeMatrix, encodeQuantities } from '../../functions/store/codec.js';

describe('matrix storage', () => {
  it('round-trips any matrix within the limits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 400, maxLength: 400 }),
        (rows, cols, pool) => {
          const quantities = Array.from({ length: rows }, (_, r) =>
            Array.from({ length: cols }, (_, c) => pool[(r * cols + c) % pool.length]),
          );
          const m = {
            sizes: Array.from({ length: cols }, (_, i) => `S${i}`),
            colors: Array.from({ length: rows }, (_, i) => `C${i}`),
            quantities,
          };
          expect(decodeMatrix(encodeMatrix(m))).toEqual(m);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stores all zeros as an empty string and reads it back shaped', () => {
    expect(
      encodeQuantities([
        [0, 0],
        [0, 0],
        [0, 0],
      ]),
    ).toBe('');
    expect(decodeQuantities('', 3, 2)).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  it('still reads the earlier text format', () => {
    expect(decodeQuantities('10,20;5,5', 2, 2)).toEqual([
      [10, 20],
      [5, 5],
    ]);
  });

  it('keeps a 20,000-cell matrix of large quantities far below the 400 KB item limit', () => {
    const quantities = Array.from({ length: 200 }, (_, r) =>
      Array.from({ length: 100 }, (_, c) => 9_000_000 + ((r * 7919 + c * 104_729) % 999_999)),
    );
    const stored = encodeQuantities(quantities);
    expect(stored).toBeInstanceOf(Uint8Array);
    expect((stored as Uint8Array).length).toBeLessThan(90_000);
    expect(decodeQuantities(stored, 200, 100)).toEqual(quantities);
  });
});
