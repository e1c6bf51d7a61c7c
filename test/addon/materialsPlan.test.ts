// The materials plan's layout (addon/src/materialsPlan.ts): pure, from the API's requirement lines.
import { describe, expect, it } from 'vitest';
import {
  dateSerial,
  isOverdue,
  ordersText,
  PLAN_COLOR,
  PLAN_COLUMNS,
  PLAN_FORMAT,
  PLAN_LABEL,
  quantityFormat,
  renderMaterialsPlan,
  type RequirementLine,
} from '../../addon/src/materialsPlan.js';

function line(over: Partial<RequirementLine> = {}): RequirementLine {
  return {
    material: 'FAB-JERSEY',
    variant: 'NAVY',
    uom: 'm',
    required: { firm: 252, tentative: 126 },
    onHand: 60,
    onOrder: 100,
    net: 218,
    purchase: 250,
    needBy: '2027-03-18',
    orderBy: '2027-02-01',
    stale: false,
    orders: [
      { id: 'PO-000002', state: 'Planned', deliveryDate: '2027-04-01', gross: 252 },
      { id: 'PO-000001', state: 'Draft', deliveryDate: '2027-05-03', gross: 126 },
    ],
    ...over,
  };
}

const col = (name: (typeof PLAN_COLUMNS)[number]) => PLAN_COLUMNS.indexOf(name);

