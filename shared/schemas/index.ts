// Every named shape of the HTTP API: the OpenAPI document's components/schemas are these, converted
// by @valibot/to-json-schema (functions/http/openapi.ts). A request body's name is what
// functions/http/routes.ts gives as `body`; a resource's what it gives as `response`.
import * as v from 'valibot';
import { RoleMapping, RoleMappingInput } from './admin.js';
import { BatchCreate, BatchTransition, GenerateBatches, ProductionBatch } from './batches.js';
import { OnOrderInput, RawMaterial, RawMaterialPut, RawMaterialVariantInput, RequirementLine } from './logistics.js';
import { Matrix, MatrixInput } from './matrix.js';
import { Milestone, MilestoneListItem, MilestoneTemplateEntry, MilestoneUpdate } from './milestones.js';
import {
  HistoryEntry,
  MatrixEdits,
  OrderCreate,
  OrderPatch,
  OrderSplit,
  OrderSplitResult,
  OrderTransition,
  ProductionOrder,
  Tolerance,
  ToleranceInput,
} from './productionOrder.js';
import {
  IqTemplate,
  IqTemplateCreate,
  IqTemplatePatch,
  Inspection,
  InspectionCreate,
  InspectionPlan,
} from './quality.js';
import {
  ErrorBody,
  Health,
  MaterialLine,
  MaterialsSummary,
  ProductionOrderSummary,
  ReplenishmentRun,
  SalesOrderSummary,
  TechPackSummary,
  pageOf,
} from './resources.js';
import { SalesOrder, SalesOrderCreate, SalesOrderProductionOrder, SalesOrderTransition } from './salesOrder.js';
import { FactorySettings, SettingsUpdate } from './settings.js';
import { Stock, StockCell, StockCellInput, StockPut } from './stock.js';
import { BomLine, BomLineInput, TechPack, TechPackCreate, TechPackPatch, TechPackTransition } from './techPack.js';

/** Request bodies: strict (unknown fields refused at any depth), every bound the parser enforces. */
export const REQUEST_SCHEMAS = {
  SettingsInput: SettingsUpdate,
  TechPackInput: TechPackCreate,
  TechPackPatch,
  TechPackTransition,
  BomLineInput,
  OrderInput: OrderCreate,
  OrderPatch,
  OrderTransition,
  MatrixEdits,
  OrderSplit,
  MatrixInput,
  ToleranceInput,
  BatchInput: BatchCreate,
  GenerateBatchesInput: GenerateBatches,
  BatchTransition,
  RoleMappingInput,
  SalesOrderInput: SalesOrderCreate,
  SalesOrderTransition,
  SalesOrderProductionOrderInput: SalesOrderProductionOrder,
  StockCellInput,
  StockInput: StockPut,
  IqTemplateInput: IqTemplateCreate,
  IqTemplatePatch,
  InspectionInput: InspectionCreate,
  OnOrderInput,
  RawMaterialVariantInput,
  RawMaterialInput: RawMaterialPut,
  MilestoneTemplateEntry,
  MilestoneInput: MilestoneUpdate,
} satisfies Record<string, v.GenericSchema>;

/** What the API answers. */
export const RESOURCE_SCHEMAS = {
  Matrix,
  Tolerance,
  BomLine,
  Health,
  Error: ErrorBody,
  Settings: FactorySettings,
  TechPack,
  TechPackSummary,
  TechPackPage: pageOf(TechPackSummary),
  ProductionOrder,
  ProductionOrderSummary,
  ProductionOrderPage: pageOf(ProductionOrderSummary),
  OrderSplitResult,
  HistoryEntry,
  HistoryPage: pageOf(HistoryEntry),
  RoleMapping,
  RoleMappingPage: pageOf(RoleMapping),
  ProductionBatch,
  ProductionBatchPage: pageOf(ProductionBatch),
  GeneratedBatches: v.object({ items: v.array(ProductionBatch), order: ProductionOrder }),
  MaterialLine,
  MaterialsSummary,
  SalesOrder,
  SalesOrderSummary,
  SalesOrderPage: pageOf(SalesOrderSummary),
  StockCell,
  Stock,
  RawMaterial,
  RequirementLine,
  RequirementPage: pageOf(RequirementLine),
  ReplenishmentRun,
  IqTemplate,
  IqTemplatePage: pageOf(IqTemplate),
  InspectionPlan,
  Inspection,
  InspectionPage: pageOf(Inspection),
  Milestone,
  MilestoneListItem,
  MilestonePage: pageOf(MilestoneListItem),
} satisfies Record<string, v.GenericSchema>;
