// What the sidebar and the settings dialog may call through google.script.run, typed once for both
// sides: addon/src/main.ts implements ServerApi, addon/sidebar/run.ts calls it.
import type { OrderCommand } from '../../shared/vocabulary.js';
import type {
  BatchRow,
  Inspection,
  InspectionInput,
  InspectionPlan,
  OrderState,
  TechPackState,
  ToleranceView,
} from './model.js';
import type { MaterialsPlanSummary } from './materialsPlanSheet.js';
import type { SheetChanges } from './edits.js';
import type { MilestoneChange } from './milestones.js';
import type { MilestonesPanel } from './milestonesBlock.js';

/** Every server function answers an Outcome: a planner-facing message instead of a stack. */
export type Outcome<T> =
  | { ok: true; data: T; notice?: string }
  | { ok: false; code: string; message: string; details?: unknown };

export interface OrderListQuery {
  /** One state, or '' (any). */
  state?: OrderState | '';
  techPackId?: string;
  limit?: number;
  cursor?: string | null;
}

export interface OrderListItem {
  id: string;
  styleCode: string;
  techPackId: string;
  state: OrderState;
  version: number;
  total: number;
  deliveryDate: string | null;
  customer: string | null;
}

export interface TechPackListItem {
  id: string;
  styleCode: string;
  name: string;
  state: TechPackState;
}

export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** The order on the active sheet, as the sidebar shows it. */
export interface OrderPanel {
  orderId: string;
  sheetName: string;
  styleCode: string;
  state: OrderState;
  version: number;
  total: number;
  deliveryDate: string | null;
  customer: string | null;
  /** The quantities can change from the sheet (Draft/Planned; Released/InProgress as an amendment). */
  editable: boolean;
  /** Released/InProgress: a push is an amendment and asks for a reason (never below batched). */
  amendment: boolean;
  /** What the order offers now, in the sidebar's order (shared/vocabulary.ts orderCommandsFrom). */
  actions: OrderCommand[];
  batches: BatchRow[];
  /** Ordered, batched, produced, rejected and missing garments (missing: finished short with a reason). */
  progress: { batched: number; produced: number; rejected: number; missing: number };
  tolerance: ToleranceView | null;
  extraCutPct: number;
  materialsStale: boolean | null;
  pulledAt: string;
  /** The matrix's codes (ratio fill lists the colors; paste maps onto them). */
  sizes?: string[];
  colors?: string[];
  /** Gate facts for addon/src/availability.ts (the sidebar computes what is enabled): null when not read. */
  techPackState?: TechPackState | null;
  /** Garments still to batch and the batches generating would create (in production), null when not known. */
  toBatch?: number | null;
  toGenerate?: number | null;
  /** Cells refused by the last push and not resolved yet. */
  conflicts?: ConflictRow[];
  /** After release (addon/src/afterRelease.ts linkFacts): the first promised date, linked orders, gate facts. */
  originalDeliveryDate?: string | null;
  splitFrom?: string | null;
  backorderOf?: string | null;
  backorderId?: string | null;
  /** Garments not batched yet (what a split may move) and short of ordered (a backorder), null when not known. */
  unbatched?: number | null;
  shortfall?: number | null;
  /** The order's milestones, judged on today in the spreadsheet's time zone. */
  milestones?: MilestonesPanel;
}

/** One cell a push could not send because another planner changed it meanwhile. */
export interface ConflictRow {
  color: string;
  size: string;
  /** Where it is on the order sheet: "C22", and its 1-based row and column. */
  ref: string;
  row: number;
  col: number;
  /** What it held when you pulled, what you typed, what it holds now. */
  base: number;
  mine: number;
  theirs: number;
  by: string | null;
  /** When they changed it, in the spreadsheet's time zone ("2026-12-01 15:58", AddonService.when). */
  at: string | null;
}

export type ConflictChoice = { color: string; size: string; keep: 'mine' | 'theirs' };

export interface RatioFillRequest {
  total?: number | null;
  sizeRatio: string;
  split: { color: string; value: number }[];
  splitBy: 'percent' | 'pieces';
}

/** After a ratio fill or a paste: what was written to the sheet as pending edits, and what was not. */
export interface BulkOutcome {
  panel: OrderPanel;
  /** Cells whose value changed on the sheet (pending until pushed). */
  changed: number;
  placed: number;
  unknownSizes: { code: string; ref: string; pieces: number }[];
  unknownColors: { code: string; ref: string; pieces: number }[];
  bad: { ref: string; reason: string }[];
}

export interface PushSummary {
  sent: number;
  conflicts: number;
  invalid: number;
  /** Sizes/colors added or removed (sent as a PATCH). */
  structureChanged: boolean;
  version: number;
  panel: OrderPanel;
}

export interface SettingsView {
  apiUrl: string;
  allowedPrefixes: string[];
  email: string;
}

/** A push of a Released/InProgress order (an amendment) carries the reason. */
export interface PushOptions {
  reason?: string;
}

export interface TransitionOptions {
  reason?: string;
  /** A short-close that opens a backorder (a Draft) for the shortfall. */
  backorder?: boolean;
}