describe('the materials plan layout', () => {
  it('counts days as Sheets does: serial numbers from 1899-12-30', () => {
    expect(dateSerial('1899-12-31')).toBe(1);
    expect(dateSerial('1900-03-01')).toBe(61);
    expect(dateSerial('2027-02-01')).toBe(46419);
    expect(dateSerial('2028-02-29') - dateSerial('2028-02-28')).toBe(1);
    expect(() => dateSerial('2027-2-1')).toThrow();
  });

  it('formats whole quantities without a trailing dot, decimals with up to three places', () => {
    expect(quantityFormat(70)).toBe('#,##0');
    expect(quantityFormat(0)).toBe('#,##0');
    expect(quantityFormat(1.1)).toBe('#,##0.###');
    expect(quantityFormat(0.001)).toBe('#,##0.###');
    // What would show as "12." under three decimals is a whole number for the format too.
    expect(quantityFormat(12.0001)).toBe('#,##0');
    expect(quantityFormat(1234567.5)).toBe('#,##0.###');
  });

  it('is overdue only when orderBy is before today', () => {
    expect(isOverdue({ orderBy: '2026-11-30' }, '2026-12-01')).toBe(true);
    expect(isOverdue({ orderBy: '2026-12-01' }, '2026-12-01')).toBe(false);
    expect(isOverdue({ orderBy: null }, '2026-12-01')).toBe(false);
  });

  it('names the contributing orders with state, delivery date and gross', () => {
    expect(ordersText(line().orders)).toBe(
      'PO-000002 (Planned, due 2027-04-01): 252; PO-000001 (Draft, due 2027-05-03): 126',
    );
    expect(ordersText([{ id: 'PO-9', state: 'Released', deliveryDate: null, gross: 1234.5 }])).toBe(
      'PO-9 (Released, no date): 1,234.5',
    );
  });

  it('lays out one row per line under a header, quantities as numbers and dates as dates', () => {
    const lines = [
      line({ orderBy: '2026-11-20', needBy: '2027-01-04' }),
      line({ variant: 'RED', required: { firm: 0, tentative: 63 }, onHand: 0, onOrder: 0, net: 63, purchase: 100 }),
      line({
        material: 'INK-PRINT',
        variant: 'INK-WHITE',
        uom: 'kg',
        required: { firm: 0, tentative: 1.1 },
        onHand: 0,
        onOrder: 0,
        net: 1.1,
        purchase: 1.5,
        stale: true,
        needBy: null,
        orderBy: null,
        orders: [{ id: 'PO-000001', state: 'Draft', deliveryDate: null, gross: 1.1 }],
      }),
    ];
    const r = renderMaterialsPlan({ lines, today: '2026-12-01', refreshedAt: '2026-12-01 10:15 (Europe/Lisbon)' });
    expect(r.cols).toBe(PLAN_COLUMNS.length);
    expect(r.rows).toBe(r.headerRow + 3);
    for (const layer of [r.values, r.formats, r.backgrounds, r.weights]) {
      expect(layer.length).toBe(r.rows);
      for (const row of layer) expect(row.length).toBe(r.cols);
    }
    expect(r.values[0][0]).toBe(PLAN_LABEL.title);
    expect(r.values[r.headerRow - 1]).toEqual([...PLAN_COLUMNS]);
    expect(r.values.find((v) => v[0] === PLAN_LABEL.today)?.[1]).toBe('2026-12-01');
    expect(r.values.find((v) => v[0] === PLAN_LABEL.summary)?.[1]).toMatch(/^3 lines, 1 overdue, 1 stale;/);
    expect(r.overdue).toBe(1);
    expect(r.stale).toBe(1);

    const [navy, red, ink] = [r.headerRow, r.headerRow + 1, r.headerRow + 2];
    expect(r.values[navy].slice(0, 11)).toEqual([
      'FAB-JERSEY',
      'NAVY',
      'm',
      252,
      126,
      60,
      100,
      218,
      250,
      dateSerial('2027-01-04'),
      dateSerial('2026-11-20'),
    ]);
    expect(r.formats[navy].slice(3, 11)).toEqual([
      ...Array(6).fill(PLAN_FORMAT.integer),
      PLAN_FORMAT.date,
      PLAN_FORMAT.date,
    ]);
    // The overdue line: a word and a color on its order-by date and status.
    expect(r.values[navy][col('Order status')]).toBe(PLAN_LABEL.overdue);
    expect(r.backgrounds[navy][col('Order by')]).toBe(PLAN_COLOR.overdue);
    expect(r.backgrounds[navy][col('Order status')]).toBe(PLAN_COLOR.overdue);
    expect(r.weights[navy][col('Order status')]).toBe('bold');
    expect(r.values[navy][col('Orders')]).toBe(ordersText(lines[0].orders));
    // Not overdue, not stale: nothing marked.
    expect(r.values[red][col('Order status')]).toBe('');
    expect(r.values[red][col('Stale')]).toBe('');
    expect(new Set(r.backgrounds[red])).toEqual(new Set([PLAN_COLOR.cell]));
    // Decimals keep their places; no dates yet: said in words, as text.
    expect(r.values[ink].slice(3, 9)).toEqual([0, 1.1, 0, 0, 1.1, 1.5]);
    expect(r.formats[ink].slice(3, 9)).toEqual([
      PLAN_FORMAT.integer,
      PLAN_FORMAT.decimal,
      PLAN_FORMAT.integer,
      PLAN_FORMAT.integer,
      PLAN_FORMAT.decimal,
      PLAN_FORMAT.decimal,
    ]);
    expect(r.values[ink][col('Need by')]).toBe(PLAN_LABEL.noDate);
    expect(r.formats[ink][col('Order by')]).toBe(PLAN_FORMAT.text);
    expect(r.values[ink][col('Stale')]).toBe(PLAN_LABEL.stale);
    expect(r.backgrounds[ink][col('Stale')]).toBe(PLAN_COLOR.stale);
    // Codes are text cells.
    for (const row of [navy, red, ink]) expect(r.formats[row].slice(0, 3)).toEqual(Array(3).fill(PLAN_FORMAT.text));
  });

  it('says so when no open order needs materials', () => {
    const r = renderMaterialsPlan({ lines: [], today: '2026-12-01', refreshedAt: 'now' });
    expect(r.values[r.headerRow][0]).toBe(PLAN_LABEL.empty);
    expect(r.rows).toBe(r.headerRow + 1);
    expect(r.overdue).toBe(0);
  });
});
