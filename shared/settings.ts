// Factory-wide settings: how early orders may be opened, and the defaults new orders get.
import type { FactorySettings, Tolerance, ToleranceScope } from './types.js';
import { TECH_PACK_STATES, TOLERANCE_SCOPES } from './types.js';
import { Problems, isObject, num, oneOf, rejectUnknown, requireObject } from './validate.js';

export const DEFAULT_SETTINGS: FactorySettings = {
  minTechPackStateForOrders: 'Commercial',
  defaultTolerance: { overPct: 5, underPct: 3, scope: 'color' },
  defaultMaxBatchQty: 500,
  replenishment: { enabled: true },
  version: 0,
};

const FIELDS = ['minTechPackStateForOrders', 'defaultTolerance', 'defaultMaxBatchQty', 'replenishment'] as const;

/** A PUT replaces the settings; fields left out keep their current value. */
export function parseSettingsUpdate(raw: unknown, current: FactorySettings): FactorySettings {
  const body = requireObject(raw);
  const p = new Problems();
  rejectUnknown(body, FIELDS, p);
  const next: FactorySettings = structuredClone(current);
  if (body.minTechPackStateForOrders !== undefined) {
    next.minTechPackStateForOrders = oneOf(body.minTechPackStateForOrders, TECH_PACK_STATES, 'minTechPackStateForOrders', p)!;
  }
  if (body.defaultTolerance !== undefined) {
    const t = parseTolerance(body.defaultTolerance, 'defaultTolerance', p);
    // Left out, the scope stays what the factory had.
    if (t) next.defaultTolerance = withToleranceDefaults(t, current.defaultTolerance?.scope);
  }
  if (body.defaultMaxBatchQty !== undefined) {
    next.defaultMaxBatchQty = num(body.defaultMaxBatchQty, 'defaultMaxBatchQty', p, { integer: true, min: 1, max: 10_000_000 })!;
  }
  if (body.replenishment !== undefined) {
    if (!isObject(body.replenishment) || typeof body.replenishment.enabled !== 'boolean') {
      p.add('replenishment.enabled', 'must be true or false');
    } else next.replenishment = { enabled: body.replenishment.enabled };
  }
  p.throwIfAny();
  return next;
}

/** A tolerance as sent: `scope` may be left out (the caller fills it in: withToleranceDefaults). */
export type ToleranceInput = Omit<Tolerance, 'scope'> & { scope?: ToleranceScope };

export function parseTolerance(value: unknown, field: string, p: Problems): ToleranceInput | undefined {
  if (!isObject(value)) {
    p.add(field, 'must be an object {overPct, underPct, scope?}');
    return undefined;
  }
  const overPct = num(value.overPct, `${field}.overPct`, p, { min: 0, max: 100 });
  const underPct = num(value.underPct, `${field}.underPct`, p, { min: 0, max: 100 });
  const scope = value.scope === undefined ? undefined : oneOf(value.scope, TOLERANCE_SCOPES, `${field}.scope`, p);
  if (overPct === undefined || underPct === undefined) return undefined;
  if (value.scope !== undefined && scope === undefined) return undefined;
  return scope ? { overPct, underPct, scope } : { overPct, underPct };
}

/**
 * The tolerance with its scope: as given, else `fallback` (the factory's default scope for a new
 * order, the order's own for a patch), else `color`. Stored tolerances from before `scope` read as `color`.
 */
export function withToleranceDefaults(t: ToleranceInput, fallback?: ToleranceScope): Tolerance {
  return { overPct: t.overPct, underPct: t.underPct, scope: t.scope ?? fallback ?? 'color' };
}
