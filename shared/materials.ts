// The materials summary (the Logistics tab): what an order consumes, per BOM line and material
// variant. Pure and exact: decimal arithmetic on whole numbers (BigInt), never binary floating
// point, so 10,000 garments x 1.35 m is 13,500 m, not 13,500.000000000002.
//
// For each BOM line, each garment color it applies to (appliesTo, when given) maps to a material
// variant: no `variants` -> the material itself; `match` -> the garment color's code; a map -> the
// mapped code. Colors with the same variant are added up. Then, per BOM line and variant:
//
//   net      = sum over the cells of qty x consumption(size)      rounded half-up to 3 decimals
//   gross    = net x (1 + wastagePct / 100)                       rounded half-up to 3 decimals
//
// and per material, variant and uom (BOM lines of the same three are summed BEFORE rounding to a
// purchase: two thread lines of 450 m and 350 m on 1,000 m cones buy one cone, not two):
//
//   net, gross = the sums of the lines' nets and grosses
//   purchase   = max(gross, minimumOrderQty) rounded up to a multiple of purchaseMultiple
//                (gross itself when there is neither; nothing needed, nothing bought: no floor on 0)
//
// When the summed lines name different multiples or minimums, the largest of each counts (the
// biggest pack any line is bought in, the strictest floor); a line naming none does not lower them.
//
// Each step starts from the previous step's rounded figure, as printed, so every number can be
// checked by hand from the one before it. Inputs are taken as the decimals they were written as:
// consumption and purchaseMultiple to 6 decimals, wastagePct to 4 (rounded half-up beyond that).
// A cell with garments whose size has no consumption, or whose color has no variant in the line's
// map, refuses the summary (409 BOM_INCOMPLETE naming each gap) instead of counting it as 0.
import { ConflictError } from './errors.js';
import type { BomLine, Matrix, ProductionOrder } from './types.js';

export const ROUNDING =
  'net = sum of qty x consumption(size), gross = net x (1 + wastagePct/100): each rounded half-up to 3 decimals, gross from the rounded net; ' +
  'BOM lines of the same material, variant and uom are summed (net and gross) before ' +
  'purchase = max(gross, minimumOrderQty) rounded up to a multiple of purchaseMultiple ' +
  '(gross when there is neither; the largest multiple and minimum of the summed lines count). Exact decimal ' +
  'arithmetic: consumption, purchaseMultiple and minimumOrderQty are read to 6 decimals, wastagePct to 4.';

/** One BOM line's share of a summed material line. */
export interface MaterialSource {
  line: number;
  garments: number;
  consumption: number | Record<string, number>;
  wastagePct: number;
  net: number;
  gross: number;
}

/** One material, variant and uom: every BOM line of the three summed before the purchase is rounded. */
export interface MaterialLine {
  /** Index of the first BOM line of this material, variant and uom. */
  line: number;
  /** Every BOM line summed into this one, in BOM order. */
  lines: number[];
  material: string;
  variant: string;
  uom: string;
  /** Garments of the order that use this material and variant (each counted once). */
  garments: number;
  /** The BOM line's, when one line makes this material line; else per line in `sources`. */
  consumption?: number | Record<string, number>;
  wastagePct?: number;
  /** The largest of the summed lines' (null: none names one). */
  purchaseMultiple: number | null;
  minimumOrderQty: number | null;
  net: number;
  gross: number;
  purchase: number;
  /** Only when two or more BOM lines are summed: each one's figures, so the sums can be checked by hand. */
  sources?: MaterialSource[];
}

export interface BomProblem {
  line: number;
  material: string;
  color?: string;
  size?: string;
  message: string;
}

// ---- exact decimals -----------------------------------------------------------------------------

/**
 * A non-negative number as a whole count of 10^-digits units, taken from its decimal notation
 * (String(1.35) is "1.35": exactly 1,350,000 micro-units), rounded half-up past `digits` decimals.
 */
export function toScaled(x: number, digits: number): bigint {
  if (!Number.isFinite(x) || x < 0) throw new RangeError(`toScaled: ${x} is not a finite non-negative number`);
  const [mantissa, expPart] = String(x).toLowerCase().split('e');
  const [intPart, fracPart = ''] = mantissa.split('.');
  const all = intPart + fracPart;
  const shift = intPart.length + (expPart ? Number(expPart) : 0) - all.length + digits;
  const n = BigInt(all);
  if (shift >= 0) return n * 10n ** BigInt(shift);
  const div = 10n ** BigInt(-shift);
  const q = n / div;
  return (n % div) * 2n >= div ? q + 1n : q;
}

