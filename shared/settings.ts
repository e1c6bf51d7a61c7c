// Factory-wide settings: how early orders may be opened, and the defaults new orders get.
import { collect, parseWith } from './schemas/core.js';
import { ToleranceInput } from './schemas/productionOrder.js';
import { SettingsUpdate } from './schemas/settings.js';
import type { FactorySettings, Tolerance } from './types.js';
import { type Problems, requireObject } from './validate.js';

export const DEFAULT_SETTINGS: FactorySettings = {
  minTechPackStateForOrders: 'Commercial',
  defaultTolerance: { overPct: 5, underPct: 3 },
  defaultMaxBatchQty: 500,
  replenishment: { enabled: true },
  version: 0,
};

/** A PUT replaces the settings; fields left out keep their current value. */
export function parseSettingsUpdate(raw: unknown, current: FactorySettings): FactorySettings {
  const body = parseWith(SettingsUpdate, requireObject(raw));
  const next: FactorySettings = structuredClone(current);
  if (body.minTechPackStateForOrders !== undefined) next.minTechPackStateForOrders = body.minTechPackStateForOrders;
  if (body.defaultTolerance !== undefined) next.defaultTolerance = { ...body.defaultTolerance };
  if (body.defaultMaxBatchQty !== undefined) next.defaultMaxBatchQty = body.defaultMaxBatchQty;
  if (body.replenishment !== undefined) next.replenishment = { enabled: body.replenishment.enabled };
  return next;
}

export function parseTolerance(value: unknown, field: string, p: Problems): Tolerance | undefined {
  const t = collect(ToleranceInput, value, p, field);
  return t && { overPct: t.overPct, underPct: t.underPct };
}
