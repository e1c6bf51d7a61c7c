// Factory-wide settings: how early orders may be opened, and the defaults new orders get.
import type { FactorySettings } from './types.js';
import { ValidationError } from './errors.js';
import { TECH_PACK_STATES } from './types.js';
import { Problems, isObject, num, oneOf, rejectUnknown, requireObject } from './validate.js';

export const DEFAULT_SETTINGS: FactorySettings = {
  minTechPackStateForOrders: 'Commercial',
  defaultTolerance: { overPct: 5, underPct: 3 },
  defaultMaxBatchQty: 500,
  replenishment: { enabled: true, leadTimeDays: 28, minQtyPerColor: 0 },
  version: 0,
};

const FIELDS = ['minTechPackStateForOrders', 'defaultTolerance', 'defaultMaxBatchQty', 'replenishment'] as const;
/** Fields GET answers that a PUT may send back but never sets (`version` makes the write conditional). */
export const READ_ONLY_SETTINGS_FIELDS = ['version'] as const;
const REPLENISHMENT_FIELDS = ['enabled', 'leadTimeDays', 'minQtyPerColor'] as const;

/** Settings as stored, completed with the defaults of fields added since they were written. */
export function withSettingsDefaults(stored: FactorySettings): FactorySettings {
  return { ...stored, replenishment: { ...DEFAULT_SETTINGS.replenishment, ...stored.replenishment } };
}

/**
 * A PUT replaces the settings; fields left out keep their current value (inside `replenishment` too).
 * The body `GET` answered is accepted as it is: its read-only fields are not settings (see settingsWriteVersion).
 */
export function parseSettingsUpdate(raw: unknown, current: FactorySettings): FactorySettings {
  const body = requireObject(raw);
  const p = new Problems();
  rejectUnknown(body, [...FIELDS, ...READ_ONLY_SETTINGS_FIELDS], p);
  const next: FactorySettings = structuredClone(current);
  if (body.minTechPackStateForOrders !== undefined) {
    next.minTechPackStateForOrders = oneOf(body.minTechPackStateForOrders, TECH_PACK_STATES, 'minTechPackStateForOrders', p)!;
  }
  if (body.defaultTolerance !== undefined) next.defaultTolerance = parseTolerance(body.defaultTolerance, 'defaultTolerance', p)!;
  if (body.defaultMaxBatchQty !== undefined) {
    next.defaultMaxBatchQty = num(body.defaultMaxBatchQty, 'defaultMaxBatchQty', p, { integer: true, min: 1, max: 10_000_000 })!;
  }
  if (body.replenishment !== undefined) {
    const r = body.replenishment;
    if (!isObject(r)) p.add('replenishment', 'must be an object {enabled?, leadTimeDays?, minQtyPerColor?}');
    else {
      rejectUnknown(r, REPLENISHMENT_FIELDS, p, 'replenishment.');
      if (r.enabled !== undefined) {
        if (typeof r.enabled !== 'boolean') p.add('replenishment.enabled', 'must be true or false');
        else next.replenishment.enabled = r.enabled;
      }
      if (r.leadTimeDays !== undefined) {
        const days = num(r.leadTimeDays, 'replenishment.leadTimeDays', p, { integer: true, min: 0, max: 3650 });
        if (days !== undefined) next.replenishment.leadTimeDays = days;
      }
      if (r.minQtyPerColor !== undefined) {
        const min = num(r.minQtyPerColor, 'replenishment.minQtyPerColor', p, { integer: true, min: 0, max: 1e7 });
        if (min !== undefined) next.replenishment.minQtyPerColor = min;
      }
    }
  }
  if (body.version !== undefined) num(body.version, 'version', p, { integer: true, min: 0 });
  p.throwIfAny();
  return next;
}

/**
 * The settings version a PUT is conditional on: the body's `version` (as GET answered it), or the
 * If-Match header's; undefined when neither is given (the write then applies to whatever is current).
 * Both given and different: 400.
 */
export function settingsWriteVersion(raw: unknown, ifMatch: number | undefined): number | undefined {
  const v = isObject(raw) ? raw.version : undefined;
  const bodyVersion = typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
  if (bodyVersion !== undefined && ifMatch !== undefined && bodyVersion !== ifMatch) {
    const message = `is ${bodyVersion} but If-Match says ${ifMatch}: send one version`;
    throw new ValidationError([{ field: 'version', message }]);
  }
  return ifMatch ?? bodyVersion;
}

export function parseTolerance(value: unknown, field: string, p: Problems) {
  if (!isObject(value)) {
    p.add(field, 'must be an object {overPct, underPct}');
    return undefined;
  }
  const overPct = num(value.overPct, `${field}.overPct`, p, { min: 0, max: 100 });
  const underPct = num(value.underPct, `${field}.underPct`, p, { min: 0, max: 100 });
  return overPct === undefined || underPct === undefined ? undefined : { overPct, underPct };
}
