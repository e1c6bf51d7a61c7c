// Size and color codes named like Object.prototype members (constructor, toString, __proto__) are
// data like any other in the domain computations: only own properties of a BOM's maps count.
import { describe, expect, it } from 'vitest';
import { computeMaterials } from '../../shared/materials.js';
import type { BomLine } from '../../shared/types.js';

// As JSON.parse makes them: `__proto__` an own key, not the prototype.
const consumption = JSON.parse('{"__proto__": 2, "constructor": 3, "toString": 4}') as Record<string, number>;
const sizes = ['__proto__', 'constructor', 'toString'];

describe('materials with codes named like prototype members', () => {
  it('counts each size by its own consumption, keeps every size in the line', () => {
    const bom = [{ material: 'FAB', uom: 'm', consumption, wastagePct: 0, variants: 'match' }] as BomLine[];
    const [line] = computeMaterials({ sizes, colors: ['constructor'], quantities: [[1, 10, 100]] }, bom);
    expect(line).toMatchObject({ variant: 'constructor', garments: 111, net: 2 + 30 + 400 });
    expect(Object.entries(line.consumption as Record<string, number>)).toEqual([
      ['__proto__', 2],
      ['constructor', 3],
      ['toString', 4],
    ]);
    expect(JSON.parse(JSON.stringify(line)).consumption).toEqual(consumption);
  });

  it('an inherited member is no consumption and no variant: 409 BOM_INCOMPLETE naming the gap, not a crash', () => {
    const noToString = [{ material: 'FAB', uom: 'm', consumption: { M: 1 }, wastagePct: 0 }] as BomLine[];
    expect(() =>
      computeMaterials({ sizes: ['M', 'toString'], colors: ['NAVY'], quantities: [[1, 1]] }, noToString),
    ).toThrow(/no consumption for size toString/);
    const mapped = [
      { material: 'THREAD', uom: 'm', consumption: 1, wastagePct: 0, variants: { NAVY: 'BLUE' } },
    ] as BomLine[];
    expect(() => computeMaterials({ sizes: ['M'], colors: ['constructor'], quantities: [[1]] }, mapped)).toThrow(
      /no variant for color constructor/,
    );
    expect(() => computeMaterials({ sizes: ['M'], colors: ['__proto__'], quantities: [[1]] }, mapped)).toThrow(
      /no variant for color __proto__/,
    );
  });
});
