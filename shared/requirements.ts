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
import { ConflictError } from './errors.js';
import { computeMaterials, fromScaled, purchaseOf, toScaled, type MaterialLine } from './materials.js';
import type { BomLine, Matrix, OrderState } from './types.js';
import { Problems, isObject, isoDate, num, rejectUnknown, requireObject, str } from './validate.js';

// ---- raw-material supply -------------------------------------------------------------------------

export interface OnOrderLine {
  qty: number;
  /** Expected arrival, YYYY-MM-DD. */
  eta: string;
}

export interface RawMaterialVariant {
  /** The code the materials summary uses (the material itself for a BOM line without a color mapping). */
  variant: string;
  uom: string;
  onHand: number;
  onOrder: OnOrderLine[];
}

export interface RawMaterial {
  material: string;
  leadTimeDays: number;
  variants: RawMaterialVariant[];
  /** 0 until the first PUT. */
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface RawMaterialInput {
  leadTimeDays: number;
  variants: RawMaterialVariant[];
  /** The version the caller read (body `version`), when given. */
  version?: number;
}

export const MATERIAL_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;
export const MAX_VARIANTS = 500;
export const MAX_ON_ORDER = 100;
const MAX_QTY = 1_000_000_000;
const MAX_LEAD_DAYS = 3650;

export function emptyRawMaterial(material: string): RawMaterial {
  return { material, leadTimeDays: 0, variants: [], version: 0, updatedAt: null, updatedBy: null };
}

/**
 * `{"leadTimeDays", "variants": [{"variant", "uom", "onHand", "onOrder": [{"qty", "eta"}]}]}`: the
 * whole supply of one raw material. The body a GET answered is accepted back (`material` must be
 * the path's; `version` makes the write conditional like If-Match; `updatedAt`/`updatedBy` ignored).
 */
export function parseRawMaterialPut(raw: unknown, material: string): RawMaterialInput {
  const body = requireObject(raw);
  const p = new Problems();
  rejectUnknown(body, ['material', 'leadTimeDays', 'variants', 'version', 'updatedAt', 'updatedBy'], p);
  if (body.material !== undefined && body.material !== material)
    p.add('material', `must be ${material}, the path's material, when given`);
  const leadTimeDays = num(body.leadTimeDays, 'leadTimeDays', p, { integer: true, min: 0, max: MAX_LEAD_DAYS });
  const version = body.version === undefined ? undefined : num(body.version, 'version', p, { integer: true, min: 0 });
  const variants: RawMaterialVariant[] = [];
  if (!Array.isArray(body.variants)) p.add('variants', 'must be a list of {variant, uom, onHand, onOrder}');
  else if (body.variants.length > MAX_VARIANTS) p.add('variants', `must have at most ${MAX_VARIANTS} entries`);
  else {
    const seen = new Set<string>();
    body.variants.forEach((v: unknown, i: number) => {
      const f = `variants[${i}]`;
      if (!isObject(v)) {
        p.add(f, 'must be an object {variant, uom, onHand, onOrder}');
        return;
      }
      rejectUnknown(v, ['variant', 'uom', 'onHand', 'onOrder'], p, `${f}.`);
      const variant = str(v, 'variant', p, { required: true, max: 80, prefix: `${f}.` });
      const uom = str(v, 'uom', p, { required: true, max: 20, prefix: `${f}.` });
      const onHand = num(v.onHand, `${f}.onHand`, p, { min: 0, max: MAX_QTY });
      const onOrder: OnOrderLine[] = [];
      if (v.onOrder !== undefined && !Array.isArray(v.onOrder)) p.add(`${f}.onOrder`, 'must be a list of {qty, eta}');
      else if (Array.isArray(v.onOrder) && v.onOrder.length > MAX_ON_ORDER) {
        p.add(`${f}.onOrder`, `must have at most ${MAX_ON_ORDER} entries`);
      } else {
        ((v.onOrder as unknown[] | undefined) ?? []).forEach((o, j) => {
          const g = `${f}.onOrder[${j}]`;
          if (!isObject(o)) {
            p.add(g, 'must be an object {qty, eta}');
            return;
          }
          rejectUnknown(o, ['qty', 'eta'], p, `${g}.`);
          const qty = num(o.qty, `${g}.qty`, p, { min: 0, max: MAX_QTY });
          const eta = isoDate(o.eta, `${g}.eta`, p);
          if (qty !== undefined && eta !== undefined) onOrder.push({ qty, eta });
        });
      }
      if (variant !== undefined && uom !== undefined) {
        const key = `${variant}\u0000${uom}`;
        if (seen.has(key)) p.add(f, `repeats variant ${variant} in ${uom}`);
        seen.add(key);
      }
      onOrder.sort((a, b) => a.eta.localeCompare(b.eta));
      if (variant !== undefined && uom !== undefined && onHand !== undefined)
        variants.push({ variant, uom, onHand, onOrder });
    });
  }
  p.throwIfAny();
  return { leadTimeDays: leadTimeDays!, variants, ...(version !== undefined ? { version } : {}) };
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
 * (computeMaterials, line by line so that a line that does not cover the order leaves the others
 * counted), BOM lines of the same three added up.
 */
export function grossLines(matrix: Matrix, bom: readonly BomLine[]): { lines: GrossLine[]; incomplete: boolean } {
  const out = new Map<string, { line: GrossLine; milli: bigint }>();
  let incomplete = false;
  for (const bl of bom) {
    let lines: MaterialLine[];
    try {
      lines = computeMaterials(matrix, [bl]);
    } catch (err) {
      if (err instanceof ConflictError && err.code === 'BOM_INCOMPLETE') {
        incomplete = true;
        continue;
      }
      throw err;
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

export const FIRM_STATES: readonly OrderState[] = ['Planned', 'Released', 'InProgress'];
export const TENTATIVE_STATES: readonly OrderState[] = ['Draft'];
/** The states whose orders count (Completed and Cancelled count nothing). */
export const REQUIREMENT_STATES: readonly OrderState[] = [...TENTATIVE_STATES, ...FIRM_STATES];

export interface RequirementLine {
  material: string;
  variant: string;
  uom: string;
  required: { firm: number; tentative: number };
  onHand: number;
  onOrder: number;
  net: number;
  purchase: number;
  needBy: string | null;
  orderBy: string | null;
  stale: boolean;
  orders: { id: string; state: OrderState; deliveryDate: string | null; gross: number }[];
}

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
