// Factory-wide settings: how early orders may be opened, and the defaults new orders get.
import type { FactorySettings } from './types.js';
import { TECH_PACK_STATES } from './types.js';
import { Problems, isObject, num, oneOf, rejectUnknown, requireObject } from './validate.js';

export const DEFAULT_SETTINGS: FactorySettings = {
  minTechPackStateForOrders: 'Commercial',
  defaultTolerance: { overPct: 5, underPct: 3 },
  defaultMaxBatchQty: 500,
  replenishment: { enabled: true },
  productionLeadDays: 14,
  version: 0,
};

const FIELDS = ['minTechPackStateForOrders', 'defaultTolerance', 'defaultMaxBatchQty', 'replenishment', 'productionLeadDays'] as const;

/** A PUT replaces the settings; fields left out keep their current value. */
export function parseSettingsUpdate(raw: unknown, current: FactorySettings): FactorySettings {
  const body = requireObject(raw);
  const p = new Problems();
  rejectUnknown(body, FIELDS, p);
  const next: FactorySettings = structuredClone(current);
  if (body.minTechPackStateForOrders !== undefined) {
    next.minTechPackStateForOrders = oneOf(body.minTechPackStateForOrders, TECH_PACK_STATES, 'minTechPackStateForOrders', p)!;
  }
  if (body.defaultTolerance !== undefined) next.defaultTolerance = parseTolerance(body.defaultTolerance, 'defaultTolerance', p)!;
  if (body.defaultMaxBatchQty !== undefined) {
    next.defaultMaxBatchQty = num(body.defaultMaxBatchQty, 'defaultMaxBatchQty', p, { integer: true, min: 1, max: 10_000_000 })!;
  }
  if (body.replenishment !== undefined) {
    if (!isObject(body.replenishment) || typeof body.replenishment.enabled !== 'boolean') {
      p.add('replenishment.enabled', 'must be true or false');
    } else next.replenishment = { enabled: body.replenishment.enabled };
  }
  if (body.productionLeadDays !== undefined) {
    next.productionLeadDays = num(body.productionLeadDays, 'productionLeadDays', p, { integer: true, min: 0, max: 365 })!;
  }
  p.throwIfAny();
  return next;
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
