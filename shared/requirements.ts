// Material requirements across orders (the factory's Logistics view), netted against supply. Pure:
// the store keeps one requirement record per order (its gross per material, variant and uom, from
// the materials summary's own computation, shared/materials.ts) and this module adds them up.
//
//   firm      = sum of the gross of Planned, Released and InProgress orders (released ones from
//               their pinned BOM snapshot)
//   tentative = sum of the gross of Draft orders (the tech pack's current BOM)
//   needBy    = the earliest delivery date of a contributing order - productionLeadDays
//   orderBy   = needBy - the raw material's leadTimeDays
//   onOrder   = what is on order and arrives by needBy
//   net       = max(0, firm + tentative - onHand - onOrder)
//   purchase  = net rounded like the materials summary (purchaseMultiple, minimumOrderQty)
//
// Exact decimals (3 places for quantities, as the summary prints them): no 0.1 + 0.2 here either.
import type * as v from 'valibot';
import { type FieldProblem, ValidationError } from './errors.js';
import { fromScaled, materialsByLine, purchaseOf, toScaled } from './materials.js';
import { collect } from './schemas/core.js';
import {
  FIRM_STATES,
  type OnOrderLine as OnOrderLineSchema,
  REQUIREMENT_STATES,
  type RawMaterial as RawMaterialSchema,
  RawMaterialPut,
  type RawMaterialVariant as RawMaterialVariantSchema,
  type RequirementLine as RequirementLineSchema,
} from './schemas/logistics.js';
import type { BomLine, Matrix, OrderState } from './types.js';
import { isObject, requireObject } from './validate.js';

export {
  FIRM_STATES,
  MATERIAL_CODE,
  MAX_ON_ORDER,
  MAX_VARIANTS,
  REQUIREMENT_STATES,
  TENTATIVE_STATES,
} from './schemas/logistics.js';

// ---- raw-material supply -------------------------------------------------------------------------

export type OnOrderLine = v.InferOutput<typeof OnOrderLineSchema>;
export type RawMaterialVariant = v.InferOutput<typeof RawMaterialVariantSchema>;
export type RawMaterial = v.InferOutput<typeof RawMaterialSchema>;

export interface RawMaterialInput {
  leadTimeDays: number;
  variants: RawMaterialVariant[];
  /** The version the caller read (body `version`), when given. */
  version?: number;
}

export function emptyRawMaterial(material: string): RawMaterial {
  return { material, leadTimeDays: 0, variants: [], version: 0, updatedAt: null, updatedBy: null };
}

/**
 * `{"leadTimeDays", "variants": [{"variant", "uom", "onHand", "onOrder": [{"qty", "eta"}]}]}`: the
 * whole supply of one raw material (shared/schemas/logistics.ts RawMaterialPut). The body a GET
 * answered is accepted back (`material` must be the path's; `version` makes the write conditional
 * like If-Match; `updatedAt`/`updatedBy` ignored). Each variant's onOrder comes out by eta.
 */
export function parseRawMaterialPut(raw: unknown, material: string): RawMaterialInput {
  const input = requireObject(raw);
  const problems: FieldProblem[] = [];
  const body = collect(RawMaterialPut, input, { add: (field, message) => problems.push({ field, message }) });
  // The path's material after the unknown fields (its place in the body), then each repeated variant.
  if (typeof input.material === 'string' && input.material !== material) {
    const at = problems.filter((x) => x.message.startsWith('is not a known field')).length;
    problems.splice(at, 0, { field: 'material', message: `must be ${material}, the path's material, when given` });
  }
  if (Array.isArray(input.variants)) {
    const seen = new Set<string>();
    input.variants.forEach((x: unknown, i) => {
      if (!isObject(x) || typeof x.variant !== 'string' || typeof x.uom !== 'string') return;
      const [variant, uom] = [x.variant.trim(), x.uom.trim()];
      const key = `${variant}\u0000${uom}`;
      if (seen.has(key)) problems.push({ field: `variants[${i}]`, message: `repeats variant ${variant} in ${uom}` });
      seen.add(key);
    });
  }
  if (problems.length || !body) throw new ValidationError(problems);
  const variants = body.variants.map((x) => ({
    variant: x.variant,
    uom: x.uom,
    onHand: x.onHand,
    onOrder: (x.onOrder ?? []).map((o) => ({ qty: o.qty, eta: o.eta })).sort((a, b) => a.eta.localeCompare(b.eta)),
  }));
  const version = body.version !== undefined ? { version: body.version } : {};
  return { leadTimeDays: body.leadTimeDays, variants, ...version };
}

