// Tech pack: one style, its sizes, colors and BOM, and the design state machine.
import { ConflictError, ForbiddenError, IllegalTransitionError } from './errors.js';
import type { Actor, BomLine, Color, HistoryEntry, Role, TechPack, TechPackState } from './types.js';
import { TECH_PACK_STATES } from './types.js';
import { collect, parseWith, quiet } from './schemas/core.js';
import {
  BomInput,
  TechPackCreate,
  TechPackPatch as TechPackPatchSchema,
  TechPackTransition,
} from './schemas/techPack.js';
import { Problems, isObject, requireObject } from './validate.js';

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

/** Who may sign a spec off (move it to ProductionReady). Every other move is open to the route's roles. */
export const SIGN_OFF_ROLES: readonly Role[] = ['approver', 'admin'];

/** The move, if the state machine allows it and the caller holds the right: 409 / 403 otherwise. */
export function nextTechPackState(pack: TechPack, to: TechPackState, actor: Pick<Actor, 'roles'>): TechPackState {
  if (!TECH_PACK_MOVES[pack.state].includes(to))
    throw new IllegalTransitionError('tech pack', pack.state, `move to ${to}`);
  if (to === 'ProductionReady' && !actor.roles.some((r) => SIGN_OFF_ROLES.includes(r))) {
    throw new ForbiddenError(
      `Only an approver (or an admin) can sign tech pack ${pack.id} off to ProductionReady: ` +
        'ask someone with the approver role',
    );
  }
  return to;
}

/** In these states the spec is signed off, or being signed off: sizes, colors, BOM and IQ template are locked. */
export const SPEC_LOCKED_STATES: readonly TechPackState[] = ['Approval', 'ProductionReady'];
export const SPEC_FIELDS = ['sizes', 'colors', 'bom', 'iqTemplate'] as const;

/** The spec fields a patch really changes: the same values sent back unchanged are no change. */
export function changedSpecFields(pack: TechPack, patch: TechPackPatch): (typeof SPEC_FIELDS)[number][] {
  return SPEC_FIELDS.filter((f) => patch[f] !== undefined && canonicalJson(patch[f]) !== canonicalJson(pack[f]));
}

/** 409 TECH_PACK_LOCKED when a signed-off (or in-approval) spec would change; name and season stay editable. */
export function requireSpecEditable(pack: TechPack, patch: TechPackPatch): void {
  if (!SPEC_LOCKED_STATES.includes(pack.state)) return;
  const fields = changedSpecFields(pack, patch);
  if (fields.length === 0) return;
  throw new ConflictError(
    'TECH_PACK_LOCKED',
    `Tech pack ${pack.id} is in ${pack.state}: its spec (${fields.join(', ')}) cannot change. ` +
      'To change it, move the tech pack back to Design, edit it there, and take it through Approval again; ' +
      'name and season stay editable',
    { state: pack.state, fields, moveTo: 'Design' },
  );
}

/** What a caller gives to create one; the service adds id, state, versions and times. */
export type TechPackInput = Pick<TechPack, 'styleCode' | 'name' | 'season' | 'sizes' | 'colors' | 'bom' | 'iqTemplate'>;

/**
 * The TechPackCreate schema (shared/schemas/techPack.ts), then the BOM against the sizes and
 * colors. Cross-checks need valid sizes and colors: when those are bad, only their own fields are named.
 */
export function parseTechPackCreate(raw: unknown): TechPackInput {
  const body = requireObject(raw);
  const p = new Problems();
  const input = collect(TechPackCreate, body, p);
  const sizes = input?.sizes ?? quiet(TechPackCreate.entries.sizes, body.sizes);
  const colors = (input?.colors ?? quiet(TechPackCreate.entries.colors, body.colors))?.map((c) => c.code);
  const bom = input ? (input.bom ?? []) : quiet(BomInput, body.bom ?? []);
  if (sizes && colors && bom) checkBomAgainst(bom as BomLine[], sizes, colors, p);
  p.throwIfAny();
  const { styleCode, name, season, iqTemplate } = input!;
  return {
    styleCode,
    name,
    sizes: input!.sizes,
    colors: colorsOf(input!.colors),
    bom: input!.bom ?? [],
    ...(season != null ? { season } : {}),
    ...(iqTemplate != null ? { iqTemplate } : {}),
  } as TechPackInput;
}

const colorsOf = (colors: { code: string; name?: string | null }[]): Color[] =>
  colors.map((c) => ({ code: c.code, name: c.name ?? c.code }));

export type TechPackPatch = Partial<Omit<TechPackInput, 'styleCode'>>;

