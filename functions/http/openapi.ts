// The OpenAPI 3.1 document, built from the route table so it cannot drift from what is served.
import { ORDER_ACTIONS, ORDER_STATES, ROLES, TECH_PACK_STATES, TOLERANCE_SCOPES } from '../../shared/types.js';
import { LIMITS } from '../../shared/matrix.js';
import { BATCH_ACTIONS, BATCH_STATES } from '../../shared/batches.js';
import { ROUNDING } from '../../shared/materials.js';
import { SALES_ORDER_STATES } from '../../shared/salesOrder.js';
import { ROUTE_SPECS, type RouteSpec } from './routes.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const page = (item: string) => ({ type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: ref(item) }, nextCursor: { type: ['string', 'null'] } } });
const str = { type: 'string' };
const int = { type: 'integer' };

const Consumption = { oneOf: [{ type: 'number' }, { type: 'object', additionalProperties: { type: 'number' } }] };
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
const Tolerance = {
  type: 'object',
  required: ['overPct', 'underPct'],
  properties: {
    overPct: { type: 'number', minimum: 0, maximum: 100 },
    underPct: { type: 'number', minimum: 0, maximum: 100 },
    scope: {
      enum: TOLERANCE_SCOPES,
      description: 'The level completion compares produced with ordered at (summed per group). Left out: the factory '
        + 'default on create, the order\u2019s own on a patch, `color` for settings stored before it',
    },
  },
};
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
    minimumOrderQty: {
      type: 'number', exclusiveMinimum: 0,
      description: 'A floor on the purchase (not a multiple): '
        + 'purchase = max(gross, minimumOrderQty) rounded up to purchaseMultiple',
    },
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
  batchPlan: {
    type: 'object',
    properties: {
      maxBatchQty: { type: 'integer', minimum: 1 },
      extraCutPct: {
        type: 'number', minimum: 0, maximum: 100,
        description: 'Generated batches cover ordered + this share, rounded up per cell; '
          + 'at most tolerance.overPct (default 0)',
      },
    },
  },
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
    },
  },
  SettingsInput: { type: 'object', properties: { minTechPackStateForOrders: { enum: TECH_PACK_STATES }, defaultTolerance: ref('Tolerance'), defaultMaxBatchQty: int, replenishment: { type: 'object', properties: { enabled: { type: 'boolean' } } } } },
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
      progress: {
        type: 'object',
        properties: {
          batched: ref('Matrix'), produced: ref('Matrix'), rejected: ref('Matrix'),
          missing: { ...ref('Matrix'), description: 'Neither produced nor rejected when their batches finished' },
        },
      },
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
      produced: ref('Matrix'), rejected: ref('Matrix'), producedTotal: int, rejectedTotal: int,
      missing: { ...ref('Matrix'), description: 'Finished batches: the batch minus produced minus rejected, per cell' },
      missingTotal: int, reason: str,
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
      reason: {
        ...str,
        description: 'Required to finish when produced + rejected is below the batch in a cell '
          + '(409 UNRECONCILED without): '
          + 'the rest is recorded as missing',
      },
    },
  },
  MaterialLine: {
    type: 'object',
    required: ['material', 'variant', 'uom', 'net', 'gross', 'purchase'],
    description: 'One material, variant and uom: the BOM lines of the three summed before the purchase is rounded',
    properties: {
      line: { ...int, description: 'The first BOM line summed into this one' }, lines: { type: 'array', items: int },
      material: str, variant: str, uom: str, garments: int,
      consumption: { ...Consumption, description: 'When one BOM line makes this line' },
      wastagePct: { type: 'number', description: 'When one BOM line makes this line' },
      purchaseMultiple: { type: ['number', 'null'], description: 'The largest of the summed lines' },
      minimumOrderQty: { type: ['number', 'null'], description: 'The largest of the summed lines' },
      net: { type: 'number' }, gross: { type: 'number' }, purchase: { type: 'number' },
      sources: {
        type: 'array',
        description: 'When two or more BOM lines are summed: each one\u2019s figures',
        items: {
          type: 'object',
          properties: {
            line: int, garments: int, consumption: Consumption,
            wastagePct: { type: 'number' }, net: { type: 'number' }, gross: { type: 'number' },
          },
        },
      },
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
  '409': 'State or business-rule conflict '
    + '(ILLEGAL_TRANSITION, TECH_PACK_NOT_READY, EDIT_CONFLICT, OUT_OF_TOLERANCE, UNRECONCILED, ...)',
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
