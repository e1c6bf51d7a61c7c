import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  LIMITS,
  addMatrices,
  cellValue,
  emptyMatrix,
  isCellQuantity,
  matrixTotal,
  parseMatrix,
  reshape,
  sameCells,
} from '../../shared/matrix.js';
import type { Matrix } from '../../shared/types.js';
import { Problems } from '../../shared/validate.js';

const codes = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** A random matrix with distinct sizes/colors drawn from small pools, so reshapes overlap. */
const arbMatrix: fc.Arbitrary<Matrix> = fc
  .tuple(
    fc.uniqueArray(fc.constantFrom('XS', 'S', 'M', 'L', 'XL', 'XXL', '3XL'), { minLength: 1, maxLength: 7 }),
    fc.uniqueArray(fc.constantFrom('NAVY', 'RED', 'BLACK', 'WHITE', 'GREY', 'OLIVE'), { minLength: 1, maxLength: 6 }),
  )
  .chain(([sizes, colors]) =>
    fc
      .array(
        fc.array(fc.integer({ min: 0, max: LIMITS.cellMax }), { minLength: sizes.length, maxLength: sizes.length }),
        {
          minLength: colors.length,
          maxLength: colors.length,
        },
      )
      .map((quantities) => ({ sizes, colors, quantities })),
  );

const arbLayout = fc.tuple(
  fc.uniqueArray(fc.constantFrom('XS', 'S', 'M', 'L', 'XL', 'XXL', '3XL', '4XL'), { minLength: 1, maxLength: 8 }),
  fc.uniqueArray(fc.constantFrom('NAVY', 'RED', 'BLACK', 'WHITE', 'GREY', 'OLIVE', 'PINK'), {
    minLength: 1,
    maxLength: 7,
  }),
);

function parse(value: unknown) {
  const p = new Problems();
  const m = parseMatrix(value, 'matrix', p);
  return { m, problems: p.list };
}

describe('emptyMatrix / matrixTotal / cellValue', () => {
  it('an empty matrix has one zero row per color, one column per size, and copies its inputs', () => {
    const sizes = ['S', 'M', 'L'];
    const colors = ['NAVY', 'RED'];
    const m = emptyMatrix(sizes, colors);
    expect(m).toEqual({
      sizes: ['S', 'M', 'L'],
      colors: ['NAVY', 'RED'],
      quantities: [
        [0, 0, 0],
        [0, 0, 0],
      ],
    });
    sizes.push('XL');
    expect(m.sizes).toEqual(['S', 'M', 'L']);
    expect(matrixTotal(m)).toBe(0);
  });

  it('the total adds every cell', () => {
    expect(
      matrixTotal({
        sizes: ['S', 'M'],
        colors: ['NAVY', 'RED'],
        quantities: [
          [10, 20],
          [5, 5],
        ],
      }),
    ).toBe(40);
  });

  it('total equals the sum of row sums (property)', () => {
    fc.assert(
      fc.property(arbMatrix, (m) => {
        const rows = m.quantities.map((r) => r.reduce((a, b) => a + b, 0));
        expect(matrixTotal(m)).toBe(rows.reduce((a, b) => a + b, 0));
        expect(matrixTotal(emptyMatrix(m.sizes, m.colors))).toBe(0);
      }),
    );
  });

  it('cellValue reads by color and size, undefined when either is unknown', () => {
    const m = {
      sizes: ['S', 'M'],
      colors: ['NAVY', 'RED'],
      quantities: [
        [10, 20],
        [5, 7],
      ],
    };
    expect(cellValue(m, 'RED', 'M')).toBe(7);
    expect(cellValue(m, 'NAVY', 'S')).toBe(10);
    expect(cellValue(m, 'GREEN', 'M')).toBeUndefined();
    expect(cellValue(m, 'RED', 'XL')).toBeUndefined();
  });
});

