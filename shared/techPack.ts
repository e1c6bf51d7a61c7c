// Tech pack: one style, its sizes, colors and BOM, and the design state machine.
import { IllegalTransitionError } from './errors.js';
import type { BomLine, Color, TechPack, TechPackState } from './types.js';
import { TECH_PACK_STATES } from './types.js';
import { Problems, codeList, isObject, num, oneOf, rejectUnknown, requireObject, str, type Json } from './validate.js';

/** Allowed moves: one step forward, rejection from Approval, reopening a ready spec. */
const TECH_PACK_MOVES: Record<TechPackState, TechPackState[]> = {
  Commercial: ['Design'],
  Design: ['Approval'],
  Approval: ['ProductionReady', 'Design'],
  ProductionReady: ['Design'],
};

export function techPackStateRank(state: TechPackState): number {
  return TECH_PACK_STATES.indexOf(state);
}

/** True when `state` is `min` or further along the design flow. */
export function isAtLeast(state: TechPackState, min: TechPackState): boolean {
  return techPackStateRank(state) >= techPackStateRank(min);
}

export function nextTechPackState(pack: TechPack, to: TechPackState): TechPackState {
  if (!TECH_PACK_MOVES[pack.state].includes(to)) throw new IllegalTransitionError('tech pack', pack.state, `move to ${to}`);
  return to;
}

/** What a caller gives to create one; the service adds id, state, versions and times. */
export type TechPackInput = Pick<TechPack, 'styleCode' | 'name' | 'season' | 'sizes' | 'colors' | 'bom' | 'iqTemplate'>;

const CREATE_FIELDS = ['styleCode', 'name', 'season', 'sizes', 'colors', 'bom', 'iqTemplate'] as const;
const PATCH_FIELDS = ['name', 'season', 'sizes', 'colors', 'bom', 'iqTemplate'] as const;

export function parseTechPackCreate(raw: unknown): TechPackInput {
  const body = requireObject(raw);
  const p = new Problems();
  rejectUnknown(body, CREATE_FIELDS, p);
  const styleCode = str(body, 'styleCode', p, { required: true, max: 40 });
  const name = str(body, 'name', p, { required: true });
  const season = str(body, 'season', p, { max: 40 });
  const iqTemplate = str(body, 'iqTemplate', p, { max: 80 });
  const sizes = codeList(body.sizes, 'sizes', p, 100);
  const colors = parseColors(body.colors, p);
  // Cross-checks need valid sizes and colors: when those are bad, only their own fields are named.
  const bom = body.bom === undefined ? [] : parseBom(body.bom, sizes, colors?.map((c) => c.code), p);
  p.throwIfAny();
  return { styleCode: styleCode!, name: name!, season, sizes: sizes!, colors: colors!, bom: bom!, iqTemplate };
}

export type TechPackPatch = Partial<Omit<TechPackInput, 'styleCode'>>;

export function parseTechPackPatch(raw: unknown, current: TechPack): TechPackPatch {
  const body = requireObject(raw);
  const p = new Problems();
  rejectUnknown(body, PATCH_FIELDS, p);
  const patch: TechPackPatch = {};
  if ('name' in body) patch.name = str(body, 'name', p, { required: true });
  if ('season' in body) patch.season = str(body, 'season', p, { max: 40 });
  if ('iqTemplate' in body) patch.iqTemplate = str(body, 'iqTemplate', p, { max: 80 });
  if ('sizes' in body) patch.sizes = codeList(body.sizes, 'sizes', p, 100);
  if ('colors' in body) patch.colors = parseColors(body.colors, p);
  // A size or color list that failed to parse is not checked against (its own field is named).
  const sizes = 'sizes' in body ? patch.sizes : current.sizes;
  const colorCodes = ('colors' in body ? patch.colors : current.colors)?.map((c) => c.code);
  if ('bom' in body) patch.bom = parseBom(body.bom, sizes, colorCodes, p);
  else if (sizes && colorCodes && (patch.sizes || patch.colors)) checkBomAgainst(current.bom, sizes, colorCodes, p);
  p.throwIfAny();
  return patch;
}

/** The patched pack; its bomRevision goes up by one when the BOM actually changed. */
export function applyTechPackPatch(pack: TechPack, patch: TechPackPatch, now: string): TechPack {
  // Compared key-order-insensitively: a stored BOM's maps need not come back in the order they were sent.
  const bomChanged = patch.bom !== undefined && canonicalJson(patch.bom) !== canonicalJson(pack.bom);
  const next: TechPack = { ...pack, ...definedOnly(patch), version: pack.version + 1, updatedAt: now };
  if (bomChanged) next.bomRevision = pack.bomRevision + 1;
  return next;
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function newTechPack(input: TechPackInput, id: string, now: string): TechPack {
  return { id, ...input, state: 'Commercial', version: 1, bomRevision: 1, createdAt: now, updatedAt: now };
}

function parseColors(value: unknown, p: Problems): Color[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    p.add('colors', 'must be a non-empty list of {code, name}');
    return undefined;
  }
  if (value.length > 500) {
    p.add('colors', 'must have at most 500 entries');
    return undefined;
  }
  const before = p.list.length;
  const seen = new Set<string>();
  const out: Color[] = [];
  value.forEach((c, i) => {
    if (!isObject(c)) return p.add(`colors[${i}]`, 'must be an object {code, name}');
    const code = str(c, 'code', p, { required: true, max: 40, prefix: `colors[${i}].` });
    const name = str(c, 'name', p, { max: 80, prefix: `colors[${i}].` });
    if (code && seen.has(code)) p.add(`colors[${i}].code`, `duplicates ${JSON.stringify(code)}`);
    if (code) {
      seen.add(code);
      out.push({ code, name: name ?? code });
    }
  });
  return p.list.length === before ? out : undefined;
}

