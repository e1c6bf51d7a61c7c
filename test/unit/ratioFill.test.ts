import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitRow } from '../../shared/batches.js';
import { apportion } from '../../shared/matrix.js';
import { parseRatio, ratioFill } from '../../shared/ratioFill.js';

const SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];

describe('apportion (largest remainder)', () => {
  it('shares exactly, each share within one unit of its quota, largest remainders first', () => {
    expect(apportion(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(apportion(10, [1, 2, 3, 3, 2, 1])).toEqual([1, 2, 2, 2, 2, 1]);
    expect(apportion(7, [60, 40])).toEqual([4, 3]);
    expect(apportion(0, [1, 2])).toEqual([0, 0]);
    expect(apportion(5, [0, 1, 0])).toEqual([0, 5, 0]);
    expect(() => apportion(3, [0, 0])).toThrow(/no weight/);
    expect(() => apportion(1.5, [1])).toThrow(/whole/);
  });

  it('property: sums to the total and stays within one unit of the exact quota', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 40 }),
        (total, weights) => {
          fc.pre(weights.some((w) => w > 0));
          const shares = apportion(total, weights);
          const sum = weights.reduce((a, b) => a + b, 0);
          expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
          shares.forEach((s, i) => {
            expect(Number.isInteger(s)).toBe(true);
            expect(Math.abs(s - (total * weights[i]) / sum)).toBeLessThan(1);
            if (weights[i] === 0) expect(s).toBe(0);
          });
        },
      ),
    );
  });

  it('is the rounding batch planning uses (splitRow still splits exactly)', () => {
    const rows = splitRow([10, 20, 30, 30, 20, 10], 50);
    expect(rows.map((r) => r.reduce((a, b) => a + b, 0))).toEqual([40, 40, 40]);
    expect(rows.reduce((acc, r) => acc.map((x, i) => x + r[i]))).toEqual([10, 20, 30, 30, 20, 10]);
  });
});

describe('ratio fill', () => {
  it('fills a total by a size ratio and a color split in %: exact, row by row', () => {
    const out = ratioFill({
      sizes: SIZES,
      colors: ['NAVY', 'RED', 'BLACK'],
      total: 1000,
      sizeRatio: '1:2:3:3:2:1',
      split: [
        { color: 'NAVY', value: 50 },
        { color: 'RED', value: 30 },
        { color: 'BLACK', value: 20 },
      ],
      splitBy: 'percent',
    });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.colorTotals).toEqual([500, 300, 200]);
    expect(out.matrix.quantities).toEqual([
      [42, 83, 125, 125, 83, 42],
      [25, 50, 75, 75, 50, 25],
      [17, 33, 50, 50, 33, 17],
    ]);
  });

  it('splits by pieces (the total is their sum) and leaves unlisted colors at 0', () => {
    const out = ratioFill({
      sizes: ['S', 'M', 'L'],
      colors: ['NAVY', 'RED'],
      sizeRatio: [1, 1, 1],
      split: [{ color: 'NAVY', value: 10 }],
      splitBy: 'pieces',
    });
    expect(out).toEqual({
      ok: true,
      colorTotals: [10, 0],
      matrix: {
        sizes: ['S', 'M', 'L'],
        colors: ['NAVY', 'RED'],
        quantities: [
          [4, 3, 3],
          [0, 0, 0],
        ],
      },
    });
  });

  it('says what is wrong, in words', () => {
    const bad = (over: Partial<Parameters<typeof ratioFill>[0]>) => {
      const out = ratioFill({
        sizes: SIZES,
        colors: ['NAVY', 'RED'],
        total: 100,
        sizeRatio: '1:2:3:3:2:1',
        split: [
          { color: 'NAVY', value: 60 },
          { color: 'RED', value: 40 },
        ],
        splitBy: 'percent',
        ...over,
      });
      return out.ok ? [] : out.problems;
    };
    expect(bad({})).toEqual([]);
    expect(bad({ sizeRatio: '1:2:3' })).toEqual(['The size ratio has 3 parts; this order has 6 sizes']);
    expect(bad({ sizeRatio: '1:x:3:3:2:1' })[0]).toMatch(/not a number/);
    expect(bad({ sizeRatio: '0:0:0:0:0:0' })).toEqual(['The size ratio is all zeros']);
    expect(bad({ split: [{ color: 'NAVY', value: 60 }] })).toEqual(['The color split adds up to 60%, not 100%']);
    expect(bad({ split: [{ color: 'PINK', value: 100 }] })).toContain('PINK is not a color of this order');
    expect(bad({ total: 10.5 })).toEqual(['The total must be a whole number']);
    expect(bad({ total: null })).toEqual(['Type the total to split']);
    const pieces = { splitBy: 'pieces' as const, split: [{ color: 'NAVY', value: 2.5 }] };
    expect(bad({ ...pieces, total: null })).toEqual(['NAVY: pieces are whole garments (2.5)']);
    const sum = { splitBy: 'pieces' as const, split: [{ color: 'NAVY', value: 20 }] };
    expect(bad(sum)).toEqual(['The pieces per color add up to 20, not the total 100']);
  });

  it('property: every row adds up to its color total, the matrix to the total', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 8 }),
        (ratio, split) => {
          fc.pre(ratio.some((r) => r > 0));
          const sizes = ratio.map((_, i) => `S${i}`);
          const colors = split.map((_, i) => `C${i}`);
          const out = ratioFill({
            sizes,
            colors,
            sizeRatio: ratio.join(':'),
            split: split.map((value, i) => ({ color: colors[i], value })),
            splitBy: 'pieces',
          });
          expect(out.ok).toBe(true);
          if (!out.ok) return;
          expect(out.colorTotals).toEqual(split);
          out.matrix.quantities.forEach((row, r) => {
            expect(row.reduce((a, b) => a + b, 0)).toBe(split[r]);
            expect(row.every((q, c) => ratio[c] > 0 || q === 0)).toBe(true);
          });
        },
      ),
    );
  });

  it('parses ratios written with colons, commas or spaces', () => {
    const p: string[] = [];
    expect(parseRatio('1 : 2 : 3', 3, p)).toEqual([1, 2, 3]);
    expect(parseRatio('1,2,3', 3, p)).toEqual([1, 2, 3]);
    expect(parseRatio('1 2 3', 3, p)).toEqual([1, 2, 3]);
    expect(p).toEqual([]);
  });
});
