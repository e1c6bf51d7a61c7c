// The domain's shapes, exactly as CONTRACT.md gives them over HTTP. No storage or transport details.
// Each type is inferred from its schema in shared/schemas/ (declared once there); the word lists
// (states, actions, roles) are here.
import type * as v from 'valibot';
import type * as s from './schemas/matrix.js';
import type * as po from './schemas/productionOrder.js';
import type * as st from './schemas/settings.js';
import type * as tp from './schemas/techPack.js';

export const TECH_PACK_STATES = ['Commercial', 'Design', 'Approval', 'ProductionReady'] as const;
export type TechPackState = (typeof TECH_PACK_STATES)[number];

export const ORDER_STATES = ['Draft', 'Planned', 'Released', 'InProgress', 'Completed', 'Cancelled'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const ORDER_ACTIONS = ['plan', 'reopen', 'release', 'complete', 'cancel'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

export const TOLERANCE_SCOPES = ['order', 'color', 'cell'] as const;
/** The level completion compares produced with ordered at: the whole order, each color, or each cell. */
export type ToleranceScope = (typeof TOLERANCE_SCOPES)[number];

export { ROLES, type Role } from './roles.js';
import type { Role } from './roles.js';

export type Matrix = v.InferOutput<typeof s.Matrix>;
export type Color = v.InferOutput<typeof tp.Color>;
export type BomLine = v.InferOutput<typeof tp.BomLine>;
export type TechPack = v.InferOutput<typeof tp.TechPack>;
export type Tolerance = v.InferOutput<typeof po.Tolerance>;
export type BatchPlan = v.InferOutput<typeof po.BatchPlan>;
export type OrderSource = v.InferOutput<typeof po.OrderSource>;
export type OrderProgress = v.InferOutput<typeof po.OrderProgress>;
export type ProductionOrder = v.InferOutput<typeof po.ProductionOrder>;
export type HistoryEntry = v.InferOutput<typeof po.HistoryEntry>;
export type FactorySettings = v.InferOutput<typeof st.FactorySettings>;

export interface Actor {
  /** Who the caller is: email, or the client id of a system caller. */
  id: string;
  roles: Role[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