describe('reshape', () => {
  it('keeps common cells, zeroes new ones, drops removed ones, in the new order', () => {
    const m = {
      sizes: ['S', 'M', 'L'],
      colors: ['NAVY', 'RED'],
      quantities: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    };
    const r = reshape(m, ['L', 'XL', 'S'], ['RED', 'BLACK']);
    expect(r).toEqual({
      sizes: ['L', 'XL', 'S'],
      colors: ['RED', 'BLACK'],
      quantities: [
        [6, 0, 4],
        [0, 0, 0],
      ],
    });
    expect(m.quantities).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('keeps every cell present in both layouts and zeroes the rest (property)', () => {
    fc.assert(
      fc.property(arbMatrix, arbLayout, (m, [sizes, colors]) => {
        const r = reshape(m, sizes, colors);
        expect(r.sizes).toEqual(sizes);
        expect(r.colors).toEqual(colors);
        expect(r.quantities).toHaveLength(colors.length);
        for (const color of colors) {
          for (const size of sizes) {
            const before = cellValue(m, color, size);
            expect(cellValue(r, color, size)).toBe(before ?? 0);
          }
        }
      }),
    );
  });

  it('to the same layout is the identity, and reshaping back restores the common cells (property)', () => {
    fc.assert(
      fc.property(arbMatrix, arbLayout, (m, [sizes, colors]) => {
        expect(reshape(m, m.sizes, m.colors)).toEqual(m);
        const back = reshape(reshape(m, sizes, colors), m.sizes, m.colors);
        const kept = sizes.filter((s) => m.sizes.includes(s));
        const keptColors = colors.filter((c) => m.colors.includes(c));
        let expected = 0;
        for (const c of keptColors) for (const s of kept) expected += cellValue(m, c, s)!;
        expect(matrixTotal(back)).toBe(expected);
        expect(matrixTotal(back)).toBeLessThanOrEqual(matrixTotal(m));
      }),
    );
  });
});

describe('addMatrices / sameCells', () => {
  it('adds b onto a, laid out as a (cells b lacks count 0, cells only in b are ignored)', () => {
    const a = {
      sizes: ['S', 'M'],
      colors: ['NAVY', 'RED'],
      quantities: [
        [1, 2],
        [3, 4],
      ],
    };
    const b = {
      sizes: ['M', 'XL'],
      colors: ['RED', 'PINK'],
      quantities: [
        [10, 99],
        [99, 99],
      ],
    };
    expect(addMatrices(a, b)).toEqual({
      sizes: ['S', 'M'],
      colors: ['NAVY', 'RED'],
      quantities: [
        [1, 2],
        [3, 14],
      ],
    });
  });

  it('total of a sum is the sum of totals on the same layout (property)', () => {
    fc.assert(
      fc.property(arbMatrix, fc.integer({ min: 0, max: 1000 }), (a, k) => {
        const b = { ...a, quantities: a.quantities.map((row) => row.map(() => k)) };
        expect(matrixTotal(addMatrices(a, b))).toBe(matrixTotal(a) + matrixTotal(b));
      }),
    );
  });

  it('sameCells compares layout and quantities', () => {
    const a = { sizes: ['S', 'M'], colors: ['NAVY'], quantities: [[1, 2]] };
    expect(sameCells(a, { sizes: ['S', 'M'], colors: ['NAVY'], quantities: [[1, 2]] })).toBe(true);
    expect(sameCells(a, { sizes: ['M', 'S'], colors: ['NAVY'], quantities: [[2, 1]] })).toBe(false);
    expect(sameCells(a, { sizes: ['S', 'M'], colors: ['NAVY'], quantities: [[1, 3]] })).toBe(false);
    expect(sameCells(a, { sizes: ['S', 'M'], colors: ['RED'], quantities: [[1, 2]] })).toBe(false);
  });
});

describe('isCellQuantity', () => {
  it.each([0, 1, 500, LIMITS.cellMax])('accepts %j', (v) => expect(isCellQuantity(v)).toBe(true));
  it.each([-1, 1.5, LIMITS.cellMax + 1, Number.NaN, Number.POSITIVE_INFINITY, '5', null, undefined])(
    'refuses %j',
    (v) => expect(isCellQuantity(v)).toBe(false),
  );
});

describe('parseMatrix', () => {
  it('the limits are those of the contract', () => {
    expect(LIMITS).toEqual({ sizes: 100, colors: 500, cells: 20_000, cellMax: 10_000_000 });
  });

  it('accepts a well-formed matrix and returns a copy', () => {
    const input = {
      sizes: ['S', 'M'],
      colors: ['NAVY', 'RED'],
      quantities: [
        [10, 20],
        [5, 5],
      ],
    };
    const { m, problems } = parse(input);
    expect(problems).toEqual([]);
    expect(m).toEqual(input);
    input.quantities[0][0] = 999;
    expect(m!.quantities[0][0]).toBe(10);
  });

  it('quantities default to zeros', () => {
    expect(parse({ sizes: ['S'], colors: ['NAVY', 'RED'] }).m).toEqual({
      sizes: ['S'],
      colors: ['NAVY', 'RED'],
      quantities: [[0], [0]],
    });
  });

  it.each([null, [], 'S x NAVY', 5])('refuses a non-object %j on the field itself', (v) => {
    const { m, problems } = parse(v);
    expect(m).toBeUndefined();
    expect(problems.map((p) => p.field)).toEqual(['matrix']);
  });

  it('names sizes and colors when they are missing', () => {
    const { m, problems } = parse({ quantities: [] });
    expect(m).toBeUndefined();
    expect(problems.map((p) => p.field)).toEqual(['matrix.sizes', 'matrix.colors']);
  });

  it('accepts 100 sizes and 200 colors (20,000 cells), refuses 101 sizes and 501 colors', () => {
    expect(parse({ sizes: codes('S', 100), colors: codes('C', 200) }).problems).toEqual([]);
    const tooManySizes = parse({ sizes: codes('S', 101), colors: ['NAVY'] });
    expect(tooManySizes.problems).toEqual([{ field: 'matrix.sizes', message: 'must have at most 100 entries' }]);
    const tooManyColors = parse({ sizes: ['S'], colors: codes('C', 501) });
    expect(tooManyColors.problems).toEqual([{ field: 'matrix.colors', message: 'must have at most 500 entries' }]);
    expect(parse({ sizes: ['S'], colors: codes('C', 500) }).problems).toEqual([]);
  });

  it('refuses more than 20,000 cells even when sizes and colors are each within their limit', () => {
    const { m, problems } = parse({ sizes: codes('S', 100), colors: codes('C', 201) });
    expect(m).toBeUndefined();
    expect(problems).toEqual([
      { field: 'matrix', message: 'has 20100 cells (201 colors x 100 sizes); at most 20000 are allowed' },
    ]);
  });

  it('refuses unknown keys, so a typo of quantities is not read as a matrix of zeros', () => {
    const { m, problems } = parse({ sizes: ['S'], colors: ['NAVY'], quantity: [[5]], total: 5 });
    expect(m).toBeUndefined();
    expect(problems.map((p) => p.field)).toEqual(['matrix.quantity', 'matrix.total']);
  });

  it('refuses duplicate sizes and colors by index', () => {
    const { problems } = parse({ sizes: ['S', 'S'], colors: ['NAVY', 'RED', 'NAVY'] });
    expect(problems.map((p) => p.field)).toEqual(['matrix.sizes[1]', 'matrix.colors[2]']);
  });

  it('needs one row per color and one quantity per size', () => {
    expect(parse({ sizes: ['S', 'M'], colors: ['NAVY', 'RED'], quantities: [[1, 2]] }).problems).toEqual([
      { field: 'matrix.quantities', message: 'must have one row per color (2 rows)' },
    ]);
    expect(parse({ sizes: ['S', 'M'], colors: ['NAVY'], quantities: 'x' }).problems.map((p) => p.field)).toEqual([
      'matrix.quantities',
    ]);
    expect(parse({ sizes: ['S', 'M'], colors: ['NAVY', 'RED'], quantities: [[1, 2], [3]] }).problems).toEqual([
      { field: 'matrix.quantities[1]', message: 'must have one quantity per size (2)' },
    ]);
    expect(
      parse({ sizes: ['S', 'M'], colors: ['NAVY', 'RED'], quantities: [null, [1, 2]] }).problems.map((p) => p.field),
    ).toEqual(['matrix.quantities[0]']);
  });

  it('names each bad cell with its color and size: negative, fractional, too big, not a number', () => {
    const { m, problems } = parse({
      sizes: ['S', 'M', 'L'],
      colors: ['NAVY', 'RED'],
      quantities: [
        [-1, 2.5, LIMITS.cellMax + 1],
        [LIMITS.cellMax, '3', null],
      ],
    });
    expect(m).toBeUndefined();
    expect(problems.map((p) => p.field)).toEqual([
      'matrix.quantities[0][0]',
      'matrix.quantities[0][1]',
      'matrix.quantities[0][2]',
      'matrix.quantities[1][1]',
      'matrix.quantities[1][2]',
    ]);
    expect(problems[0].message).toBe('must be a whole number from 0 to 10000000 (color NAVY, size S)');
    expect(problems[4].message).toContain('color RED, size L');
  });

  it('accepts the largest cell value', () => {
    expect(parse({ sizes: ['S'], colors: ['NAVY'], quantities: [[LIMITS.cellMax]] }).problems).toEqual([]);
  });

  it('reports at most 20 bad cells one by one, then a count of the rest', () => {
    const { problems } = parse({ sizes: codes('S', 25), colors: ['NAVY'], quantities: [Array(25).fill(-1)] });
    expect(problems).toHaveLength(21);
    expect(problems.slice(0, 20).every((p) => p.field.startsWith('matrix.quantities[0]['))).toBe(true);
    expect(problems[20]).toEqual({ field: 'matrix.quantities', message: '5 more cells are invalid' });
  });

  it('is not fooled by problems recorded before it', () => {
    const p = new Problems();
    p.add('deliveryDate', 'is bad');
    const m = parseMatrix({ sizes: ['S'], colors: ['NAVY'], quantities: [[1]] }, 'matrix', p);
    expect(m).toEqual({ sizes: ['S'], colors: ['NAVY'], quantities: [[1]] });
    expect(p.list).toHaveLength(1);
  });

  it('accepts every well-formed matrix unchanged (property)', () => {
    fc.assert(
      fc.property(arbMatrix, (input) => {
        const { m, problems } = parse(input);
        expect(problems).toEqual([]);
        expect(m).toEqual(input);
      }),
    );
  });

  it('refuses any matrix with one out-of-range or fractional cell, naming that cell (property)', () => {
    const bad = fc.oneof(
      fc.integer({ max: -1 }),
      fc.integer({ min: LIMITS.cellMax + 1 }),
      fc.double({ min: 0.01, max: 1000, noInteger: true }),
    );
    fc.assert(
      fc.property(arbMatrix, fc.nat(), fc.nat(), bad, (input, r0, c0, v) => {
        const r = r0 % input.colors.length;
        const c = c0 % input.sizes.length;
        const q = input.quantities.map((row) => [...row]);
        q[r][c] = v;
        const { m, problems } = parse({ ...input, quantities: q });
        expect(m).toBeUndefined();
        expect(problems.map((p) => p.field)).toEqual([`matrix.quantities[${r}][${c}]`]);
      }),
    );
  });
});
