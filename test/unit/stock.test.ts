import { describe, expect, it } from 'vitest';
import { isLow, lowCells, parseStockPut, type StockCell } from '../../shared/stock.js';
import { GRID_COMPRESS_AT, decodeStockGrid, encodeStockGrid } from '../../functions/store/stock.js';
import { badFields, techPack } from './fixtures.js';

const cell = (color: string, size: string, onHand: number, reorderPoint = 10, target = 50): StockCell => ({
  color,
  size,
  onHand,
  reorderPoint,
  target,
});

describe('a stock push', () => {
  it('is a list of cells of the tech pack, sorted by its colors then sizes', () => {
    const cells = parseStockPut(
      { cells: [cell('RED', 'S', 1), cell('NAVY', 'L', 2), cell('NAVY', 'S', 3)] },
      techPack(),
    );
    expect(cells.map((c) => `${c.color}/${c.size}`)).toEqual(['NAVY/S', 'NAVY/L', 'RED/S']);
    expect(parseStockPut({ cells: [] }, techPack())).toEqual([]);
  });

  it('names each bad cell field', () => {
    expect(
      badFields(() =>
        parseStockPut(
          {
            cells: [
              { color: 'GREEN', size: 'S', onHand: 1, reorderPoint: 1, target: 1 },
              { color: 'NAVY', size: 'XXL', onHand: -1, reorderPoint: 1.5, target: 1 },
              { color: 'NAVY', size: 'S', onHand: 1, reorderPoint: 10, target: 5 },
              { color: 'NAVY', size: 'S', onHand: 1, reorderPoint: 1, target: 5, bin: 'A1' },
              'x',
            ],
          },
          techPack(),
        ),
      ),
    ).toEqual([
      'cells[0].color',
      'cells[1].onHand',
      'cells[1].reorderPoint',
      'cells[1].size',
      'cells[2].target',
      'cells[3].bin',
      'cells[3]',
      'cells[4]',
    ]);
    expect(badFields(() => parseStockPut({ levels: [] }, techPack()))).toEqual(['levels', 'cells']);
  });

  it('caps the problems it reports', () => {
    const many = Array.from({ length: 500 }, () => ({
      color: 'NAVY',
      size: 'S',
      onHand: -1,
      reorderPoint: 0,
      target: 0,
    }));
    const fields = badFields(() => parseStockPut({ cells: many }, techPack()));
    expect(fields.length).toBe(51);
    expect(fields.at(-1)).toBe('cells');
  });

  it('a cell is low strictly below its reorder point', () => {
    expect(isLow(cell('NAVY', 'S', 9))).toBe(true);
    expect(isLow(cell('NAVY', 'S', 10))).toBe(false);
    expect(lowCells([cell('NAVY', 'S', 9), cell('NAVY', 'M', 10), cell('RED', 'S', 0, 0, 0)])).toHaveLength(1);
  });
});

describe('the stock grid codec', () => {
  it('round-trips sparse cells in the tech pack order', () => {
    const cells = [cell('NAVY', 'S', 1, 2, 3), cell('RED', 'L', 4, 5, 6)];
    const stored = encodeStockGrid(cells, { sizes: ['S', 'M', 'L'], colors: ['NAVY', 'RED'] });
    expect(stored).toEqual({ sizes: ['S', 'L'], colors: ['NAVY', 'RED'], grid: '1/2/3,;,4/5/6' });
    expect(decodeStockGrid(stored)).toEqual(cells);
    expect(decodeStockGrid(encodeStockGrid([]))).toEqual([]);
  });

  it('keeps 20,000 cells of 7-digit quantities far below the 400 KB item limit', () => {
    const sizes = Array.from({ length: 40 }, (_, i) => `S${i}`);
    const colors = Array.from({ length: 500 }, (_, i) => `COLOR-${i}`);
    let seed = 7;
    const rnd = () => {
      seed = (seed * 48271) % 2147483647;
      return seed % 10_000_001;
    };
    const cells = colors.flatMap((color) =>
      sizes.map((size) => ({ color, size, onHand: rnd(), reorderPoint: rnd(), target: 10_000_000 })),
    );
    const stored = encodeStockGrid(cells, { sizes, colors });
    expect(stored.grid).toBeUndefined();
    expect(stored.gridZ!.byteLength).toBeLessThan(300 * 1024);
    expect(stored.gridZ!.byteLength).toBeGreaterThan(0);
    expect(decodeStockGrid(stored)).toEqual(cells);
  });

  it('stays plain text while small', () => {
    const cells = Array.from({ length: 100 }, (_, i) => cell('NAVY', `S${i}`, i));
    const stored = encodeStockGrid(cells);
    expect(stored.grid!.length).toBeLessThan(GRID_COMPRESS_AT);
    expect(decodeStockGrid(stored)).toEqual(cells);
  });
});
