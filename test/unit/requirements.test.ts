// Material requirements across orders: the netting and the dates (shared/requirements.ts), with
// numbers worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { purchaseOf } from '../../shared/materials.js';
import {
  addDays,
  grossLines,
  parseRawMaterialPut,
  requirementLines,
  type GrossLine,
  type OrderRequirement,
  type RawMaterial,
} from '../../shared/requirements.js';
import type { BomLine } from '../../shared/types.js';
import { badFields, matrix } from './fixtures.js';

const line = (
  material: string,
  variant: string,
  uom: string,
  gross: number,
  over: Partial<GrossLine> = {},
): GrossLine => ({
  material,
  variant,
  uom,
  gross,
  purchaseMultiple: null,
  minimumOrderQty: null,
  ...over,
});

const req = (
  over: Partial<OrderRequirement> & Pick<OrderRequirement, 'orderId' | 'state' | 'lines'>,
): OrderRequirement => ({
  techPackId: 'TP-000001',
  deliveryDate: '2027-03-01',
  bomRevision: 2,
  pinned: false,
  incomplete: false,
  ...over,
});

const rawMaterial = (material: string, leadTimeDays: number, variants: RawMaterial['variants']): RawMaterial => ({
  material,
  leadTimeDays,
  variants,
  version: 1,
  updatedAt: null,
  updatedBy: null,
});

describe('one order: gross per material, variant and uom', () => {
  // S, M x NAVY 10/20, RED 5/5, WHITE 0/10: 30 + 10 + 10 = 50 garments.
  const m = matrix(
    ['S', 'M'],
    ['NAVY', 'RED', 'WHITE'],
    [
      [10, 20],
      [5, 5],
      [0, 10],
    ],
  );

  it('maps colors to variants, applies lines to some colors only, and adds up lines of the same three', () => {
    const bom: BomLine[] = [
      // NAVY and WHITE share a fabric variant: 40 garments x 1 m = 40, +10% = 44; RED 10 -> 11.
      {
        material: 'FAB',
        uom: 'm',
        consumption: 1,
        wastagePct: 10,
        variants: { NAVY: 'FAB-NVY', RED: 'FAB-RED', WHITE: 'FAB-NVY' },
        purchaseMultiple: 50,
      },
      // Only RED: 10 garments x 0.01 cone.
      { material: 'THREAD', uom: 'cone', consumption: 0.01, wastagePct: 0, appliesTo: ['RED'] },
      // Two label lines, same material/variant/uom: 50 + 30 (NAVY only) = 80.
      { material: 'LABEL', uom: 'pc', consumption: 1, wastagePct: 0 },
      { material: 'LABEL', uom: 'pc', consumption: 1, wastagePct: 0, appliesTo: ['NAVY'], purchaseMultiple: 100 },
      // `match`: the garment color's code.
      {
        material: 'BTN',
        uom: 'pc',
        consumption: { S: 2, M: 3 },
        wastagePct: 0,
        variants: 'match',
        appliesTo: ['WHITE'],
      },
    ];
    const { lines, incomplete } = grossLines(m, bom);
    expect(incomplete).toBe(false);
    expect(lines).toEqual([
      line('FAB', 'FAB-NVY', 'm', 44, { purchaseMultiple: 50 }),
      line('FAB', 'FAB-RED', 'm', 11, { purchaseMultiple: 50 }),
      line('THREAD', 'THREAD', 'cone', 0.1),
      line('LABEL', 'LABEL', 'pc', 80, { purchaseMultiple: 100 }),
      line('BTN', 'WHITE', 'pc', 30),
    ]);
  });

  it('a line that does not cover the order counts nothing and marks it incomplete; the others still count', () => {
    const { lines, incomplete } = grossLines(m, [
      { material: 'FAB', uom: 'm', consumption: { S: 1 }, wastagePct: 0 },
      { material: 'LABEL', uom: 'pc', consumption: 1, wastagePct: 0 },
    ]);
    expect(incomplete).toBe(true);
    expect(lines).toEqual([line('LABEL', 'LABEL', 'pc', 50)]);
  });
});

