// The OpenAPI 3.1 document, built from the route table so it cannot drift from what is served.
import { ORDER_ACTIONS, ORDER_STATES, ROLES, TECH_PACK_STATES } from '../../shared/types.js';
import { LIMITS } from '../../shared/matrix.js';
import { BATCH_ACTIONS, BATCH_STATES } from '../../shared/batches.js';
import { ROUNDING } from '../../shared/materials.js';
import { SALES_ORDER_STATES } from '../../shared/salesOrder.js';
import { ROUTE_SPECS, type RouteSpec } from './routes.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const page = (item: string) => ({ type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: ref(item) }, nextCursor: { type: ['string', 'null'] } } });
const str = { type: 'string' };
const int = { type: 'integer' };

const Matrix = {
  type: 'object',
  required: ['sizes', 'colors'],
  description: 'One row per color, one column per size.',
  properties: {
    sizes: { type: 'array', items: str, maxItems: LIMITS.sizes },
    colors: { type: 'array', items: str, maxItems: LIMITS.colors },
    quantities: { type: 'array', items: { type: 'array', items: { type: 'integer', minimum: 0, maximum: LIMITS.cellMax } } },
  },
};
const Tolerance = { type: 'object', required: ['overPct', 'underPct'], properties: { overPct: { type: 'number', minimum: 0, maximum: 100 }, underPct: { type: 'number', minimum: 0, maximum: 100 } } };
const BomLine = {
  type: 'object',
  required: ['material', 'uom', 'consumption'],
  properties: {
    material: str, uom: str,
    consumption: { oneOf: [{ type: 'number', minimum: 0 }, { type: 'object', additionalProperties: { type: 'number', minimum: 0 } }] },
    wastagePct: { type: 'number', minimum: 0 },
    variants: { oneOf: [{ const: 'match' }, { type: 'object', additionalProperties: str }] },
    appliesTo: { type: 'array', items: str },
    purchaseMultiple: { type: 'number', exclusiveMinimum: 0 },
  },
};
const TechPackInput = {
  type: 'object',
  required: ['styleCode', 'name', 'sizes', 'colors'],
  properties: {
    styleCode: str, name: str, season: str, iqTemplate: str,
    sizes: { type: 'array', items: str },
    colors: { type: 'array', items: { type: 'object', required: ['code'], properties: { code: str, name: str } } },
    bom: { type: 'array', items: ref('BomLine') },
  },
};
const OrderFields = {
  deliveryDate: { type: ['string', 'null'], format: 'date' },
  matrix: ref('Matrix'),
  sizes: { type: 'array', items: str, description: 'Reshape the matrix to these sizes (cells kept where they still exist)' },
  colors: { type: 'array', items: str },
  batchPlan: { type: 'object', properties: { maxBatchQty: { type: 'integer', minimum: 1 } } },
  tolerance: ref('Tolerance'),
  notes: str,
  iqTemplate: str,
};

