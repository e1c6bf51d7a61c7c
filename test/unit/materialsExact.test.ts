// computeMaterials sums qty x consumption in Numbers while exact and in BigInt beyond 2^53: the result
// must equal the plain BigInt sum either way (shared/materials.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMaterials, divHalfUp, fromScaled, toScaled } from '../../shared/materials.js';
import type { BomLine } from '../../shared/types.js';

const sizes = ['S', 'M', 'L'];
const colors = ['NAVY', 'RED'];

function reference(quantities: number[][], consumption: Record<string, number>): number {
  let micro = 0n;
  for (const row of quantities) row.forEach((q, c) => (micro += BigInt(q) * toScaled(consumption[sizes[c]], 6)));
  return fromScaled(divHalfUp(micro, 1000n), 3);
}

describe('computeMaterials: exact past 2^53', () => {
  it('nets equal the BigInt sum, for small and huge products alike', () => {
    const qty = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1_000_000, max: 10_000_000 }));
    const cons = fc.oneof(
      fc.integer({ min: 0, max: 5000 }).map((x) => x / 1000),
      fc.integer({ min: 1, max: 999_999_999 }).map((x) => x / 1000),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(qty, { minLength: 3, maxLength: 3 }), { minLength: 2, maxLength: 2 }),
        fc.tuple(cons, cons, cons),
        (quantities, [s, m, l]) => {
          fc.pre(quantities.flat().some((q) => q > 0));
          const consumption = { S: s, M: m, L: l };
          const bom: BomLine[] = [{ material: 'FAB', uom: 'm', consumption, wastagePct: 0 } as BomLine];
          const [line] = computeMaterials({ sizes, colors, quantities }, bom);
          expect(line.net).toBe(reference(quantities, consumption));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a product beyond 2^53 is exact', () => {
    const quantities = [
      [9_000_000, 9_000_000, 9_000_000],
      [9_000_000, 0, 1],
    ];
    const consumption = { S: 999_999.123456, M: 987_654.321, L: 1.000001 };
    const bom: BomLine[] = [{ material: 'FAB', uom: 'm', consumption, wastagePct: 0 } as BomLine];
    const [line] = computeMaterials({ sizes, colors, quantities }, bom);
    expect(9_000_000 * 999_999_123_456).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    expect(line.net).toBe(reference(quantities, consumption));
  });
});