// ---- one order's requirement -----------------------------------------------------------------------

/** One material, variant and uom of one order: its gross (the materials summary's) and how it is bought. */
export interface GrossLine {
  material: string;
  variant: string;
  uom: string;
  gross: number;
  purchaseMultiple: number | null;
  minimumOrderQty: number | null;
}

/** What the store keeps per order, written with each of the order's own changes. */
export interface OrderRequirement {
  orderId: string;
  techPackId: string;
  state: OrderState;
  deliveryDate: string | null;
  /** The BOM revision the gross was computed from. */
  bomRevision: number;
  /** Released orders: the gross comes from the release snapshot, never stale. */
  pinned: boolean;
  /** Some BOM line does not cover the order (the summary answers 409 BOM_INCOMPLETE): those lines count nothing. */
  incomplete: boolean;
  lines: GrossLine[];
}

const keyOf = (l: { material: string; variant: string; uom: string }) =>
  `${l.material}\u0000${l.variant}\u0000${l.uom}`;

/**
 * The order's gross per material, variant and uom: the materials summary of `matrix` and `bom`
 * (materialsByLine: computeMaterials line by line so that a line that does not cover the order leaves the others
 * counted), BOM lines of the same three added up.
 */
export function grossLines(matrix: Matrix, bom: readonly BomLine[]): { lines: GrossLine[]; incomplete: boolean } {
  const out = new Map<string, { line: GrossLine; milli: bigint }>();
  let incomplete = false;
  // Each line on its own (a line with a gap is left out), the order's totals summed once for all.
  const perLine = materialsByLine(matrix, bom);
  for (const [i, bl] of bom.entries()) {
    const lines = perLine[i];
    if (lines === null) {
      incomplete = true;
      continue;
    }
    const extra = bl as BomLine & { minimumOrderQty?: number };
    for (const ml of lines) {
      const k = keyOf(ml);
      const at = out.get(k);
      const milli = toScaled(ml.gross, 3);
      if (!at) {
        out.set(k, {
          line: {
            material: ml.material,
            variant: ml.variant,
            uom: ml.uom,
            gross: 0,
            purchaseMultiple: bl.purchaseMultiple ?? null,
            minimumOrderQty: extra.minimumOrderQty ?? null,
          },
          milli,
        });
      } else {
        at.milli += milli;
        at.line.purchaseMultiple = larger(at.line.purchaseMultiple, bl.purchaseMultiple ?? null);
        at.line.minimumOrderQty = larger(at.line.minimumOrderQty, extra.minimumOrderQty ?? null);
      }
    }
  }
  const lines = [...out.values()].map(({ line, milli }) => ({ ...line, gross: fromScaled(milli, 3) }));
  return { lines: lines.filter((l) => l.gross > 0), incomplete };
}

function larger(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

// ---- across orders -----------------------------------------------------------------------------------

export type RequirementLine = v.InferOutput<typeof RequirementLineSchema>;

/**
 * A gross (3 decimals, as the summary prints it) as a whole count of milli-units. x * 1000 is within
 * half a unit of the integer for any such figure below 2^53 / 1000, so rounding it is exact and far
 * cheaper than parsing the decimal (25,000 lines for 1,000 orders); the sums stay exact integers
 * while a line's total is below 2^53 milli-units (9 x 10^12 of its uom).
 */
function milliOf(gross: number): number {
  const m = Math.round(gross * 1000);
  return Math.abs(m) < 2 ** 43 ? m : Number(toScaled(gross, 3));
}

/** A date YYYY-MM-DD moved by `days` (negative: earlier). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export interface RequirementInputs {
  orders: readonly OrderRequirement[];
  /** Supply by material (absent: nothing on hand or on order, no lead time). */
  supply: ReadonlyMap<string, RawMaterial>;
  /** Each tech pack's current bomRevision: an unpinned order computed from an older one is stale. */
  techPackRevisions: ReadonlyMap<string, number>;
  productionLeadDays: number;
  /** Only these states count (default: all of REQUIREMENT_STATES). */
  states?: readonly OrderState[];
  /** Only this material. */
  material?: string;
}