export const SCHEMAS: Record<string, unknown> = {
  GenerateBatchesInput: { type: 'object', properties: { maxBatchQty: { type: 'integer', minimum: 1, description: "Overrides the order's batch plan for this call" } } },
  Matrix, Tolerance, BomLine, TechPackInput,
  Error: {
    type: 'object',
    required: ['error', 'requestId'],
    properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: str, message: str, details: {} } }, requestId: str },
  },
  Health: { type: 'object', properties: { status: { const: 'ok' } } },
  Settings: {
    type: 'object',
    properties: {
      minTechPackStateForOrders: { enum: TECH_PACK_STATES }, defaultTolerance: ref('Tolerance'), defaultMaxBatchQty: int,
      replenishment: { type: 'object', properties: { enabled: { type: 'boolean' } } }, version: int,
      productionLeadDays: { ...int, description: 'Days before delivery a material must be in house (requirements\u2019 needBy)' },
    },
  },
  SettingsInput: { type: 'object', properties: { minTechPackStateForOrders: { enum: TECH_PACK_STATES }, defaultTolerance: ref('Tolerance'), defaultMaxBatchQty: int, replenishment: { type: 'object', properties: { enabled: { type: 'boolean' } } }, productionLeadDays: { type: 'integer', minimum: 0, maximum: 365 } } },
  TechPack: { allOf: [ref('TechPackInput'), { type: 'object', properties: { id: str, state: { enum: TECH_PACK_STATES }, version: int, bomRevision: int, createdAt: str, updatedAt: str } }] },
  TechPackPatch: { type: 'object', properties: { name: str, season: str, iqTemplate: str, sizes: { type: 'array', items: str }, colors: TechPackInput.properties.colors, bom: TechPackInput.properties.bom } },
  TechPackTransition: { type: 'object', required: ['to'], properties: { to: { enum: TECH_PACK_STATES } } },
  TechPackPage: page('TechPack'),
  OrderInput: { type: 'object', required: ['techPackId'], properties: { techPackId: str, ...OrderFields } },
  OrderPatch: { type: 'object', properties: OrderFields },
  OrderTransition: { type: 'object', required: ['action'], properties: { action: { enum: ORDER_ACTIONS }, reason: str, shortClose: { type: 'boolean' } } },
  ProductionOrder: {
    type: 'object',
    properties: {
      id: str, techPackId: str, styleCode: str, state: { enum: ORDER_STATES }, version: int, ...OrderFields, total: int,
      source: { type: 'object', properties: { type: { enum: ['commercial', 'salesOrder', 'replenishment'] }, salesOrderId: str, customer: str } },
      releasedBomRevision: { type: ['integer', 'null'] },
      progress: { type: 'object', properties: { batched: ref('Matrix'), produced: ref('Matrix'), rejected: ref('Matrix') } },
      createdAt: str, createdBy: str, updatedAt: str, updatedBy: str,
    },
  },
  ProductionOrderPage: page('ProductionOrder'),
  MatrixEdits: {
    type: 'object',
    required: ['baseVersion', 'edits'],
    properties: { baseVersion: int, edits: { type: 'array', items: { type: 'object', required: ['color', 'size', 'from', 'to'], properties: { color: str, size: str, from: int, to: int } } } },
  },
  HistoryEntry: { type: 'object', properties: { at: str, actor: str, action: str, from: { type: ['string', 'null'] }, to: { type: ['string', 'null'] }, version: int, reason: str, details: {} } },
  HistoryPage: page('HistoryEntry'),
  RoleMapping: { type: 'object', properties: { email: str, roles: { type: 'array', items: { enum: ROLES } } } },
  RoleMappingInput: { type: 'object', required: ['roles'], properties: { roles: { type: 'array', items: { enum: ROLES } } } },
  RoleMappingPage: page('RoleMapping'),
  BatchInput: { type: 'object', required: ['matrix'], properties: { matrix: { ...ref('Matrix'), description: 'Sizes and colors of the order; quantities required' } } },
  ProductionBatch: {
    type: 'object',
    required: ['id', 'orderId', 'state', 'version', 'matrix', 'total'],
    properties: {
      id: str, orderId: str, state: { enum: BATCH_STATES }, version: int, origin: { enum: ['manual', 'generated'] },
      matrix: { ...ref('Matrix'), description: 'Over the batch\u2019s own sizes and colors' }, total: int,
      produced: ref('Matrix'), rejected: ref('Matrix'), producedTotal: int, rejectedTotal: int, reason: str,
      createdAt: str, createdBy: str, updatedAt: str, updatedBy: str, startedAt: str, finishedAt: str, cancelledAt: str,
    },
  },
  ProductionBatchPage: page('ProductionBatch'),
  GeneratedBatches: {
    type: 'object',
    required: ['items', 'order'],
    properties: { items: { type: 'array', items: ref('ProductionBatch') }, order: ref('ProductionOrder') },
  },
  BatchTransition: {
    type: 'object',
    required: ['action'],
    properties: {
      action: { enum: BATCH_ACTIONS },
      produced: { ...ref('Matrix'), description: 'finish only (required): good garments, over the batch\u2019s sizes and colors' },
      rejected: { ...ref('Matrix'), description: 'finish only: rejected garments (default none); produced + rejected <= the batch per cell' },
      reason: str,
    },
  },
  MaterialLine: {
    type: 'object',
    required: ['material', 'variant', 'uom', 'net', 'gross', 'purchase'],
    properties: {
      line: int, material: str, variant: str, uom: str, garments: int,
      consumption: { oneOf: [{ type: 'number' }, { type: 'object', additionalProperties: { type: 'number' } }] },
      wastagePct: { type: 'number' }, purchaseMultiple: { type: ['number', 'null'] },
      net: { type: 'number' }, gross: { type: 'number' }, purchase: { type: 'number' },
    },
  },
  MaterialsSummary: {
    type: 'object',
    description: ROUNDING,
    required: ['bomRevision', 'techPackBomRevision', 'stale', 'lines'],
    properties: {
      orderId: str, techPackId: str, bomRevision: int, techPackBomRevision: int, stale: { type: 'boolean' }, pinned: { type: 'boolean' },
      recordedAt: str, recordedBy: str, source: { enum: ['read', 'refresh', 'release'] }, rounding: str,
      lines: { type: 'array', items: ref('MaterialLine') },
    },
  },
  SalesOrderInput: {
    type: 'object',
    required: ['customer', 'techPackId', 'matrix'],
    properties: { customer: str, techPackId: str, matrix: ref('Matrix'), deliveryDate: { type: 'string', format: 'date' }, notes: str },
  },
  SalesOrder: {
    type: 'object',
    properties: {
      id: str, customer: str, techPackId: str, styleCode: str, state: { enum: SALES_ORDER_STATES }, version: int, matrix: ref('Matrix'), total: int,
      deliveryDate: { type: ['string', 'null'], format: 'date' }, notes: str,
      productionOrderIds: { type: 'array', items: str, description: 'Production orders created from this sales order (cancelled ones included)' },
      createdAt: str, createdBy: str, updatedAt: str, updatedBy: str,
    },
  },
  SalesOrderPage: page('SalesOrder'),
  SalesOrderTransition: { type: 'object', required: ['to'], properties: { to: { enum: SALES_ORDER_STATES }, reason: str } },
  SalesOrderProductionOrderInput: {
    type: 'object',
    description: 'Optional; the delivery date defaults from the sales order',
    properties: { deliveryDate: { type: 'string', format: 'date' }, notes: str },
  },
  StockCell: {
    type: 'object',
    required: ['color', 'size', 'onHand', 'reorderPoint', 'target'],
    properties: {
      color: str, size: str,
      onHand: { type: 'integer', minimum: 0, maximum: LIMITS.cellMax },
      reorderPoint: { type: 'integer', minimum: 0, maximum: LIMITS.cellMax, description: 'The cell is low when onHand is below this' },
      target: { type: 'integer', minimum: 0, maximum: LIMITS.cellMax, description: 'At least reorderPoint; replenishment orders up to it' },
    },
  },
  StockInput: { type: 'object', required: ['cells'], properties: { cells: { type: 'array', maxItems: LIMITS.cells, items: ref('StockCell') } } },
  Stock: {
    type: 'object',
    properties: {
      techPackId: str, cells: { type: 'array', items: ref('StockCell') }, version: int, low: { type: 'boolean' },
      openReplenishmentOrderId: { type: ['string', 'null'] }, updatedAt: { type: ['string', 'null'] }, updatedBy: { type: ['string', 'null'] },
    },
  },
  RawMaterialVariant: {
    type: 'object',
    additionalProperties: false,
    required: ['variant', 'uom', 'onHand'],
    properties: {
      variant: { type: 'string', maxLength: 80, description: 'The code the materials summary uses (the material itself without a color mapping)' },
      uom: { type: 'string', maxLength: 20 },
      onHand: { type: 'number', minimum: 0 },
      onOrder: {
        type: 'array',
        maxItems: 100,
        items: { type: 'object', additionalProperties: false, required: ['qty', 'eta'], properties: { qty: { type: 'number', minimum: 0 }, eta: { type: 'string', format: 'date' } } },
      },
    },
  },
  RawMaterialInput: {
    type: 'object',
    required: ['leadTimeDays', 'variants'],
    properties: {
      material: { ...str, description: 'When given: the path\u2019s material' },
      leadTimeDays: { type: 'integer', minimum: 0, maximum: 3650 },
      variants: { type: 'array', maxItems: 500, items: ref('RawMaterialVariant') },
      version: { ...int, description: 'The version read: the write happens only at it (like If-Match)' },
    },
  },
  RawMaterial: {
    type: 'object',
    properties: {
      material: str, leadTimeDays: int, variants: { type: 'array', items: ref('RawMaterialVariant') }, version: int,
      updatedAt: { type: ['string', 'null'] }, updatedBy: { type: ['string', 'null'] },
    },
  },
  RequirementLine: {
    type: 'object',
    required: ['material', 'variant', 'uom', 'required', 'onHand', 'onOrder', 'net', 'purchase', 'needBy', 'orderBy', 'stale', 'orders'],
    properties: {
      material: str, variant: str, uom: str,
      required: { type: 'object', properties: { firm: { type: 'number', description: 'Planned, Released, InProgress' }, tentative: { type: 'number', description: 'Drafts' } } },
      onHand: { type: 'number' },
      onOrder: { type: 'number', description: 'What arrives by needBy' },
      net: { type: 'number', description: 'max(0, firm + tentative - onHand - onOrder)' },
      purchase: { type: 'number', description: 'net rounded like the materials summary' },
      needBy: { type: ['string', 'null'], description: 'Earliest contributing delivery date - productionLeadDays' },
      orderBy: { type: ['string', 'null'], description: 'needBy - the material\u2019s leadTimeDays' },
      stale: { type: 'boolean' },
      orders: {
        type: 'array',
        items: { type: 'object', properties: { id: str, state: { enum: ORDER_STATES }, deliveryDate: { type: ['string', 'null'] }, gross: { type: 'number' } } },
      },
    },
  },
  RequirementPage: page('RequirementLine'),
  ReplenishmentRun: {
    type: 'object',
    required: ['created', 'skipped'],
    properties: {
      created: { type: 'array', items: str, description: 'Ids of the Draft production orders created' },
      skipped: {
        type: 'array',
        items: {
          type: 'object',
          required: ['techPackId', 'reason'],
          properties: {
            techPackId: str,
            reason: { enum: ['REPLENISHMENT_DISABLED', 'NOT_LOW', 'TECH_PACK_MISSING', 'TECH_PACK_TOO_EARLY', 'OPEN_REPLENISHMENT_ORDER', 'COVERED_BY_OPEN_ORDERS', 'CONCURRENT_RUN', 'STOCK_CHANGED', 'TIME_BUDGET', 'ERROR'] },
            message: str,
            orderId: str,
          },
        },
      },
      examined: int, startedAt: str, durationMs: int,
    },
  },
};