/** a / b rounded half-up (a >= 0, b > 0). */
export function divHalfUp(a: bigint, b: bigint): bigint {
  return (a * 2n + b) / (b * 2n);
}

/** a / b rounded up (a >= 0, b > 0). */
export function divUp(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** A count of 10^-digits units as a JSON number: 13500000n, 3 -> 13500.5 prints as "13500.5". */
export function fromScaled(v: bigint, digits: number): number {
  const unit = 10n ** BigInt(digits);
  const frac = (v % unit).toString().padStart(digits, '0');
  return Number(`${v / unit}.${frac}`);
}

const MICRO = 6;
const MILLI = 3;

/**
 * What is bought for a gross need (milli-units), in micro-units: at least the minimum order quantity
 * (a floor, only when something is needed), then rounded up to the purchase multiple.
 */
export function purchaseOf(
  grossMilli: bigint,
  purchaseMultiple?: number | null,
  minimumOrderQty?: number | null,
): bigint {
  let need = grossMilli * 1000n;
  if (need > 0n && minimumOrderQty !== undefined && minimumOrderQty !== null) {
    const floor = toScaled(minimumOrderQty, MICRO);
    if (need < floor) need = floor;
  }
  if (purchaseMultiple === undefined || purchaseMultiple === null) return need;
  let multiple = toScaled(purchaseMultiple, MICRO);
  if (multiple < 1n) multiple = 1n;
  return divUp(need, multiple) * multiple;
}

/** The three figures of one line from its exact net in micro-units. */
export function lineFigures(
  netMicro: bigint,
  wastagePct: number,
  purchaseMultiple: number | undefined,
  minimumOrderQty?: number,
): { net: bigint; gross: bigint; purchase: bigint } {
  const net = divHalfUp(netMicro, 1000n); // milli-units
  const wastagePpm = toScaled(wastagePct, 4); // 5% -> 50,000 parts per million
  const gross = divHalfUp(net * (1_000_000n + wastagePpm), 1_000_000n); // milli-units
  return { net, gross, purchase: purchaseOf(gross, purchaseMultiple, minimumOrderQty) }; // purchase in micro-units
}

/** The largest of the numbers given (null when none is). */
function largest(values: readonly (number | undefined)[]): number | null {
  const given = values.filter((v): v is number => v !== undefined);
  return given.length ? Math.max(...given) : null;
}

interface Part {
  line: number;
  bl: BomLine;
  variant: string;
  rows: number[];
  garments: number;
  net: bigint; // milli-units
  gross: bigint; // milli-units
}

/** Parts of the same material, variant and uom summed into one line each, in order of first appearance. */
function sumParts(parts: readonly Part[], rowTotals: readonly number[], sizes: readonly string[]): MaterialLine[] {
  const groups = new Map<string, Part[]>();
  for (const part of parts) {
    const key = JSON.stringify([part.bl.material, part.variant, part.bl.uom]);
    const group = groups.get(key);
    if (group) group.push(part);
    else groups.set(key, [part]);
  }
  // Once per BOM line: its variants' lines share it (a `match` line makes one per garment color).
  const ordered = new Map<BomLine, Record<string, number>>();
  const consumptionOf = (bl: BomLine) => {
    if (typeof bl.consumption === 'number') return bl.consumption;
    let map = ordered.get(bl);
    if (!map) {
      map = bySize(bl.consumption, sizes);
      ordered.set(bl, map);
    }
    return map;
  };
  return [...groups.values()].map((group) => {
    const [first] = group;
    const net = group.reduce((n, x) => n + x.net, 0n);
    const gross = group.reduce((n, x) => n + x.gross, 0n);
    const purchaseMultiple = largest(group.map((x) => x.bl.purchaseMultiple));
    const minimumOrderQty = largest(group.map((x) => x.bl.minimumOrderQty));
    const rows = new Set(group.flatMap((x) => x.rows));
    const out: MaterialLine = {
      line: first.line,
      lines: group.map((x) => x.line),
      material: first.bl.material,
      variant: first.variant,
      uom: first.bl.uom,
      garments: [...rows].reduce((n, r) => n + rowTotals[r], 0),
      // The line's own consumption and wastage when it is one BOM line (else per line in `sources`).
      ...(group.length === 1 ? { consumption: consumptionOf(first.bl), wastagePct: first.bl.wastagePct } : {}),
      purchaseMultiple,
      minimumOrderQty,
      net: fromScaled(net, MILLI),
      gross: fromScaled(gross, MILLI),
      purchase: fromScaled(purchaseOf(gross, purchaseMultiple, minimumOrderQty), MICRO),
    };
    if (group.length === 1) return out;
    out.sources = group.map((x) => ({
      line: x.line,
      garments: x.garments,
      consumption: consumptionOf(x.bl),
      wastagePct: x.bl.wastagePct,
      net: fromScaled(x.net, MILLI),
      gross: fromScaled(x.gross, MILLI),
    }));
    return out;
  });
}

// ---- the summary ------------------------------------------------------------------------------

/** What every BOM line of one order shares: row and column totals, scaled decimals (computed once). */
function orderTotals(matrix: Matrix) {
  const rowTotals = matrix.quantities.map((row) => row.reduce((a, b) => a + b, 0));
  const sizeCount = matrix.sizes.length;

  // Quantities per size summed over a set of colors (rows), once per set.
  const totalsOf = new Map<string, number[]>();
  const columnTotals = (rows: readonly number[]): number[] => {
    const key = rows.join(',');
    let totals = totalsOf.get(key);
    if (!totals) {
      totals = rows.length === 1 ? matrix.quantities[rows[0]] : new Array<number>(sizeCount).fill(0);
      if (rows.length > 1) {
        for (const r of rows) {
          const q = matrix.quantities[r];
          for (let c = 0; c < sizeCount; c++) totals[c] += q[c];
        }
      }
      totalsOf.set(key, totals);
    }
    return totals;
  };
  // A consumption in micro-units, exact (BigInt) and, when within 2^53, as a Number too.
  const scaled = new Map<number, { big: bigint; num: number | undefined }>();
  const micro = (x: number) => {
    let v = scaled.get(x);
    if (!v) {
      const big = toScaled(x, MICRO);
      v = { big, num: big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : undefined };
      scaled.set(x, v);
    }
    return v;
  };
  return { matrix, rowTotals, sizeCount, columnTotals, micro };
}

type OrderTotals = ReturnType<typeof orderTotals>;

/** One BOM line's parts (per variant), or its gaps in `problems`. */
function partsOf(t: OrderTotals, bl: BomLine, li: number, problems: BomProblem[], parts: Part[]): void {
  const { matrix, rowTotals, sizeCount, columnTotals, micro } = t;
  // Variant per color, in the order's color order; only colors with garments count.
  const groups = new Map<string, number[]>();
  matrix.colors.forEach((color, r) => {
    if (rowTotals[r] === 0) return;
    if (bl.appliesTo && !bl.appliesTo.includes(color)) return;
    let variant: string | undefined;
    if (bl.variants === undefined) variant = bl.material;
    else if (bl.variants === 'match') variant = color;
    else variant = own(bl.variants, color);
    if (typeof variant !== 'string') variant = undefined;
    if (variant === undefined) {
      problems.push({
        line: li,
        material: bl.material,
        color,
        message: `has no variant for color ${color} (add it to variants, or leave the color out with appliesTo)`,
      });
      return;
    }
    const rows = groups.get(variant) ?? [];
    rows.push(r);
    groups.set(variant, rows);
  });

  const perSize = matrix.sizes.map((size) => {
    const c = typeof bl.consumption === 'number' ? bl.consumption : own(bl.consumption, size);
    return typeof c === 'number' ? micro(c) : undefined;
  });

  for (const [variant, rows] of groups) {
    const totals = columnTotals(rows);
    let fast = 0;
    let big: bigint | undefined;
    let garments = 0;
    let complete = true;
    for (let c = 0; c < sizeCount; c++) {
      const qty = totals[c];
      if (qty === 0) continue;
      garments += qty;
      const m = perSize[c];
      if (m === undefined) {
        complete = false;
        problems.push({
          line: li,
          material: bl.material,
          size: matrix.sizes[c],
          message: `has no consumption for size ${matrix.sizes[c]}, which ${qty} garment(s) of this order need`,
        });
        continue;
      }
      if (big === undefined && m.num !== undefined) {
        const product = qty * m.num;
        if (Number.isSafeInteger(product) && Number.isSafeInteger(fast + product)) {
          fast += product;
          continue;
        }
      }
      big = (big ?? BigInt(fast)) + BigInt(qty) * m.big;
    }
    if (!complete) continue;
    const f = lineFigures(big ?? BigInt(fast), bl.wastagePct, undefined);
    parts.push({ line: li, bl, variant, rows, garments, net: f.net, gross: f.gross });
  }
}

/**
 * The lines of the summary for `matrix` (the order's quantities) and `bom`. 409 BOM_INCOMPLETE on gaps.
 *
 * Fast and still exact: the column totals of a set of colors are summed once and shared by every BOM
 * line over the same colors (most lines apply to all of them); each decimal is scaled once; the sum of
 * qty x consumption runs in whole Numbers while it stays within 2^53 (where they are exact) and in
 * BigInt from the first product or sum that would not.
 */
export function computeMaterials(matrix: Matrix, bom: readonly BomLine[]): MaterialLine[] {
  const problems: BomProblem[] = [];
  const parts: Part[] = [];
  const t = orderTotals(matrix);
  bom.forEach((bl, li) => partsOf(t, bl, li, problems, parts));
  if (problems.length) {
    const unique = dedupe(problems);
    throw new ConflictError(
      'BOM_INCOMPLETE',
      `The tech pack's BOM does not cover this order (${unique.length} gap(s)): ${unique
        .slice(0, 3)
        .map((p) => `line ${p.line} (${p.material}) ${p.message}`)
        .join('; ')}`,
      { problems: unique.slice(0, 100) },
    );
  }
  return sumParts(parts, t.rowTotals, matrix.sizes);
}

/**
 * Each BOM line's material lines on its own (as computeMaterials(matrix, [line]) gives them), or null
 * when the line does not cover the order (a BOM_INCOMPLETE gap); the order's totals computed once.
 */
export function materialsByLine(matrix: Matrix, bom: readonly BomLine[]): (MaterialLine[] | null)[] {
  const t = orderTotals(matrix);
  return bom.map((bl) => {
    const problems: BomProblem[] = [];
    const parts: Part[] = [];
    partsOf(t, bl, 0, problems, parts);
    return problems.length ? null : sumParts(parts, t.rowTotals, matrix.sizes);
  });
}

/** A per-size consumption with the order's sizes first, in their order (stored maps keep none). */
function bySize(consumption: Record<string, number>, sizes: readonly string[]): Record<string, number> {
  // No prototype: sizes named `constructor`, `toString` or `__proto__` are data like any other.
  const out: Record<string, number> = Object.create(null);
  for (const s of sizes) if (Object.hasOwn(consumption, s)) out[s] = consumption[s];
  for (const [s, c] of Object.entries(consumption)) if (!Object.hasOwn(out, s)) out[s] = c;
  return out;
}

/** A map's own value for a code (never one inherited from Object.prototype, such as `constructor`). */
function own<T>(map: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

function dedupe(problems: BomProblem[]): BomProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}|${p.color ?? ''}|${p.size ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The BOM a summary is computed from: the tech pack's at some revision, recorded in the order. */
export interface BomRecord {
  techPackId: string;
  bomRevision: number;
  bom: BomLine[];
  /** `read` (recorded by the first read), `refresh`, or `release` (the snapshot the order is pinned to). */
  source: 'read' | 'refresh' | 'release';
  recordedAt: string;
  recordedBy: string;
}

export interface MaterialsSummary {
  orderId: string;
  techPackId: string;
  /** The BOM revision the lines were computed from. */
  bomRevision: number;
  /** The tech pack's BOM revision now. */
  techPackBomRevision: number;
  /** True when the BOM the summary uses is not the one the order should use (refresh to update). */
  stale: boolean;
  /** Released orders are pinned to the BOM revision they were released with: later BOM edits do not move them. */
  pinned: boolean;
  recordedAt: string;
  recordedBy: string;
  source: BomRecord['source'];
  rounding: string;
  lines: MaterialLine[];
}

/**
 * The summary of `order` from the recorded BOM. Before release it is stale once the tech pack's
 * bomRevision moved past the recorded one; after release it is pinned to releasedBomRevision.
 */
export function materialsSummary(
  order: ProductionOrder,
  record: BomRecord,
  techPackBomRevision: number,
): MaterialsSummary {
  const pinned = order.releasedBomRevision !== null;
  const expected = pinned ? order.releasedBomRevision : techPackBomRevision;
  return {
    orderId: order.id,
    techPackId: order.techPackId,
    bomRevision: record.bomRevision,
    techPackBomRevision,
    stale: record.bomRevision !== expected,
    pinned,
    recordedAt: record.recordedAt,
    recordedBy: record.recordedBy,
    source: record.source,
    rounding: ROUNDING,
    lines: computeMaterials(order.matrix, record.bom),
  };
}
