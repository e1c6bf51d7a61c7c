// Stock per SKU cell (style, color, size), as a warehouse system pushes it: on hand, reorder point,
// target. A cell is low when its on-hand quantity is below (strictly) its reorder point.
import type { TechPack } from './types.js';
import type * as v from 'valibot';
import { collect, parseWith, quiet } from './schemas/core.js';
import {
  type Stock as StockSchema,
  type StockCell as StockCellSchema,
  StockCellInput,
  StockPut,
} from './schemas/stock.js';
import { Problems, isObject, requireObject } from './validate.js';

/** The resources (shared/schemas/stock.ts). */
export type StockCell = v.InferOutput<typeof StockCellSchema>;
export type Stock = v.InferOutput<typeof StockSchema>;

const MAX_REPORTED = 50;

export function isLow(cell: StockCell): boolean {
  return cell.onHand < cell.reorderPoint;
}

export function lowCells(cells: readonly StockCell[]): StockCell[] {
  return cells.filter(isLow);
}

/**
 * `{"cells": [...]}` for one style: replaces its whole stock. Every cell names a color and a size
 * of the tech pack, once; quantities are whole numbers; a target below the reorder point is refused
 * (replenishing "up to" it would never lift the cell out of low).
 */
export function parseStockPut(raw: unknown, techPack: Pick<TechPack, 'sizes' | 'colors'>): StockCell[] {
  // The body's shape (StockPut, shared/schemas/stock.ts), then each cell: its own shape
  // (StockCellInput) and its place in the tech pack.
  const list = parseWith(StockPut, requireObject(raw)).cells as unknown[];
  const p = new Problems();
  const colorRank = new Map(techPack.colors.map((c, i) => [c.code, i]));
  const sizeRank = new Map(techPack.sizes.map((s, i) => [s, i]));
  const seen = new Set<string>();
  const cells: StockCell[] = [];
  let problems = 0;
  list.forEach((raw, i) => {
    const f = `cells[${i}]`;
    // Each cell's problems are gathered apart, so 20,000 bad cells do not make a 20,000-line answer.
    const cp = new Problems();
    const cell = collect(StockCellInput, raw, cp, f);
    if (isObject(raw)) {
      type Entries = typeof StockCellInput.entries;
      const part = <K extends keyof Entries>(k: K) =>
        cell ? cell[k] : (quiet(StockCellInput.entries[k], raw[k]) as v.InferOutput<Entries[K]> | undefined);
      const color = part('color');
      const size = part('size');
      const onHand = part('onHand');
      const reorderPoint = part('reorderPoint');
      const target = part('target');
      if (color !== undefined && !colorRank.has(color))
        cp.add(`${f}.color`, `${color} is not a color of this tech pack`);
      if (size !== undefined && !sizeRank.has(size)) cp.add(`${f}.size`, `${size} is not a size of this tech pack`);
      if (reorderPoint !== undefined && target !== undefined && target < reorderPoint)
        cp.add(`${f}.target`, `must be at least the reorder point (${reorderPoint})`);
      if (color !== undefined && size !== undefined) {
        const key = `${color}\u0000${size}`;
        if (seen.has(key)) cp.add(f, `repeats cell ${color}/${size}`);
        seen.add(key);
      }
      if (cp.ok)
        cells.push({ color: color!, size: size!, onHand: onHand!, reorderPoint: reorderPoint!, target: target! });
    }
    for (const problem of cp.list) if (problems++ < MAX_REPORTED) p.add(problem.field, problem.message);
  });
  if (problems > MAX_REPORTED) p.add('cells', `${problems - MAX_REPORTED} more problems`);
  p.throwIfAny();
  cells.sort(
    (a, b) => colorRank.get(a.color)! - colorRank.get(b.color)! || sizeRank.get(a.size)! - sizeRank.get(b.size)!,
  );
  return cells;
}