describe('across orders: netting and dates', () => {
  const orders: OrderRequirement[] = [
    req({
      orderId: 'PO-A',
      state: 'Draft',
      deliveryDate: '2027-03-01',
      bomRevision: 1,
      lines: [line('FAB', 'NVY', 'm', 44, { purchaseMultiple: 50 }), line('ZIP', 'ZIP', 'pc', 60)],
    }),
    req({
      orderId: 'PO-B',
      state: 'Planned',
      deliveryDate: '2027-02-01',
      lines: [line('FAB', 'NVY', 'm', 100.5, { purchaseMultiple: 50 })],
    }),
    req({
      orderId: 'PO-C',
      state: 'Released',
      deliveryDate: '2027-04-01',
      bomRevision: 1,
      pinned: true,
      lines: [line('FAB', 'NVY', 'm', 10)],
    }),
    req({ orderId: 'PO-D', state: 'Completed', deliveryDate: '2027-01-01', lines: [line('FAB', 'NVY', 'm', 1000)] }),
    req({ orderId: 'PO-E', state: 'Cancelled', deliveryDate: '2027-01-01', lines: [line('FAB', 'NVY', 'm', 1000)] }),
    req({ orderId: 'PO-F', state: 'InProgress', deliveryDate: null, lines: [line('LABEL', 'LABEL', 'pc', 7)] }),
  ];
  const supply = new Map([
    [
      'FAB',
      rawMaterial('FAB', 30, [
        {
          variant: 'NVY',
          uom: 'm',
          onHand: 20,
          onOrder: [
            { qty: 50, eta: '2027-01-10' },
            { qty: 100, eta: '2027-01-30' },
          ],
        },
      ]),
    ],
    ['ZIP', rawMaterial('ZIP', 60, [])],
    [
      'LABEL',
      rawMaterial('LABEL', 5, [{ variant: 'LABEL', uom: 'pc', onHand: 3, onOrder: [{ qty: 1, eta: '2030-01-01' }] }]),
    ],
  ]);
  const techPackRevisions = new Map([['TP-000001', 2]]);
  const all = requirementLines({ orders, supply, techPackRevisions, productionLeadDays: 14 });

  it('firm from Planned/Released/InProgress, tentative from Drafts; Completed and Cancelled count nothing', () => {
    const fab = all.find((l) => l.material === 'FAB')!;
    // firm: B 100.5 + C 10; tentative: A 44. D and E (1000 each) are not there.
    expect(fab.required).toEqual({ firm: 110.5, tentative: 44 });
    expect(fab.orders.map((o) => o.id)).toEqual(['PO-B', 'PO-A', 'PO-C']); // by delivery date
    expect(fab.orders[0]).toEqual({ id: 'PO-B', state: 'Planned', deliveryDate: '2027-02-01', gross: 100.5 });
  });

  it('needBy, orderBy, what arrives in time, net and purchase', () => {
    const fab = all.find((l) => l.material === 'FAB')!;
    // Earliest delivery 2027-02-01 (B) - 14 days = 2027-01-18; - 30 days lead time = 2026-12-19.
    expect(fab.needBy).toBe('2027-01-18');
    expect(fab.orderBy).toBe('2026-12-19');
    // Only the 50 arriving 2027-01-10 is in by needBy (not the 100 on 2027-01-30).
    expect(fab.onHand).toBe(20);
    expect(fab.onOrder).toBe(50);
    // 154.5 - 20 - 50 = 84.5, rounded up to the purchase multiple 50: 100.
    expect(fab.net).toBe(84.5);
    expect(fab.purchase).toBe(100);
  });

  it('stale when an unpinned order was computed from an older BOM revision than its tech pack has now', () => {
    // A (Draft, revision 1, tech pack now at 2) is stale; C is pinned to revision 1: not stale.
    expect(all.find((l) => l.material === 'FAB')!.stale).toBe(true);
    const pinnedOnly = requirementLines({
      orders: orders.slice(1, 3),
      supply,
      techPackRevisions,
      productionLeadDays: 14,
    });
    expect(pinnedOnly[0].stale).toBe(false);
  });

  it('long-lead first (orderBy ascending), no delivery date last', () => {
    // ZIP: A's 2027-03-01 - 14 = 2027-02-15, - 60 = 2026-12-17: before FAB's 2026-12-19.
    expect(all.map((l) => [l.material, l.orderBy])).toEqual([
      ['ZIP', '2026-12-17'],
      ['FAB', '2026-12-19'],
      ['LABEL', null],
    ]);
    const zip = all[0];
    expect(zip).toMatchObject({ onHand: 0, onOrder: 0, net: 60, purchase: 60, required: { firm: 0, tentative: 60 } });
    // Without a date to need it by, everything on order counts: 7 - 3 - 1 = 3.
    expect(all[2]).toMatchObject({ needBy: null, onOrder: 1, net: 3 });
  });

  it('filters by state and material', () => {
    const drafts = requirementLines({
      orders,
      supply,
      techPackRevisions,
      productionLeadDays: 14,
      states: ['Draft'],
      material: 'FAB',
    });
    // Only A: needBy 2027-02-15, so both arrivals count: 44 - 20 - 150 < 0 -> 0.
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({
      required: { firm: 0, tentative: 44 },
      needBy: '2027-02-15',
      onOrder: 150,
      net: 0,
      purchase: 0,
    });
  });

  it('adds exactly and takes productionLeadDays from the settings', () => {
    const tiny = requirementLines({
      orders: [
        req({ orderId: 'PO-1', state: 'Draft', lines: [line('T', 'T', 'cone', 0.1)] }),
        req({ orderId: 'PO-2', state: 'Draft', lines: [line('T', 'T', 'cone', 0.2)] }),
      ],
      supply: new Map(),
      techPackRevisions,
      productionLeadDays: 0,
    });
    expect(tiny[0]).toMatchObject({
      required: { tentative: 0.3 },
      net: 0.3,
      needBy: '2027-03-01',
      orderBy: '2027-03-01',
    });
  });

  it('dates cross months and years', () => {
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2027-01-05', -10)).toBe('2026-12-26');
  });
});

