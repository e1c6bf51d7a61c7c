// Factory-wide settings: how early orders may be opened, and the defaults new orders get.
import { ValidationError } from './errors.js';
import { collect, parseWith } from './schemas/core.js';
import { ToleranceInput as ToleranceInputSchema } from './schemas/productionOrder.js';
import { SettingsUpdate } from './schemas/settings.js';
import type { InferOutput } from 'valibot';
import type { FactorySettings, Tolerance, ToleranceScope } from './types.js';
import { isObject, type Problems, requireObject } from './validate.js';

export const DEFAULT_SETTINGS: FactorySettings = {
  minTechPackStateForOrders: 'Commercial',
  defaultTolerance: { overPct: 5, underPct: 3, scope: 'color' },
  defaultMaxBatchQty: 500,
  replenishment: { enabled: true, leadTimeDays: 28, minQtyPerColor: 0 },
  productionLeadDays: 14,
  milestoneTemplate: [],
  version: 0,
};

/** Fields GET answers that a PUT may send back but never sets (`version` makes the write conditional). */
export const READ_ONLY_SETTINGS_FIELDS = ['version'] as const;

/** Settings as stored, completed with the defaults of fields added since they were written. */
export function withSettingsDefaults(stored: FactorySettings): FactorySettings {
  return {
    ...stored,
    replenishment: { ...DEFAULT_SETTINGS.replenishment, ...stored.replenishment },
    milestoneTemplate: stored.milestoneTemplate ?? [],
  };
}

/**
 * A PUT replaces the settings; fields left out keep their current value (inside `replenishment` too).
 * The body `GET` answered is accepted as it is: its read-only fields are not settings (see settingsWriteVersion).
 */
export function parseSettingsUpdate(raw: unknown, current: FactorySettings): FactorySettings {
  const body = parseWith(SettingsUpdate, requireObject(raw));
  const next: FactorySettings = structuredClone(current);
  if (body.minTechPackStateForOrders !== undefined) next.minTechPackStateForOrders = body.minTechPackStateForOrders;
  // Left out, the tolerance's scope stays what the factory had.
  if (body.defaultTolerance !== undefined) {
    next.defaultTolerance = withToleranceDefaults(body.defaultTolerance, current.defaultTolerance?.scope);
  }
  if (body.defaultMaxBatchQty !== undefined) next.defaultMaxBatchQty = body.defaultMaxBatchQty;
  const r = body.replenishment;
  if (r?.enabled !== undefined) next.replenishment.enabled = r.enabled;
  if (r?.leadTimeDays !== undefined) next.replenishment.leadTimeDays = r.leadTimeDays;
  if (r?.minQtyPerColor !== undefined) next.replenishment.minQtyPerColor = r.minQtyPerColor;
  if (body.productionLeadDays !== undefined) next.productionLeadDays = body.productionLeadDays;
  if (body.milestoneTemplate !== undefined) {
    next.milestoneTemplate = body.milestoneTemplate.map(({ key, name, daysBeforeDelivery }) => ({
      key,
      name,
      daysBeforeDelivery,
    }));
  }
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

/** A tolerance as sent: `scope` may be left out (the caller fills it in: withToleranceDefaults). */
export type ToleranceInput = InferOutput<typeof ToleranceInputSchema>;

export function parseTolerance(value: unknown, field: string, p: Problems): ToleranceInput | undefined {
  const t = collect(ToleranceInputSchema, value, p, field);
  if (!t) return undefined;
  const { overPct, underPct, scope } = t;
  return scope ? { overPct, underPct, scope } : { overPct, underPct };
}

/**
 * The tolerance with its scope: as given, else `fallback` (the factory's default scope for a new
 * order, the order's own for a patch), else `color`. Stored tolerances from before `scope` read as `color`.
 */
export function withToleranceDefaults(t: ToleranceInput, fallback?: ToleranceScope): Tolerance {
  return { overPct: t.overPct, underPct: t.underPct, scope: t.scope ?? fallback ?? 'color' };
}