const BOM_FIELDS = [
  'material', 'uom', 'consumption', 'wastagePct', 'variants', 'appliesTo', 'purchaseMultiple', 'minimumOrderQty',
] as const;

/** Parses BOM lines; checks them against the tech pack's sizes and colors when those are known. */
export function parseBom(value: unknown, sizes: string[] | undefined, colors: string[] | undefined, p: Problems): BomLine[] | undefined {
  if (!Array.isArray(value)) {
    p.add('bom', 'must be a list of BOM lines');
    return undefined;
  }
  if (value.length > 500) {
    p.add('bom', 'must have at most 500 lines');
    return undefined;
  }
  const before = p.list.length;
  const lines = value.map((raw, i) => parseBomLine(raw, `bom[${i}]`, p));
  if (p.list.length > before) return undefined;
  if (sizes && colors) checkBomAgainst(lines as BomLine[], sizes, colors, p);
  return p.list.length > before ? undefined : (lines as BomLine[]);
}

function parseBomLine(raw: unknown, field: string, p: Problems): BomLine | undefined {
  if (!isObject(raw)) {
    p.add(field, 'must be an object');
    return undefined;
  }
  rejectUnknown(raw, BOM_FIELDS, p, `${field}.`);
  const material = str(raw, 'material', p, { required: true, max: 80, prefix: `${field}.` });
  const uom = str(raw, 'uom', p, { required: true, max: 20, prefix: `${field}.` });
  const consumption = parseConsumption(raw.consumption, `${field}.consumption`, p);
  const wastagePct = raw.wastagePct === undefined ? 0 : num(raw.wastagePct, `${field}.wastagePct`, p, { min: 0, max: 1000 });
  const line: BomLine = { material: material!, uom: uom!, consumption: consumption!, wastagePct: wastagePct! };
  if (raw.variants !== undefined) {
    if (raw.variants === 'match') line.variants = 'match';
    else if (isObject(raw.variants) && Object.values(raw.variants).every((v) => typeof v === 'string' && v.trim() !== '')) {
      line.variants = raw.variants as Record<string, string>;
    } else p.add(`${field}.variants`, 'must be "match" or an object mapping garment color to material variant');
  }
  if (raw.appliesTo !== undefined) line.appliesTo = codeList(raw.appliesTo, `${field}.appliesTo`, p, 500);
  if (raw.purchaseMultiple !== undefined) {
    const m = num(raw.purchaseMultiple, `${field}.purchaseMultiple`, p, { min: 0 });
    if (m === 0) p.add(`${field}.purchaseMultiple`, 'must be greater than 0');
    line.purchaseMultiple = m;
  }
  if (raw.minimumOrderQty !== undefined) {
    // A floor on the purchase (a supplier's minimum), not a multiple: 0 means none, so it must be above 0.
    const moq = num(raw.minimumOrderQty, `${field}.minimumOrderQty`, p, { min: 0 });
    if (moq === 0) p.add(`${field}.minimumOrderQty`, 'must be greater than 0 (leave it out for no minimum)');
    line.minimumOrderQty = moq;
  }
  return line;
}

function parseConsumption(value: unknown, field: string, p: Problems): BomLine['consumption'] | undefined {
  if (typeof value === 'number') return num(value, field, p, { min: 0 });
  if (isObject(value) && Object.keys(value).length > 0) {
    const out: Record<string, number> = {};
    for (const [size, v] of Object.entries(value)) {
      const n = num(v, `${field}.${size}`, p, { min: 0 });
      if (n !== undefined) out[size] = n;
    }
    return out;
  }
  p.add(field, 'must be a number, or an object with one number per size');
  return undefined;
}

/** A BOM must only name sizes and colors the tech pack has. */
function checkBomAgainst(bom: BomLine[], sizes: string[], colors: string[], p: Problems): void {
  bom.forEach((line, i) => {
    if (typeof line.consumption === 'object') {
      for (const size of sizes) if (!(size in line.consumption)) p.add(`bom[${i}].consumption`, `has no consumption for size ${size}`);
      for (const size of Object.keys(line.consumption)) if (!sizes.includes(size)) p.add(`bom[${i}].consumption.${size}`, `size ${size} is not one of the tech pack's sizes`);
    }
    for (const c of line.appliesTo ?? []) if (!colors.includes(c)) p.add(`bom[${i}].appliesTo`, `color ${c} is not one of the tech pack's colors`);
    if (line.variants && line.variants !== 'match') {
      for (const c of Object.keys(line.variants)) if (!colors.includes(c)) p.add(`bom[${i}].variants.${c}`, `color ${c} is not one of the tech pack's colors`);
    }
  });
}

export function parseTechPackTransition(raw: unknown): TechPackState {
  const body: Json = requireObject(raw);
  const p = new Problems();
  const to = oneOf(body.to, TECH_PACK_STATES, 'to', p);
  p.throwIfAny();
  return to!;
}
