// Every route of the HTTP API as data: the CDK stack creates one API Gateway route per entry,
// the OpenAPI document describes them, and the handler binds each id to its function.
import { ROLE_SETS } from '../../shared/roles.js';
import type { Role } from '../../shared/types.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  id: string;
  method: Method;
  /** API Gateway syntax: /v1/production-orders/{id} */
  path: string;
  public: boolean;
  /** Roles allowed to call it (ignored for public routes). */
  roles: readonly Role[];
  summary: string;
  /** The write needs If-Match (PATCH always does; a PUT may too). */
  ifMatch?: boolean;
  /** Named request body schema in the OpenAPI document. */
  body?: string;
  /** The body may be left out altogether. */
  bodyOptional?: boolean;
  /** Named response schema. */
  response?: string;
  query?: readonly string[];
}

const {
  any: ANY,
  design: DESIGN,
  openOrders: OPEN_ORDERS,
  editOrders: EDIT_ORDERS,
  plan: PLAN,
  admin: ADMIN,
  sell: SELL,
  stockWrite: STOCK_WRITE,
  runJobs: RUN_JOBS,
  refreshMaterials: REFRESH_MATERIALS,
  quality: QUALITY,
  milestones: MILESTONES,
} = ROLE_SETS;
/** Tech pack moves; which of them a role may make (only approver or admin to ProductionReady) is the domain's rule. */
const MOVE_TECH_PACKS: readonly Role[] = ROLE_SETS.moveTechPacks;

const route = (
  id: string,
  method: Method,
  path: string,
  roles: readonly Role[],
  summary: string,
  extra: Partial<RouteSpec> = {},
): RouteSpec => ({
  id,
  method,
  path,
  public: false,
  roles,
  summary,
  ...extra,
});