const ERRORS: Record<string, string> = {
  '400': 'Invalid input; details.fields names each bad field',
  '401': 'Missing or invalid bearer token',
  '403': 'The caller lacks a role this route needs',
  '404': 'No such resource',
  '409': 'State or business-rule conflict (ILLEGAL_TRANSITION, TECH_PACK_NOT_READY, EDIT_CONFLICT, ...)',
  '412': 'If-Match is stale; details.current is the resource now',
  '422': 'Idempotency-Key reused with another body',
  '428': 'If-Match is required',
};

function operation(r: RouteSpec) {
  const params: unknown[] = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: str }));
  for (const q of r.query ?? []) params.push({ name: q, in: 'query', required: false, schema: q === 'limit' ? { type: 'integer', minimum: 1, maximum: 100 } : str });
  if (r.method === 'PATCH') params.push({ name: 'If-Match', in: 'header', required: true, schema: str, description: 'The ETag you read, e.g. "3"' });
  if (r.method === 'POST') params.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: str });
  const okStatus = r.method === 'POST' && r.id.startsWith('create') ? '201' : '200';
  const responses: Record<string, unknown> = {
    [okStatus]: { description: 'OK', content: { 'application/json': { schema: r.response ? ref(r.response) : r.id === 'health' ? ref('Health') : {} } } },
  };
  if (!r.public) for (const [code, description] of Object.entries(ERRORS)) responses[code] = { description, content: { 'application/json': { schema: ref('Error') } } };
  return {
    operationId: r.id,
    summary: r.summary,
    ...(r.public ? { security: [] } : { description: `Roles: ${r.roles.join(', ')}` }),
    ...(params.length ? { parameters: params } : {}),
    ...(r.body ? { requestBody: { required: !r.bodyOptional, content: { 'application/json': { schema: ref(r.body) } } } } : {}),
    responses,
  };
}

export function openApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTE_SPECS) (paths[r.path] ??= {})[r.method.toLowerCase()] = operation(r);
  return {
    openapi: '3.1.0',
    info: { title: 'GarmentFlow Production API', version: '1.0.0', description: 'Production orders, tech packs, batches and materials of a garment factory.' },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } }, schemas: SCHEMAS },
    paths,
  };
}