export function parseTechPackPatch(raw: unknown, current: TechPack): TechPackPatch {
  const body = requireObject(raw);
  const p = new Problems();
  const input = collect(TechPackPatchSchema, body, p);
  const has = (k: string) => Object.prototype.hasOwnProperty.call(body, k);
  // A size or color list that failed to parse is not checked against (its own field is named).
  const sizes = has('sizes') ? quiet(TechPackPatchSchema.entries.sizes, body.sizes) : current.sizes;
  const colors = has('colors') ? quiet(TechPackPatchSchema.entries.colors, body.colors) : current.colors;
  const colorCodes = colors?.map((c) => c.code);
  if (has('bom')) {
    const bom = quiet(BomInput, body.bom);
    if (bom && sizes && colorCodes) checkBomAgainst(bom as BomLine[], sizes, colorCodes, p);
  } else if (sizes && colorCodes && (has('sizes') || has('colors'))) checkBomAgainst(current.bom, sizes, colorCodes, p);
  p.throwIfAny();
  const patch: TechPackPatch = {};
  if (has('name')) patch.name = input!.name;
  if (has('season')) patch.season = input!.season ?? undefined;
  if (has('iqTemplate')) patch.iqTemplate = input!.iqTemplate ?? undefined;
  if (has('sizes')) patch.sizes = input!.sizes;
  if (has('colors')) patch.colors = colorsOf(input!.colors!);
  if (has('bom')) patch.bom = input!.bom as BomLine[];
  return patch;
}

/**
 * The patched pack; its bomRevision goes up by one when the BOM actually changed. A signed-off spec
 * refuses to change (requireSpecEditable).
 */
export function applyTechPackPatch(pack: TechPack, patch: TechPackPatch, now: string): TechPack {
  requireSpecEditable(pack, patch);
  // Compared key-order-insensitively: a stored BOM's maps need not come back in the order they were sent.
  const bomChanged = patch.bom !== undefined && canonicalJson(patch.bom) !== canonicalJson(pack.bom);
  const next: TechPack = { ...pack, ...definedOnly(patch), version: pack.version + 1, updatedAt: now };
  if (bomChanged) next.bomRevision = pack.bomRevision + 1;
  return next;
}

/**
 * The history entry of a patch. It records the BOM revision beside the previous one: when they
 * differ the entry announces TechPack.BomChanged (shared/events.ts), in the same write as the change.
 */
export function techPackUpdateEntry(
  before: TechPack,
  after: TechPack,
  patch: TechPackPatch,
  actor: Pick<Actor, 'id'>,
  now: string,
): HistoryEntry {
  const previousBomRevision = before.bomRevision;
  const details = { fields: Object.keys(patch), bomRevision: after.bomRevision, previousBomRevision };
  const { state: from } = before;
  return { at: now, actor: actor.id, action: 'update', from, to: after.state, version: after.version, details };
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function newTechPack(input: TechPackInput, id: string, now: string): TechPack {
  return { id, ...input, state: 'Commercial', version: 1, bomRevision: 1, createdAt: now, updatedAt: now };
}

/** Parses BOM lines; checks them against the tech pack's sizes and colors when those are known. */
export function parseBom(
  value: unknown,
  sizes: string[] | undefined,
  colors: string[] | undefined,
  p: Problems,
): BomLine[] | undefined {
  const before = p.list.length;
  const lines = collect(BomInput, value, p, 'bom') as BomLine[] | undefined;
  if (!lines) return undefined;
  if (sizes && colors) checkBomAgainst(lines, sizes, colors, p);
  return p.list.length > before ? undefined : lines;
}

/** A BOM must only name sizes and colors the tech pack has. */
function checkBomAgainst(bom: BomLine[], sizes: string[], colors: string[], p: Problems): void {
  bom.forEach((line, i) => {
    if (typeof line.consumption === 'object') {
      const has = (size: string) => Object.prototype.hasOwnProperty.call(line.consumption, size);
      for (const size of sizes) if (!has(size)) p.add(`bom[${i}].consumption`, `has no consumption for size ${size}`);
      for (const size of Object.keys(line.consumption))
        if (!sizes.includes(size))
          p.add(`bom[${i}].consumption.${size}`, `size ${size} is not one of the tech pack's sizes`);
    }
    for (const c of line.appliesTo ?? [])
      if (!colors.includes(c)) p.add(`bom[${i}].appliesTo`, `color ${c} is not one of the tech pack's colors`);
    if (line.variants && line.variants !== 'match') {
      for (const c of Object.keys(line.variants))
        if (!colors.includes(c)) p.add(`bom[${i}].variants.${c}`, `color ${c} is not one of the tech pack's colors`);
    }
  });
}

export function parseTechPackTransition(raw: unknown): TechPackState {
  return parseWith(TechPackTransition, requireObject(raw)).to;
}