/** One line per material, variant and uom; long-lead first (orderBy ascending, no date last). */
export function requirementLines(inputs: RequirementInputs): RequirementLine[] {
  const states = new Set(inputs.states ?? REQUIREMENT_STATES);
  const acc = new Map<
    string,
    {
      line: GrossLine;
      /** milli-units (exact integers, see milliOf) */
      firm: number;
      tentative: number;
      earliest: string | null;
      stale: boolean;
      orders: RequirementLine['orders'];
    }
  >();
  for (const o of inputs.orders) {
    if (!REQUIREMENT_STATES.includes(o.state) || !states.has(o.state)) continue;
    const current = inputs.techPackRevisions.get(o.techPackId);
    const stale = o.incomplete || (!o.pinned && current !== undefined && current !== o.bomRevision);
    const firm = FIRM_STATES.includes(o.state);
    for (const l of o.lines) {
      if (inputs.material !== undefined && l.material !== inputs.material) continue;
      const k = keyOf(l);
      let a = acc.get(k);
      if (!a) {
        a = { line: { ...l }, firm: 0, tentative: 0, earliest: null, stale: false, orders: [] };
        acc.set(k, a);
      } else {
        a.line.purchaseMultiple = larger(a.line.purchaseMultiple, l.purchaseMultiple);
        a.line.minimumOrderQty = larger(a.line.minimumOrderQty, l.minimumOrderQty);
      }
      const milli = milliOf(l.gross);
      if (firm) a.firm += milli;
      else a.tentative += milli;
      if (o.deliveryDate !== null && (a.earliest === null || o.deliveryDate < a.earliest)) a.earliest = o.deliveryDate;
      a.stale ||= stale;
      a.orders.push({ id: o.orderId, state: o.state, deliveryDate: o.deliveryDate, gross: l.gross });
    }
  }

  const lines: RequirementLine[] = [];
  for (const a of acc.values()) {
    const { material, variant, uom } = a.line;
    const raw = inputs.supply.get(material);
    const supply = raw?.variants.find((v) => v.variant === variant && v.uom === uom);
    const needBy = a.earliest === null ? null : addDays(a.earliest, -inputs.productionLeadDays);
    const orderBy = needBy === null ? null : addDays(needBy, -(raw?.leadTimeDays ?? 0));
    const onHand = toScaled(supply?.onHand ?? 0, 3);
    // Without a date to need it by, everything on order counts.
    const onOrder = (supply?.onOrder ?? [])
      .filter((o) => needBy === null || o.eta <= needBy)
      .reduce((s, o) => s + toScaled(o.qty, 3), 0n);
    const diff = BigInt(a.firm) + BigInt(a.tentative) - onHand - onOrder;
    const net = diff > 0n ? diff : 0n;
    a.orders.sort((x, y) => cmpDate(x.deliveryDate, y.deliveryDate) || cmpText(x.id, y.id));
    lines.push({
      material,
      variant,
      uom,
      required: { firm: fromScaled(BigInt(a.firm), 3), tentative: fromScaled(BigInt(a.tentative), 3) },
      onHand: fromScaled(onHand, 3),
      onOrder: fromScaled(onOrder, 3),
      net: fromScaled(net, 3),
      purchase: fromScaled(purchaseOf(net, a.line.purchaseMultiple, a.line.minimumOrderQty), 6),
      needBy,
      orderBy,
      stale: a.stale,
      orders: a.orders,
    });
  }
  return lines.sort(
    (x, y) =>
      cmpDate(x.orderBy, y.orderBy) ||
      x.material.localeCompare(y.material) ||
      x.variant.localeCompare(y.variant) ||
      x.uom.localeCompare(y.uom),
  );
}

function cmpText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Earlier first; no date last. */
function cmpDate(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
