import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  computeMaterials,
  divHalfUp,
  fromScaled,
  lineFigures,
  materialsSummary,
  purchaseOf,
  toScaled,
  type BomRecord,
} from '../../shared/materials.js';
import type { BomLine } from '../../shared/types.js';
import { NOW, matrix, order, thrown } from './fixtures.js';

const line = (over: Partial<BomLine> = {}): BomLine => ({
  material: 'FAB',
  uom: 'm',
  consumption: 1,
  wastagePct: 0,
  ...over,
});
/** NAVY 10/20/30, RED 0/50/50 over S/M/L: 160 garments. */
const M = matrix(
  ['S', 'M', 'L'],
  ['NAVY', 'RED'],
  [
    [10, 20, 30],
    [0, 50, 50],
  ],
);

describe('exact decimals', () => {
  it('reads numbers as the decimals they were written as', () => {
    expect(toScaled(1.35, 6)).toBe(1_350_000n);
    expect(toScaled(0.1, 6)).toBe(100_000n);
    expect(toScaled(5, 4)).toBe(50_000n);
    expect(toScaled(2.5, 4)).toBe(25_000n);
    expect(toScaled(0, 6)).toBe(0n);
    expect(toScaled(1e-7, 6)).toBe(0n);
    expect(toScaled(5e-7, 6)).toBe(1n); // half-up past the last kept decimal
    expect(toScaled(123.4567895, 6)).toBe(123_456_790n);
    expect(toScaled(123.4567894, 6)).toBe(123_456_789n);
    expect(toScaled(1.5e21, 0)).toBe(1_500_000_000_000_000_000_000n);
    expect(() => toScaled(-1, 6)).toThrow();
  });

  it('half-up division and printing', () => {
    expect(divHalfUp(1_500n, 1_000n)).toBe(2n);
    expect(divHalfUp(1_499n, 1_000n)).toBe(1n);
    expect(fromScaled(13_500_000n, 3)).toBe(13_500);
    expect(fromScaled(14_175_525n, 3)).toBe(14_175.525);
    expect(fromScaled(5n, 3)).toBe(0.005);
  });

  it('10,000 garments x 1.35 m is exactly 13,500 m (binary floating point would not be)', () => {
    let drift = 0;
    for (let i = 0; i < 10_000; i++) drift += 1.35; // adding garment by garment in floating point
    expect(drift).not.toBe(13_500); // 13500.00000000234: what this module avoids
    expect(3 * 1.1).not.toBe(3.3);
    expect(computeMaterials(matrix(['S'], ['NAVY'], [[3]]), [line({ consumption: 1.1 })])[0].net).toBe(3.3);
    const [l] = computeMaterials(matrix(['M'], ['NAVY'], [[10_000]]), [
      line({ consumption: 1.35, wastagePct: 5, purchaseMultiple: 50 }),
    ]);
    expect(l).toMatchObject({ net: 13_500, gross: 14_175, purchase: 14_200 });
  });

  it('net and gross round half-up to 3 decimals; gross starts from the rounded net', () => {
    expect(lineFigures(500n, 0, undefined)).toEqual({ net: 1n, gross: 1n, purchase: 1_000n }); // 0.0005 -> 0.001
    expect(lineFigures(499n, 0, undefined).net).toBe(0n); // 0.000499 -> 0.000
    // net 0.001 (from 0.0005), +50%: 0.0015 -> 0.002 (from the exact 0.00075 it would be 0.001)
    expect(lineFigures(500n, 50, undefined).gross).toBe(2n);
    // 3 garments x 0.3333 = 0.9999 m; +10% = 1.09989 -> 1.100
    const [l] = computeMaterials(matrix(['S'], ['NAVY'], [[3]]), [line({ consumption: 0.3333, wastagePct: 10 })]);
    expect(l).toMatchObject({ net: 1, gross: 1.1, purchase: 1.1 });
  });

  it('purchase: gross rounded up to the purchase multiple (gross itself without one)', () => {
    const buy = (net: number, multiple?: number, wastagePct = 0) =>
      fromScaled(lineFigures(toScaled(net, 6), wastagePct, multiple).purchase, 6);
    expect(buy(100, 50)).toBe(100);
    expect(buy(100.001, 50)).toBe(150);
    expect(buy(10.2, 0.5)).toBe(10.5);
    expect(buy(10.5, 0.5)).toBe(10.5);
    expect(buy(7, 2.5)).toBe(7.5);
    expect(buy(12.345)).toBe(12.345);
    expect(buy(0, 50)).toBe(0);
    expect(buy(95, 50, 5.5)).toBe(150); // 95 x 1.055 = 100.225 -> 150
  });

  it('property: with whole-cent consumptions the net is exact, and purchase is the smallest multiple not below gross', () => {
    const arb = fc.record({
      qty: fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 6 }),
      cents: fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 6, maxLength: 6 }),
      wastage: fc.integer({ min: 0, max: 100 }),
      multiple: fc.integer({ min: 1, max: 1_000 }),
    });
    fc.assert(
      fc.property(arb, ({ qty, cents, wastage, multiple }) => {
        const sizes = qty.map((_, i) => `S${i}`);
        const consumption = Object.fromEntries(sizes.map((s, i) => [s, cents[i] / 100]));
        const lines = computeMaterials(matrix(sizes, ['NAVY'], [qty]), [
          line({ consumption, wastagePct: wastage, purchaseMultiple: multiple }),
        ]);
        const netCents = qty.reduce((acc, q, i) => acc + BigInt(q) * BigInt(cents[i]), 0n);
        if (qty.every((q) => q === 0)) {
          expect(lines).toEqual([]);
          return;
        }
        expect(toScaled(lines[0].net, 3)).toBe(netCents * 10n);
        // gross = net x (100 + w) / 100 exactly in tenths of a milli-unit: rounding only at the 3rd decimal
        expect(toScaled(lines[0].gross, 3)).toBe(divHalfUp(netCents * 10n * BigInt(100 + wastage), 100n));
        const gross = toScaled(lines[0].gross, 3);
        const purchase = toScaled(lines[0].purchase, 3);
        expect(purchase % (BigInt(multiple) * 1000n)).toBe(0n);
        expect(purchase >= gross).toBe(true);
        expect(purchase - gross < BigInt(multiple) * 1000n).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('lines per BOM line and material variant', () => {
  it('the README example: per-size consumption, `match` variants, a line without variants', () => {
    const lines = computeMaterials(M, [
      line({
        material: 'FAB-JERSEY',
        consumption: { S: 1.1, M: 1.2, L: 1.35 },
        wastagePct: 5,
        variants: 'match',
        purchaseMultiple: 50,
      }),
      line({ material: 'LABEL-CARE', uom: 'pc', consumption: 1, wastagePct: 2 }),
    ]);
    expect(
      lines.map(({ material, variant, garments, net, gross, purchase }) => ({
        material,
        variant,
        garments,
        net,
        gross,
        purchase,
      })),
    ).toEqual([
      // NAVY: 10 x 1.1 + 20 x 1.2 + 30 x 1.35 = 11 + 24 + 40.5 = 75.5; x 1.05 = 79.275; up to 50 -> 100
      { material: 'FAB-JERSEY', variant: 'NAVY', garments: 60, net: 75.5, gross: 79.275, purchase: 100 },
      // RED: 50 x 1.2 + 50 x 1.35 = 60 + 67.5 = 127.5; x 1.05 = 133.875; -> 150
      { material: 'FAB-JERSEY', variant: 'RED', garments: 100, net: 127.5, gross: 133.875, purchase: 150 },
      // every garment: 160 x 1 = 160; x 1.02 = 163.2; no multiple
      { material: 'LABEL-CARE', variant: 'LABEL-CARE', garments: 160, net: 160, gross: 163.2, purchase: 163.2 },
    ]);
    expect(lines[0]).toMatchObject({
      line: 0,
      uom: 'm',
      wastagePct: 5,
      purchaseMultiple: 50,
      consumption: { S: 1.1, M: 1.2, L: 1.35 },
    });
    expect(lines[2]).toMatchObject({ line: 1, uom: 'pc', purchaseMultiple: null });
    // a stored map comes back in any key order: answered in the order's size order
    const [shuffled] = computeMaterials(M, [line({ consumption: { L: 1.35, S: 1.1, M: 1.2 } })]);
    expect(Object.keys(shuffled.consumption!)).toEqual(['S', 'M', 'L']);
  });

  it('an explicit variant map; colors mapped to the same variant add up', () => {
    const m = matrix(['S'], ['NAVY', 'RED', 'BLACK'], [[1], [2], [4]]);
    const lines = computeMaterials(m, [
      line({ material: 'THREAD', variants: { NAVY: 'THR-DARK', BLACK: 'THR-DARK', RED: 'THR-RED' }, consumption: 100 }),
    ]);
    expect(lines.map((l) => [l.variant, l.garments, l.net])).toEqual([
      ['THR-DARK', 5, 500],
      ['THR-RED', 2, 200],
    ]);
  });

  it('appliesTo leaves the other colors out (and they need no variant)', () => {
    const lines = computeMaterials(M, [
      line({ material: 'PRINT', appliesTo: ['RED'], variants: { RED: 'INK-WHITE' }, consumption: 0.02 }),
    ]);
    expect(lines).toEqual([expect.objectContaining({ variant: 'INK-WHITE', garments: 100, net: 2 })]);
  });

  it('colors and sizes without garments are not needed and give no line', () => {
    const m = matrix(
      ['S', 'XL'],
      ['NAVY', 'RED'],
      [
        [5, 0],
        [0, 0],
      ],
    );
    const lines = computeMaterials(m, [line({ consumption: { S: 1 }, variants: { NAVY: 'FAB-N' } })]);
    expect(lines).toEqual([expect.objectContaining({ variant: 'FAB-N', net: 5 })]);
    expect(computeMaterials(matrix(['S'], ['NAVY'], [[0]]), [line()])).toEqual([]);
  });

  it('409 BOM_INCOMPLETE instead of a silent 0: a size without consumption, a color without a variant', () => {
    const m = matrix(
      ['S', 'M', 'XL'],
      ['NAVY', 'RED'],
      [
        [1, 1, 2],
        [1, 0, 0],
      ],
    );
    const e = thrown(() =>
      computeMaterials(m, [
        line({ material: 'FAB', consumption: { S: 1, M: 1 } }),
        line({ material: 'TRIM', variants: { NAVY: 'TRIM-N' } }),
      ]),
    );
    expect(e.status).toBe(409);
    expect(e.code).toBe('BOM_INCOMPLETE');
    expect(e.details).toEqual({
      problems: [
        {
          line: 0,
          material: 'FAB',
          size: 'XL',
          message: 'has no consumption for size XL, which 2 garment(s) of this order need',
        },
        {
          line: 1,
          material: 'TRIM',
          color: 'RED',
          message: 'has no variant for color RED (add it to variants, or leave the color out with appliesTo)',
        },
      ],
    });
    expect(e.message).toContain('line 0 (FAB)');
  });

  it('BOM lines of the same material, variant and uom are summed before rounding: 450 m + 350 m of thread on 1,000 m cones is one cone', () => {
    const thread = (consumption: number, purchaseMultiple?: number) =>
      line({ material: 'THREAD-40', uom: 'm', consumption, wastagePct: 0, purchaseMultiple });
    // 10 garments: 45 m a garment for the seams, 35 m for the hems.
    const lines = computeMaterials(matrix(['S'], ['NAVY'], [[10]]), [thread(45, 1000), thread(35, 1000)]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      line: 0,
      lines: [0, 1],
      material: 'THREAD-40',
      variant: 'THREAD-40',
      garments: 10,
      net: 800,
      gross: 800,
      purchase: 1000,
    });
    expect(lines[0].sources).toEqual([
      { line: 0, garments: 10, consumption: 45, wastagePct: 0, net: 450, gross: 450 },
      { line: 1, garments: 10, consumption: 35, wastagePct: 0, net: 350, gross: 350 },
    ]);
    // One line alone keeps its consumption and wastage at the top and has no sources.
    const [single] = computeMaterials(matrix(['S'], ['NAVY'], [[10]]), [thread(45, 1000)]);
    expect(single).toMatchObject({ lines: [0], consumption: 45, wastagePct: 0, purchase: 1000 });
    expect(single.sources).toBeUndefined();
  });

  it('only the same material, variant AND uom are summed; each line keeps its own wastage', () => {
    const m = matrix(['S'], ['NAVY', 'RED'], [[10], [20]]);
    const lines = computeMaterials(m, [
      line({ material: 'FAB', uom: 'm', consumption: 1, wastagePct: 10, variants: 'match' }),
      line({ material: 'FAB', uom: 'kg', consumption: 0.2, wastagePct: 0 }),
      line({ material: 'FAB', uom: 'm', consumption: 0.5, wastagePct: 0, appliesTo: ['RED'], variants: 'match' }),
    ]);
    expect(lines.map((l) => [l.material, l.variant, l.uom, l.lines, l.garments, l.net, l.gross])).toEqual([
      ['FAB', 'NAVY', 'm', [0], 10, 10, 11],
      // RED: line 0 20 m + 10% = 22, line 2 10 m + 0% = 10: net 30, gross 32
      ['FAB', 'RED', 'm', [0, 2], 20, 30, 32],
      ['FAB', 'FAB', 'kg', [1], 30, 6, 6],
    ]);
  });

  it('minimumOrderQty is a floor, distinct from the multiple: max(gross, MOQ) rounded up to the multiple', () => {
    const buy = (consumption: number, extra: Partial<BomLine>) =>
      computeMaterials(matrix(['S'], ['NAVY'], [[10]]), [line({ consumption, wastagePct: 0, ...extra })])[0].purchase;
    expect(buy(3, { minimumOrderQty: 100 })).toBe(100); // 30 needed, the supplier sells at least 100
    expect(buy(30, { minimumOrderQty: 100 })).toBe(300); // above the floor: the floor does nothing
    expect(buy(3, { minimumOrderQty: 120, purchaseMultiple: 50 })).toBe(150); // at least 120, in rolls of 50
    expect(buy(3, { purchaseMultiple: 50 })).toBe(50); // a multiple alone rounds up
    expect(buy(0, { minimumOrderQty: 100 })).toBe(0); // nothing needed: nothing bought
    expect(
      computeMaterials(matrix(['S'], ['NAVY'], [[10]]), [line({ consumption: 3, minimumOrderQty: 100 })])[0]
        .minimumOrderQty,
    ).toBe(100);
    expect(fromScaled(purchaseOf(30_000n, null, 100), 6)).toBe(100);
  });

  it('summed lines that disagree: the largest multiple and the largest minimum count (documented)', () => {
    const lines = computeMaterials(matrix(['S'], ['NAVY'], [[10]]), [
      line({ material: 'THREAD', consumption: 45, wastagePct: 0, purchaseMultiple: 500, minimumOrderQty: 1000 }),
      line({ material: 'THREAD', consumption: 35, wastagePct: 0, purchaseMultiple: 1000 }),
      line({ material: 'THREAD', consumption: 100, wastagePct: 0, minimumOrderQty: 2500 }),
    ]);
    // net 450 + 350 + 1,000 = 1,800; at least 2,500; cones of 1,000 -> 3,000
    expect(lines).toEqual([
      expect.objectContaining({
        lines: [0, 1, 2],
        net: 1800,
        gross: 1800,
        purchaseMultiple: 1000,
        minimumOrderQty: 2500,
        purchase: 3000,
      }),
    ]);
  });

  it('property: summing never buys more than rounding each line apart, and covers the summed gross', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 2000 }),
        (metres, multiple) => {
          const bom = metres.map((cm) =>
            line({ material: 'THREAD', consumption: cm / 100, wastagePct: 0, purchaseMultiple: multiple }),
          );
          const [summed] = computeMaterials(matrix(['S'], ['NAVY'], [[1]]), bom);
          const apart = metres.reduce(
            (n, cm) =>
              n + computeMaterials(matrix(['S'], ['NAVY'], [[1]]), [{ ...bom[0], consumption: cm / 100 }])[0].purchase,
            0,
          );
          expect(summed.purchase).toBeLessThanOrEqual(apart + 1e-9);
          expect(summed.purchase).toBeGreaterThanOrEqual(summed.gross);
          expect(summed.purchase - summed.gross).toBeLessThan(multiple);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('materialsSummary: stale and pinned', () => {
  const record = (bomRevision: number): BomRecord => ({
    techPackId: 'tp-1',
    bomRevision,
    bom: [line({ consumption: 2 })],
    source: 'read',
    recordedAt: NOW,
    recordedBy: 'ana@example.com',
  });

  it('fresh while the tech pack is at the recorded revision, stale once it moved past', () => {
    const o = order();
    expect(materialsSummary(o, record(2), 2)).toMatchObject({
      bomRevision: 2,
      techPackBomRevision: 2,
      stale: false,
      pinned: false,
      orderId: 'po-1',
    });
    expect(materialsSummary(o, record(2), 3)).toMatchObject({
      bomRevision: 2,
      techPackBomRevision: 3,
      stale: true,
      pinned: false,
    });
    expect(materialsSummary(o, record(2), 3).lines[0]).toMatchObject({ net: 120 }); // the recorded BOM still: 60 x 2
  });

  it('after release: pinned to releasedBomRevision, never stale from later BOM edits', () => {
    const o = order({ state: 'Released', releasedBomRevision: 2 });
    expect(materialsSummary(o, record(2), 5)).toMatchObject({
      bomRevision: 2,
      techPackBomRevision: 5,
      stale: false,
      pinned: true,
    });
    expect(materialsSummary(o, record(1), 5)).toMatchObject({ stale: true });
  });
});
