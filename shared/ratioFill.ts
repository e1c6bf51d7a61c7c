// Ratio fill: a total, a size ratio ("1:2:3:3:2:1") and a color split (in % or in pieces) make an
// exact whole-garment matrix. Each color's total is its share of the total by largest remainder
// (apportion), then each color row is shared over the sizes by the ratio, again by largest
// remainder: every row adds up to its color's total and the matrix to the total, exactly, and no
// cell is more than one garment from its exact share. Pure; the add-on's sidebar uses it.
import { apportion, LIMITS } from './matrix.js';
import type { Matrix } from './types.js';

export type SplitBy = 'percent' | 'pieces';

export interface RatioFillInput {
  sizes: readonly string[];
  colors: readonly string[];
  /** The whole order; with pieces it may be left out (then it is the pieces' sum). */
  total?: number | null;
  /** "1:2:3:3:2:1", one number per size in the order's size order (or the numbers themselves). */
  sizeRatio: string | readonly number[];
  /** Per color, a percentage or a number of pieces; colors left out get 0. */
  split: readonly { color: string; value: number }[];
  splitBy: SplitBy;
}

export type RatioFill = { ok: true; matrix: Matrix; colorTotals: number[] } | { ok: false; problems: string[] };

/** "1:2:3" (colons, or commas, spaces, slashes) into numbers; problems say what is wrong in words. */
export function parseRatio(text: string | readonly number[], count: number, problems: string[]): number[] {
  const parts =
    typeof text === 'string'
      ? text
          .trim()
          .split(/\s*[:,;/\s]\s*/)
          .filter((x) => x !== '')
      : text.map(String);
  const out = parts.map((x) => Number(x));
  if (!parts.length) problems.push('Type a size ratio such as 1:2:3:3:2:1');
  else if (out.some((n) => !Number.isFinite(n) || n < 0))
    problems.push(`The size ratio "${parts.join(':')}" holds something that is not a number of 0 or more`);
  else if (out.length !== count)
    problems.push(`The size ratio has ${out.length} part${out.length === 1 ? '' : 's'}; this order has ${count} sizes`);
  else if (out.every((n) => n === 0)) problems.push('The size ratio is all zeros');
  return out;
}

export function ratioFill(input: RatioFillInput): RatioFill {
  const problems: string[] = [];
  const ratio = parseRatio(input.sizeRatio, input.sizes.length, problems);
  const index = new Map(input.colors.map((c, i) => [c, i]));
  const weights = input.colors.map(() => 0);
  for (const { color, value } of input.split) {
    const i = index.get(color);
    if (i === undefined) problems.push(`${color} is not a color of this order`);
    else if (!Number.isFinite(value) || value < 0) problems.push(`${color}: the split must be a number of 0 or more`);
    else if (input.splitBy === 'pieces' && !Number.isInteger(value))
      problems.push(`${color}: pieces are whole garments (${value})`);
    else weights[i] += value;
  }
  const splitSum = weights.reduce((a, b) => a + b, 0);
  let total = input.total ?? null;
  if (input.splitBy === 'percent') {
    if (total === null) problems.push('Type the total to split');
    if (Math.abs(splitSum - 100) > 0.001) problems.push(`The color split adds up to ${round(splitSum)}%, not 100%`);
  } else {
    if (total !== null && total !== splitSum)
      problems.push(`The pieces per color add up to ${splitSum.toLocaleString('en-US')}, not the total ${total}`);
    total = splitSum;
  }
  if (total !== null && (!Number.isInteger(total) || total < 0)) problems.push('The total must be a whole number');
  else if (total !== null && total > LIMITS.cellMax * input.sizes.length * input.colors.length)
    problems.push('The total is above what this matrix can hold');
  if (problems.length || total === null) return { ok: false, problems };
  const colorTotals = apportion(total, weights);
  const quantities = colorTotals.map((t) => apportion(t, ratio));
  if (quantities.some((row) => row.some((q) => q > LIMITS.cellMax)))
    return { ok: false, problems: [`A cell would be above ${LIMITS.cellMax.toLocaleString('en-US')} garments`] };
  return { ok: true, matrix: { sizes: [...input.sizes], colors: [...input.colors], quantities }, colorTotals };
}

function round(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}
