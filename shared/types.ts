// The domain's shapes, exactly as CONTRACT.md gives them over HTTP. No storage or transport details.

export const TECH_PACK_STATES = ['Commercial', 'Design', 'Approval', 'ProductionReady'] as const;
export type TechPackState = (typeof TECH_PACK_STATES)[number];

export const ORDER_STATES = ['Draft', 'Planned', 'Released', 'InProgress', 'Completed', 'Cancelled'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const ORDER_ACTIONS = ['plan', 'reopen', 'release', 'complete', 'cancel'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

export const ROLES = ['admin', 'commercial', 'planner', 'logistics', 'viewer', 'system'] as const;
export type Role = (typeof ROLES)[number];

/** One row per color, one column per size. */
export interface Matrix {
  sizes: string[];
  colors: string[];
  quantities: number[][];
}

export interface Color {
  code: string;
  name: string;
}

export interface BomLine {
  material: string;
  uom: string;
  /** Per garment: one number, or one per size. */
  consumption: number | Record<string, number>;
  wastagePct: number;
  /** Material variant per garment color, or `match` (the variant is the garment color's code). */
  variants?: 'match' | Record<string, string>;
  /** Only garments of these colors use this line. */
  appliesTo?: string[];
  /** Purchases are made in multiples of this (roll length, MOQ). */
  purchaseMultiple?: number;
}

export interface TechPack {
  id: string;
  styleCode: string;
  name: string;
  season?: string;
  sizes: string[];
  colors: Color[];
  bom: BomLine[];
  iqTemplate?: string;
  state: TechPackState;
  version: number;
  bomRevision: number;
  createdAt: string;
  updatedAt: string;
}

export interface Tolerance {
  overPct: number;
  underPct: number;
}

export interface BatchPlan {
  maxBatchQty: number;
}

export type OrderSource =
  | { type: 'commercial' }
  | { type: 'salesOrder'; salesOrderId: string; customer: string }
  | { type: 'replenishment' };

export interface OrderProgress {
  batched: Matrix;
  produced: Matrix;
  rejected: Matrix;
}

export interface ProductionOrder {
  id: string;
  techPackId: string;
  styleCode: string;
  state: OrderState;
  version: number;
  deliveryDate: string | null;
  matrix: Matrix;
  total: number;
  source: OrderSource;
  tolerance: Tolerance;
  batchPlan: BatchPlan;
  iqTemplate: string | null;
  notes: string;
  /** The tech pack's BOM revision frozen at release; null before. */
  releasedBomRevision: number | null;
  progress: OrderProgress;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface HistoryEntry {
  at: string;
  actor: string;
  action: string;
  from: string | null;
  to: string | null;
  version: number;
  reason?: string;
  details?: unknown;
}

export interface FactorySettings {
  minTechPackStateForOrders: TechPackState;
  defaultTolerance: Tolerance;
  defaultMaxBatchQty: number;
  replenishment: { enabled: boolean };
  /** Days between a material's arrival and the order's delivery date (requirements' needBy). */
  productionLeadDays: number;
  version: number;
}

export interface Actor {
  /** Who the caller is: email, or the client id of a system caller. */
  id: string;
  roles: Role[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
