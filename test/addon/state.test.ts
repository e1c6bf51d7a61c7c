import { describe, expect, it } from 'vitest';
import { CHUNK, STATE_SHEET, StateStore, decodeRow, encodeRecord } from '../../addon/src/state.js';
import { FakeSpreadsheet } from './fakes/spreadsheet.js';
import { snap } from './helpers.js';

function big() {
  const sizes = Array.from({ length: 100 }, (_, i) => `S${i}`);
  const colors = Array.from({ length: 200 }, (_, i) => `C${i}`);
  return snap({
    matrix: {
      sizes,
      colors,
      quantities: colors.map((_, r) => sizes.map((_, c) => (r * 7919 + c * 104729) % 10_000_000)),
    },
  });
}

describe('add-on state (hidden sheet, chunked)', () => {
  it('round-trips a 20,000-cell snapshot far above the 9 KB property limit', () => {
    const s = big();
    const row = encodeRecord({ sheetId: 42, snap: s }, 'now');
    expect(row.length).toBeGreaterThan(5);
    for (const c of row.slice(4)) expect(c.length).toBeLessThanOrEqual(CHUNK + 1);
    expect(decodeRow(row)).toEqual({ sheetId: 42, snap: s });
    expect(decodeRow(['x'])).toBeNull();
  });

  it('keeps one row per sheet in a hidden sheet, read once and written one row at a time', () => {
    const book = new FakeSpreadsheet();
    const store = new StateStore(book);
    expect(store.get(1)).toBeNull();
    store.put({ sheetId: 1, snap: big() }, 't1');
    store.put({ sheetId: 2, snap: snap({ id: 'PO-2' }) }, 't1');
    store.put({ sheetId: 1, snap: snap({ id: 'PO-1' }) }, 't2'); // shrinks: old chunks cleared
    const sheet = book.sheet(STATE_SHEET);
    expect(sheet.hidden).toBe(true);
    expect(sheet.stats.writes).toBe(3);
    const again = new StateStore(book);
    expect(again.get(1)?.snap.id).toBe('PO-1');
    expect(again.get(2)?.snap.id).toBe('PO-2');
    expect(again.sheetIdsOf('PO-2')).toEqual([2]);
    expect(sheet.stats.reads).toBe(1);
    again.remove(1);
    expect(new StateStore(book).get(1)).toBeNull();
  });

  it('survives JSON chunks that look like numbers or formulas', () => {
    const book = new FakeSpreadsheet();
    const store = new StateStore(book);
    const s = snap({ styleCode: '=SUM(A1)' });
    store.put({ sheetId: 9, snap: s }, 't');
    expect(new StateStore(book).get(9)?.snap.styleCode).toBe('=SUM(A1)');
  });
});