/** Re-promise (Released/InProgress: a reason is required) or, in Draft/Planned, change the delivery date. */
export interface DeliveryDateRequest {
  deliveryDate: string;
  reason?: string;
}

/** One cell of the order matrix a split would take, read off the planner's selection. */
export interface SplitCell {
  color: string;
  size: string;
  /** Where it is on the order sheet ("C8"). */
  ref: string;
  ordered: number;
  batched: number;
  /** Ordered minus batched: what may move. */
  available: number;
}

/** What the sidebar proposes from the selection: the cells (each at most its available quantity). */
export interface SplitProposal {
  orderId: string;
  /** The selection on the order sheet, "B7:D8". */
  range: string;
  cells: SplitCell[];
  /** Selected cells with nothing un-batched (named by A1). */
  nothingLeft: string[];
}

export interface SplitRequestInput {
  cells: { color: string; size: string; quantity: number }[];
  reason: string;
  deliveryDate?: string;
}

export interface SplitOutcome {
  panel: OrderPanel;
  splitId: string;
  moved: number;
}

/** What the sidebar's inspection form shows before anything is typed. */
export interface InspectionForm {
  orderId: string;
  batchId: string;
  plan: InspectionPlan;
}

/** A recorded inspection and the order panel after it. */
export interface InspectionOutcome {
  inspection: Inspection;
  plan: InspectionPlan | null;
  panel: OrderPanel;
}

export type { InspectionInput, MaterialsPlanSummary, MilestoneChange, MilestonesPanel };

/** What a push of an order sheet would send, counted from the sheet ("Push 12 changes"). */
export interface PendingChanges extends SheetChanges {
  sheetName: string;
  /** False once the order's quantities are frozen (a push would be refused). */
  editable: boolean;
  /** Cells a refused push left red and not resolved yet (the sidebar's conflict list). */
  conflicts: number;
}

export interface ServerApi {
  getSettings(): Outcome<SettingsView>;
  openSettings(): Outcome<null>;
  saveSettings(apiUrl: string): Outcome<SettingsView>;
  listOrders(query: OrderListQuery): Outcome<ListPage<OrderListItem>>;
  listTechPacks(state: string): Outcome<ListPage<TechPackListItem>>;
  getActiveOrder(): Outcome<OrderPanel | null>;
  /** `techPackId` (from the list) lets the tech pack's state come in the same fetchAll. */
  openOrder(orderId: string, techPackId?: string): Outcome<OrderPanel>;
  createOrder(input: { techPackId: string; deliveryDate?: string }): Outcome<OrderPanel>;
  refreshOrder(orderId: string, discard: boolean): Outcome<OrderPanel>;
  pushOrder(orderId: string, options?: PushOptions): Outcome<PushSummary>;
  transitionOrder(orderId: string, action: string, options: TransitionOptions): Outcome<OrderPanel>;
  generateBatches(orderId: string): Outcome<OrderPanel>;
  startBatch(orderId: string, batchId: string): Outcome<OrderPanel>;
  cancelBatch(orderId: string, batchId: string): Outcome<OrderPanel>;
  openBatchOutput(orderId: string, batchId: string): Outcome<{ sheetName: string }>;
  finishBatch(orderId: string, batchId: string, options?: TransitionOptions): Outcome<OrderPanel>;
  getInspectionPlan(orderId: string, batchId: string): Outcome<InspectionForm>;
  recordInspection(orderId: string, batchId: string, input: InspectionInput): Outcome<InspectionOutcome>;
  refreshMaterials(orderId: string): Outcome<OrderPanel>;
  /** Rewrites the spreadsheet's "Materials plan" sheet (addon/src/materialsPlanSheet.ts). */
  refreshMaterialsPlan(): Outcome<MaterialsPlanSummary>;
  /**
   * What a push would send ("Push 12 changes"), counted from the sheet: of `orderId`'s sheet, or
   * (null) the active sheet's (answers null: not an order sheet).
   */
  getPendingChanges(orderId: string | null): Outcome<PendingChanges | null>;
  selectCell(orderId: string, row: number, col: number): Outcome<null>;
  resolveConflicts(orderId: string, choices: ConflictChoice[]): Outcome<OrderPanel>;
  ratioFill(orderId: string, request: RatioFillRequest): Outcome<BulkOutcome>;
  pasteByCodes(orderId: string): Outcome<BulkOutcome>;
  /** After release (addon/src/afterRelease.ts). */
  changeDeliveryDate(orderId: string, request: DeliveryDateRequest): Outcome<OrderPanel>;
  proposeSplit(orderId: string): Outcome<SplitProposal>;
  splitOrder(orderId: string, request: SplitRequestInput): Outcome<SplitOutcome>;
  /** Marks a milestone done (today or a date), reopens or re-dates it; the sheet's milestones block follows. */
  updateMilestone(orderId: string, key: string, change: MilestoneChange): Outcome<OrderPanel>;
  /** Draws a batch's own cells on its sheet "Batch <id>" (planned; produced, rejected, missing once finished). */
  showBatchCells(orderId: string, batchId: string): Outcome<{ sheetName: string }>;
}

export type ServerFunction = keyof ServerApi;