describe('purchase rounding (shared with the materials summary)', () => {
  it('rounds up to the multiple and lifts to the minimum order quantity when anything is needed', () => {
    expect(purchaseOf(84_500n, 50)).toBe(100_000_000n);
    expect(purchaseOf(84_500n, 50, 120)).toBe(150_000_000n); // 120 -> next multiple of 50
    expect(purchaseOf(84_500n, null, 120)).toBe(120_000_000n);
    expect(purchaseOf(0n, 50, 120)).toBe(0n);
    expect(purchaseOf(151_200n, undefined)).toBe(151_200_000n);
  });
});

describe('raw-material PUT body', () => {
  it('takes lead time and variants with on-order lines (sorted by arrival)', () => {
    const input = parseRawMaterialPut(
      {
        leadTimeDays: 30,
        variants: [
          {
            variant: 'NVY',
            uom: 'm',
            onHand: 12.5,
            onOrder: [
              { qty: 5, eta: '2027-02-01' },
              { qty: 1, eta: '2027-01-01' },
            ],
          },
        ],
      },
      'FAB',
    );
    expect(input).toEqual({
      leadTimeDays: 30,
      variants: [
        {
          variant: 'NVY',
          uom: 'm',
          onHand: 12.5,
          onOrder: [
            { qty: 1, eta: '2027-01-01' },
            { qty: 5, eta: '2027-02-01' },
          ],
        },
      ],
    });
  });

  it('names every bad field', () => {
    expect(
      badFields(() =>
        parseRawMaterialPut(
          {
            material: 'OTHER',
            leadTimeDays: -1,
            extra: 1,
            variants: [
              { variant: 'A', uom: 'm', onHand: -1, onOrder: [{ qty: 1, eta: '2027-02-30' }] },
              { variant: 'A', uom: 'm', onHand: 1 },
            ],
          },
          'FAB',
        ),
      ),
    ).toEqual(['extra', 'material', 'leadTimeDays', 'variants[0].onHand', 'variants[0].onOrder[0].eta', 'variants[1]']);
  });
});