export const ROUTE_SPECS = [
  { ...route('health', 'GET', '/v1/health', [], 'Liveness check'), public: true },
  { ...route('openapi', 'GET', '/v1/openapi.json', [], 'This API as an OpenAPI 3.1 document'), public: true },
  route('getSettings', 'GET', '/v1/settings', ANY, 'Factory settings', { response: 'Settings' }),
  route('putSettings', 'PUT', '/v1/settings', ADMIN, 'Change factory settings (fields left out keep their value)', {
    body: 'SettingsInput',
    response: 'Settings',
  }),
  route('createTechPack', 'POST', '/v1/tech-packs', DESIGN, 'Create a tech pack (starts in Commercial)', {
    body: 'TechPackInput',
    response: 'TechPack',
  }),
  route('listTechPacks', 'GET', '/v1/tech-packs', ANY, 'List tech packs, newest first', {
    query: ['state', 'limit', 'cursor'],
    response: 'TechPackPage',
  }),
  route('getTechPack', 'GET', '/v1/tech-packs/{id}', ANY, 'Get one tech pack', { response: 'TechPack' }),
  route(
    'patchTechPack',
    'PATCH',
    '/v1/tech-packs/{id}',
    DESIGN,
    'Change a tech pack (If-Match); a BOM change bumps bomRevision; in Approval or ProductionReady only name and ' +
      'season change (409 TECH_PACK_LOCKED otherwise)',
    { body: 'TechPackPatch', response: 'TechPack' },
  ),
  route(
    'transitionTechPack',
    'POST',
    '/v1/tech-packs/{id}/transitions',
    MOVE_TECH_PACKS,
    'Move a tech pack to another state (to ProductionReady: approver or admin only, 403 otherwise)',
    { body: 'TechPackTransition', response: 'TechPack' },
  ),
  route(
    'createOrder',
    'POST',
    '/v1/production-orders',
    OPEN_ORDERS,
    'Open a production order (Draft); sizes and colors default from the tech pack',
    { body: 'OrderInput', response: 'ProductionOrder' },
  ),
  route('listOrders', 'GET', '/v1/production-orders', ANY, 'List production orders, newest first', {
    query: ['state', 'techPackId', 'limit', 'cursor'],
    response: 'ProductionOrderPage',
  }),
  route('getOrder', 'GET', '/v1/production-orders/{id}', ANY, 'Get one production order', {
    response: 'ProductionOrder',
  }),
  route(
    'patchOrder',
    'PATCH',
    '/v1/production-orders/{id}',
    EDIT_ORDERS,
    'Change an order (If-Match); planning fields freely in Draft or Planned; once Released or InProgress the ' +
      'delivery date (a re-promise: originalDeliveryDate kept) or matrix, sizes and colors (an amendment, never ' +
      'below batched: 409 BELOW_BATCHED) with a reason',
    { body: 'OrderPatch', response: 'ProductionOrder' },
  ),
  route(
    'transitionOrder',
    'POST',
    '/v1/production-orders/{id}/transitions',
    PLAN,
    'plan, reopen, release, complete, cancel',
    { body: 'OrderTransition', response: 'ProductionOrder' },
  ),
  route(
    'matrixEdits',
    'POST',
    '/v1/production-orders/{id}/matrix-edits',
    EDIT_ORDERS,
    'Cell-level edits merged with other planners\u2019 work; on a Released or InProgress order an amendment: ' +
      'reason required, never below batched (409 BELOW_BATCHED)',
    { body: 'MatrixEdits', response: 'ProductionOrder' },
  ),
  route(
    'splitOrder',
    'POST',
    '/v1/production-orders/{id}/split',
    PLAN,
    'Move un-batched quantity to a new order linked by splitFrom (Draft, Planned: the same state; Released, ' +
      'InProgress: Released); reason required; 409 BELOW_BATCHED naming the cells beyond their un-batched quantity',
    { body: 'OrderSplit', response: 'OrderSplitResult' },
  ),
  route('orderHistory', 'GET', '/v1/production-orders/{id}/history', ANY, 'Audit history of an order, oldest first', {
    query: ['limit', 'cursor'],
    response: 'HistoryPage',
  }),
  route(
    'putMilestone',
    'PUT',
    '/v1/production-orders/{id}/milestones/{key}',
    MILESTONES,
    'Mark a milestone done (or reopen it: done null) or re-date it (If-Match; later needs a reason); answers the order',
    { body: 'MilestoneInput', response: 'ProductionOrder', ifMatch: true },
  ),
  route(
    'listMilestones',
    'GET',
    '/v1/milestones',
    ANY,
    'Milestones across open orders, soonest first (open by default; dueBefore: due before that date)',
    { query: ['dueBefore', 'open', 'limit', 'cursor'], response: 'MilestonePage' },
  ),
  route(
    'createBatch',
    'POST',
    '/v1/production-orders/{id}/batches',
    PLAN,
    'Create a batch from a sub-matrix (order Released or InProgress; within ordered + over-tolerance per cell)',
    { body: 'BatchInput', response: 'ProductionBatch' },
  ),
  route(
    'createGeneratedBatches',
    'POST',
    '/v1/production-orders/{id}/batches/generate',
    PLAN,
    'Generate every batch the batch plan asks for (per color, at most maxBatchQty each), all in one write; an optional body {"maxBatchQty": n} overrides the plan\u2019s for this call',
    { body: 'GenerateBatchesInput', bodyOptional: true, response: 'GeneratedBatches' },
  ),
  route('listBatches', 'GET', '/v1/production-orders/{id}/batches', ANY, 'Batches of an order, in creation order', {
    query: ['limit', 'cursor'],
    response: 'ProductionBatchPage',
  }),
  route(
    'transitionBatch',
    'POST',
    '/v1/production-orders/{id}/batches/{batchId}/transitions',
    PLAN,
    'start, finish (with produced and rejected), cancel',
    { body: 'BatchTransition', response: 'ProductionBatch' },
  ),
  route(
    'createIqTemplate',
    'POST',
    '/v1/iq-templates',
    QUALITY,
    'Create an IQ template (code unique: 409 IQ_TEMPLATE_EXISTS)',
    { body: 'IqTemplateInput', response: 'IqTemplate' },
  ),
  route('listIqTemplates', 'GET', '/v1/iq-templates', ANY, 'List IQ templates, newest first', {
    query: ['limit', 'cursor'],
    response: 'IqTemplatePage',
  }),
  route('getIqTemplate', 'GET', '/v1/iq-templates/{code}', ANY, 'Get one IQ template', { response: 'IqTemplate' }),
  route(
    'patchIqTemplate',
    'PATCH',
    '/v1/iq-templates/{code}',
    QUALITY,
    'Change an IQ template (If-Match); past inspections keep the plan they were judged by',
    { body: 'IqTemplatePatch', response: 'IqTemplate' },
  ),
  route(
    'getInspectionPlan',
    'GET',
    '/v1/production-orders/{id}/batches/{batchId}/inspection-plan',
    ANY,
    'The batch\u2019s ISO 2859-1 sampling plan under the order\u2019s IQ template (409 NO_IQ_TEMPLATE without one)',
    { response: 'InspectionPlan' },
  ),
  route(
    'createInspection',
    'POST',
    '/v1/production-orders/{id}/batches/{batchId}/inspections',
    QUALITY,
    'Record an inspection of a Running or Finished batch; answers pass or fail by the plan',
    { body: 'InspectionInput', response: 'Inspection' },
  ),
  route(
    'listInspections',
    'GET',
    '/v1/production-orders/{id}/batches/{batchId}/inspections',
    ANY,
    'Inspections of a batch, oldest first (the latest is the lot\u2019s result)',
    { query: ['limit', 'cursor'], response: 'InspectionPage' },
  ),
  route(
    'getMaterials',
    'GET',
    '/v1/production-orders/{id}/materials',
    ANY,
    'Materials summary: net, gross and purchase per BOM line and material variant',
    { response: 'MaterialsSummary' },
  ),
  route(
    'refreshMaterials',
    'POST',
    '/v1/production-orders/{id}/materials/refresh',
    REFRESH_MATERIALS,
    'Recompute the materials summary from the tech pack\u2019s current BOM (pinned after release)',
    { response: 'MaterialsSummary' },
  ),
  route('listRoleMappings', 'GET', '/v1/role-mappings', ADMIN, 'Roles given to Google users by email', {
    query: ['limit', 'cursor'],
    response: 'RoleMappingPage',
  }),
  route('getRoleMapping', 'GET', '/v1/role-mappings/{email}', ADMIN, 'Roles of one Google user', {
    response: 'RoleMapping',
  }),
  route('putRoleMapping', 'PUT', '/v1/role-mappings/{email}', ADMIN, 'Give a Google user roles', {
    body: 'RoleMappingInput',
    response: 'RoleMapping',
  }),
  route('createSalesOrder', 'POST', '/v1/sales-orders', SELL, 'Create a sales order (Draft)', {
    body: 'SalesOrderInput',
    response: 'SalesOrder',
  }),
  route('listSalesOrders', 'GET', '/v1/sales-orders', ANY, 'List sales orders, newest first', {
    query: ['state', 'techPackId', 'limit', 'cursor'],
    response: 'SalesOrderPage',
  }),
  route('getSalesOrder', 'GET', '/v1/sales-orders/{id}', ANY, 'Get one sales order', { response: 'SalesOrder' }),
  route(
    'transitionSalesOrder',
    'POST',
    '/v1/sales-orders/{id}/transitions',
    SELL,
    'Draft -> Sent -> Accepted; Draft, Sent or Accepted -> Cancelled',
    { body: 'SalesOrderTransition', response: 'SalesOrder' },
  ),
  route(
    'createProductionOrderFromSalesOrder',
    'POST',
    '/v1/sales-orders/{id}/production-orders',
    SELL,
    'From an Accepted sales order: a Draft production order for what its production orders do not cover yet (open ones ' +
      'their matrix, Completed ones what they produced, Cancelled ones nothing; 409 NOTHING_REMAINING)',
    { body: 'SalesOrderProductionOrderInput', bodyOptional: true, response: 'ProductionOrder' },
  ),
  route(
    'salesOrderHistory',
    'GET',
    '/v1/sales-orders/{id}/history',
    ANY,
    'Audit history of a sales order, oldest first',
    { query: ['limit', 'cursor'], response: 'HistoryPage' },
  ),
  route(
    'getStock',
    'GET',
    '/v1/stock/{techPackId}',
    ANY,
    'Stock of one style, per color and size (version 0 and no cells before the first push)',
    { response: 'Stock' },
  ),
  route(
    'putStock',
    'PUT',
    '/v1/stock/{techPackId}',
    STOCK_WRITE,
    'Replace the stock of one style (If-Match optional)',
    { body: 'StockInput', response: 'Stock' },
  ),
  route(
    'getRawMaterial',
    'GET',
    '/v1/raw-materials/{material}',
    ANY,
    'Supply of one raw material: lead time, on hand and on order per variant and uom (version 0 before the first PUT)',
    { response: 'RawMaterial' },
  ),
  route(
    'putRawMaterial',
    'PUT',
    '/v1/raw-materials/{material}',
    STOCK_WRITE,
    'Replace the supply of one raw material (If-Match or body version optional)',
    { body: 'RawMaterialInput', response: 'RawMaterial' },
  ),
  route(
    'listMaterialRequirements',
    'GET',
    '/v1/material-requirements',
    ANY,
    'Material requirements across open orders (Drafts tentative), netted against supply; long-lead first',
    { query: ['material', 'states', 'limit', 'cursor'], response: 'RequirementPage' },
  ),
  route(
    'runReplenishment',
    'POST',
    '/v1/replenishment/run',
    RUN_JOBS,
    'Run the replenishment job now: one Draft order per low style without an open replenishment order',
    { response: 'ReplenishmentRun' },
  ),
] as const satisfies readonly RouteSpec[];

export type RouteId = (typeof ROUTE_SPECS)[number]['id'];
