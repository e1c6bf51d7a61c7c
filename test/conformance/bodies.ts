// Shared fixtures: valid and invalid bodies for every write route, by the name of the request
// body's OpenAPI component. The conformance test runs each through the server's parser and through
// the component compiled by ajv: what one accepts the other accepts. A fixture with `codeOnly` is
// refused by a check the JSON schema cannot state (it spans fields or reads the tech pack): the
// component's description says so, the document accepts it, the parser refuses it.
import type { TechPack } from '../../shared/types.js';

export interface BodyFixture {
  name: string;
  body: unknown;
  valid: boolean;
  /** Why the parser refuses what the schema accepts (a check written as code). */
  codeOnly?: string;
}

export const TECH_PACK: TechPack = {
  id: 'TP-000001',
  styleCode: 'TEE-01',
  name: 'Tee',
  sizes: ['S', 'M', 'L'],
  colors: [
    { code: 'NAVY', name: 'Navy' },
    { code: 'RED', name: 'Red' },
  ],
  bom: [{ material: 'FAB', uom: 'm', consumption: { S: 1, M: 1.1, L: 1.2 }, wastagePct: 5 }],
  state: 'Design',
  version: 1,
  bomRevision: 1,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

const matrix = { sizes: ['S', 'M'], colors: ['NAVY'], quantities: [[10, 20]] };
const line = { material: 'FAB-JERSEY', uom: 'm', consumption: 1.2, wastagePct: 5 };
const pack = {
  styleCode: 'TEE-001',
  name: 'Tee',
  sizes: ['S', 'M', 'L'],
  colors: [{ code: 'NAVY', name: 'Navy' }],
  bom: [line],
};

const ok = (name: string, body: unknown): BodyFixture => ({ name, body, valid: true });
const bad = (name: string, body: unknown): BodyFixture => ({ name, body, valid: false });
const code = (name: string, body: unknown, codeOnly: string): BodyFixture => ({ name, body, valid: false, codeOnly });

export const BODY_FIXTURES: BodyFixture[] = [
  ok('SettingsInput', {}),
  ok('SettingsInput', {
    minTechPackStateForOrders: 'Design',
    defaultTolerance: { overPct: 5, underPct: 3 },
    defaultMaxBatchQty: 250,
    replenishment: { enabled: false },
  }),
  // GET's body goes back as it is (issue 11): version is read-only, new replenishment fields are settings.
  ok('SettingsInput', { version: 3, replenishment: { enabled: true, leadTimeDays: 3, minQtyPerColor: 12 } }),
  bad('SettingsInput', { version: -1 }),
  ok('SettingsInput', { productionLeadDays: 0 }),
  ok('SettingsInput', { productionLeadDays: 21 }),
  bad('SettingsInput', { productionLeadDays: 366 }),
  bad('SettingsInput', { productionLeadDays: 2.5 }),
  bad('SettingsInput', { replenishment: { leadTimeDays: 3651 } }),
  bad('SettingsInput', { replenishment: { minQtyPerColor: 1.5 } }),
  bad('SettingsInput', { replenishment: { enabled: true, horizonDays: 3 } }),
  bad('SettingsInput', { minTechPackStateForOrders: 'Released' }),
  bad('SettingsInput', { defaultTolerance: { overPct: 101, underPct: 0 } }),
  // Tolerance scope (issue 11): order, color or cell; left out, the current one stays.
  ok('SettingsInput', { defaultTolerance: { overPct: 1, underPct: 1, scope: 'cell' } }),
  ok('SettingsInput', { defaultTolerance: { overPct: 5, underPct: 3, scope: 'order' } }),
  bad('SettingsInput', { defaultTolerance: { overPct: 1, underPct: 1, scope: 'size' } }),
  bad('SettingsInput', { defaultTolerance: { overPct: 1, underPct: 1, scope: null } }),
  bad('SettingsInput', { defaultTolerance: { overPct: 1, underPct: 1, scope: 'cell', side: 'over' } }),
  bad('SettingsInput', { defaultMaxBatchQty: 10_000_001 }),
  bad('SettingsInput', { defaultMaxBatchQty: 2.5 }),
  bad('SettingsInput', { replenishment: { enabled: 'yes' } }),
  // Milestone template (issue 14): key (a URL-safe code), name, days before delivery.
  ok('SettingsInput', {
    milestoneTemplate: [
      { key: 'FABRIC-IN', name: 'Fabric in house', daysBeforeDelivery: 30 },
      { key: 'ex_factory', name: 'Ex-factory', daysBeforeDelivery: -2 },
    ],
  }),
  ok('SettingsInput', { milestoneTemplate: [] }),
  bad('SettingsInput', { milestoneTemplate: [{ key: 'a b', name: 'Space in key', daysBeforeDelivery: 1 }] }),
  bad('SettingsInput', { milestoneTemplate: [{ key: 'PP', name: 'PP sample', daysBeforeDelivery: 1.5 }] }),
  bad('SettingsInput', { milestoneTemplate: [{ key: 'PP', name: 'PP sample' }] }),
  bad('SettingsInput', { milestoneTemplate: [{ key: 'PP', name: 'PP', daysBeforeDelivery: 1, owner: 'x' }] }),
  bad('SettingsInput', { milestoneTemplate: { key: 'PP' } }),
  bad('SettingsInput', {
    milestoneTemplate: Array.from({ length: 21 }, (_, i) => ({ key: `K${i}`, name: 'x', daysBeforeDelivery: i })),
  }),
  code(
    'SettingsInput',
    {
      milestoneTemplate: [
        { key: 'PP', name: 'PP sample', daysBeforeDelivery: 40 },
        { key: 'PP', name: 'Again', daysBeforeDelivery: 20 },
      ],
    },
    'keys distinct',
  ),

  ok('TechPackInput', pack),
  ok('TechPackInput', {
    ...pack,
    season: null,
    iqTemplate: 'IQ-1',
    bom: [
      { ...line, consumption: { S: 1, M: 1, L: 1.5 }, variants: 'match', appliesTo: ['NAVY'], purchaseMultiple: 50 },
    ],
  }),
  ok('TechPackInput', {
    ...pack,
    sizes: ['constructor', '__proto__', 'toString'],
    bom: [{ ...line, consumption: { constructor: 1, ['__proto__']: 2, toString: 3 } }],
  }),
  bad('TechPackInput', { ...pack, state: 'ProductionReady' }),
  bad('TechPackInput', { ...pack, styleCode: 'x'.repeat(41) }),
  bad('TechPackInput', { ...pack, name: '   ' }),
  bad('TechPackInput', { ...pack, name: null }),
  bad('TechPackInput', { ...pack, sizes: [] }),
  bad('TechPackInput', { ...pack, sizes: Array.from({ length: 101 }, (_, i) => `S${i}`) }),
  bad('TechPackInput', { ...pack, colors: [{ code: 'NAVY', hex: '#000080' }] }),
  bad('TechPackInput', { ...pack, colors: [{ code: 'NAVY', name: 'x'.repeat(81) }] }),
  bad('TechPackInput', { ...pack, bom: [{ ...line, colour: 'NAVY' }] }),
  bad('TechPackInput', { ...pack, bom: [{ ...line, consumption: -1 }] }),
  bad('TechPackInput', { ...pack, bom: [{ ...line, consumption: {} }] }),
  bad('TechPackInput', { ...pack, bom: [{ ...line, wastagePct: 1001 }] }),
  bad('TechPackInput', { ...pack, bom: [{ ...line, purchaseMultiple: 0 }] }),
  // minimumOrderQty (issue 11): a floor beside purchaseMultiple, greater than 0.
  ok('TechPackInput', { ...pack, bom: [{ ...line, minimumOrderQty: 1000, purchaseMultiple: 50 }] }),
  ok('TechPackInput', { ...pack, bom: [{ ...line, minimumOrderQty: 0.5 }] }),
  bad('TechPackInput', { ...pack, bom: [{ ...line, minimumOrderQty: 0 }] }),
  bad('TechPackInput', { ...pack, bom: [{ ...line, minimumOrderQty: -1 }] }),
  bad('TechPackInput', { ...pack, bom: [{ ...line, minimumOrderQty: '100' }] }),
  bad('TechPackInput', { ...pack, bom: [{ ...line, minimumOrderQty: null }] }),
  bad('TechPackInput', { ...pack, bom: [{ ...line, variants: 'same' }] }),
  bad('TechPackInput', { ...pack, bom: [{ ...line, uom: 'x'.repeat(21) }] }),
  code('TechPackInput', { ...pack, sizes: ['S', 'S'] }, 'sizes are distinct'),
  code(
    'TechPackInput',
    { ...pack, bom: [{ ...line, consumption: { S: 1 } }] },
    'consumption per size names every size',
  ),
  code(
    'TechPackInput',
    { ...pack, bom: [{ ...line, appliesTo: ['GREEN'] }] },
    'appliesTo names colors of the tech pack',
  ),

  ok('TechPackPatch', { name: 'Tee v2' }),
  ok('TechPackPatch', { sizes: ['S', 'M', 'L'], season: 'AW26' }),
  ok('TechPackPatch', { bom: [{ ...line, minimumOrderQty: 200 }] }),
  bad('TechPackPatch', { bom: [{ ...line, minimumOrderQty: 0 }] }),
  bad('TechPackPatch', { styleCode: 'X' }),
  bad('TechPackPatch', { name: '' }),
  code('TechPackPatch', { sizes: ['S', 'M'] }, 'the BOM must cover the new sizes'),

  ok('TechPackTransition', { to: 'Approval' }),
  bad('TechPackTransition', { to: 'Released' }),
  bad('TechPackTransition', { to: 'Approval', reason: 'x' }),

  ok('OrderInput', { techPackId: 'TP-000001', deliveryDate: '2027-03-01' }),
  ok('OrderInput', {
    techPackId: 'TP-000001',
    deliveryDate: null,
    matrix,
    batchPlan: { maxBatchQty: 500 },
    tolerance: { overPct: 5, underPct: 3 },
    notes: 'n'.repeat(4000),
    iqTemplate: 'IQ-1',
  }),
  ok('OrderInput', { techPackId: 'TP-000001', matrix: { sizes: ['S'], colors: ['NAVY'] } }),
  bad('OrderInput', { deliveryDate: '2027-03-01' }),
  bad('OrderInput', { techPackId: 'TP-000001', notes: 'n'.repeat(4001) }),
  bad('OrderInput', { techPackId: 'TP-000001', batchPlan: { maxBatchQty: 10_000_001 } }),
  bad('OrderInput', { techPackId: 'TP-000001', batchPlan: { maxBatchQty: 0 } }),
  // Tolerance scope and the planned extra cut (issue 11).
  ok('OrderInput', { techPackId: 'TP-000001', batchPlan: { maxBatchQty: 10, extraCutPct: 2 } }),
  ok('OrderInput', {
    techPackId: 'TP-000001',
    tolerance: { overPct: 5, underPct: 3, scope: 'cell' },
    batchPlan: { maxBatchQty: 10, extraCutPct: 5 },
  }),
  ok('OrderInput', { techPackId: 'TP-000001', tolerance: { overPct: 5, underPct: 3, scope: 'order' } }),
  bad('OrderInput', { techPackId: 'TP-000001', tolerance: { overPct: 5, underPct: 3, scope: 'size' } }),
  bad('OrderInput', { techPackId: 'TP-000001', batchPlan: { maxBatchQty: 10, extraCutPct: -1 } }),
  bad('OrderInput', { techPackId: 'TP-000001', batchPlan: { maxBatchQty: 10, extraCutPct: 101 } }),
  bad('OrderInput', { techPackId: 'TP-000001', batchPlan: { maxBatchQty: 10, extraCutPct: '2' } }),
  bad('OrderInput', { techPackId: 'TP-000001', batchPlan: { extraCutPct: 2 } }),
  code(
    'OrderInput',
    { techPackId: 'TP-000001', tolerance: { overPct: 2, underPct: 1 }, batchPlan: { maxBatchQty: 10, extraCutPct: 3 } },
    'the extra cut is at most the over-tolerance',
  ),
  bad('OrderInput', { techPackId: 'TP-000001', deliveryDate: '2027-3-1' }),
  bad('OrderInput', { techPackId: 'TP-000001', deliveryDate: '2027-02-30' }),
  bad('OrderInput', { techPackId: 'TP-000001', matrix: { ...matrix, quantity: [[1, 2]] } }),
  bad('OrderInput', { techPackId: 'TP-000001', matrix: { ...matrix, quantities: [[-1, 2]] } }),
  bad('OrderInput', { techPackId: 'TP-000001', matrix: { ...matrix, quantities: [[1.5, 2]] } }),
  bad('OrderInput', { techPackId: 'TP-000001', matrix: { ...matrix, quantities: [[10_000_001, 2]] } }),
  bad('OrderInput', { techPackId: 'TP-000001', sizes: ['S', 'x'.repeat(41)] }),
  bad('OrderInput', { techPackId: 'TP-000001', total: 30 }),
  code('OrderInput', { techPackId: 'TP-000001', matrix: { ...matrix, quantities: [[1]] } }, 'one quantity per size'),
  code('OrderInput', { techPackId: 'TP-000001', matrix, sizes: ['S'] }, 'matrix or sizes/colors, not both'),
  code(
    'OrderInput',
    {
      techPackId: 'TP-000001',
      matrix: {
        ...matrix,
        colors: ['NAVY', 'NAVY'],
        quantities: [
          [1, 2],
          [1, 2],
        ],
      },
    },
    'colors are distinct',
  ),

  ok('OrderPatch', { notes: 'rush' }),
  ok('OrderPatch', { deliveryDate: null }),
  bad('OrderPatch', { techPackId: 'TP-000002' }),
  bad('OrderPatch', { tolerance: { overPct: 5 } }),
  ok('OrderPatch', { tolerance: { overPct: 4, underPct: 1, scope: 'color' } }),
  ok('OrderPatch', { batchPlan: { maxBatchQty: 50, extraCutPct: 2.5 } }),
  bad('OrderPatch', { tolerance: { overPct: 4, underPct: 1, scope: 'line' } }),
  bad('OrderPatch', { batchPlan: { maxBatchQty: 50, extraCutPct: true } }),
  code(
    'OrderPatch',
    { tolerance: { overPct: 1, underPct: 1, scope: 'cell' }, batchPlan: { maxBatchQty: 50, extraCutPct: 2 } },
    'the extra cut is at most the over-tolerance',
  ),
  code('OrderPatch', {}, 'a patch names at least one field'),
  // After release (issue 14): a re-promise or an amendment carries its reason.
  ok('OrderPatch', { deliveryDate: '2027-04-01', reason: 'fabric late from the mill' }),
  ok('OrderPatch', { colors: ['NAVY', 'GREEN'], reason: 'buyer adds GREEN' }),
  bad('OrderPatch', { deliveryDate: '2027-04-01', reason: 'r'.repeat(2001) }),
  bad('OrderPatch', { deliveryDate: '2027-04-01', reason: 7 }),
  code('OrderPatch', { reason: 'only a reason' }, 'a patch names at least one field besides its reason'),

  ok('OrderTransition', { action: 'plan' }),
  ok('OrderTransition', { action: 'complete', shortClose: true, reason: 'fabric ran out' }),
  bad('OrderTransition', { action: 'start' }),
  bad('OrderTransition', { action: 'plan', force: true }),
  bad('OrderTransition', { action: 'cancel', reason: 'r'.repeat(2001) }),
  bad('OrderTransition', { action: 'complete', shortClose: 'yes', reason: 'x' }),
  code('OrderTransition', { action: 'cancel' }, 'cancel needs a reason'),
  ok('OrderTransition', { action: 'complete', shortClose: true, reason: 'fabric ran out', backorder: true }),
  ok('OrderTransition', { action: 'complete', backorder: false }),
  bad('OrderTransition', { action: 'complete', shortClose: true, reason: 'x', backorder: 'yes' }),
  code('OrderTransition', { action: 'complete', reason: 'x', backorder: true }, 'backorder needs shortClose'),

  ok('OrderSplit', { matrix, reason: 'NAVY ships later' }),
  ok('OrderSplit', { matrix, reason: 'second vessel', deliveryDate: '2027-04-15' }),
  bad('OrderSplit', { matrix }),
  bad('OrderSplit', { matrix, reason: '' }),
  bad('OrderSplit', { matrix, reason: 'r'.repeat(2001) }),
  bad('OrderSplit', { reason: 'x' }),
  bad('OrderSplit', { matrix, reason: 'x', deliveryDate: '2027-02-30' }),
  bad('OrderSplit', { matrix, reason: 'x', deliveryDate: null }),
  bad('OrderSplit', { matrix: { ...matrix, quantities: [[1, -1]] }, reason: 'x' }),
  bad('OrderSplit', { matrix, reason: 'x', state: 'Draft' }),

  ok('MatrixEdits', { baseVersion: 1, edits: [{ color: 'NAVY', size: 'M', from: 0, to: 120 }] }),
  bad('MatrixEdits', { baseVersion: 0, edits: [{ color: 'NAVY', size: 'M', from: 0, to: 1 }] }),
  bad('MatrixEdits', { baseVersion: 1, edits: [] }),
  bad('MatrixEdits', { baseVersion: 1, edits: [{ color: 'NAVY', size: 'M', from: 0, to: -1 }] }),
  bad('MatrixEdits', { baseVersion: 1, edits: [{ color: 'NAVY', size: 'M', from: 0, to: 1, note: 'x' }] }),
  ok('MatrixEdits', {
    baseVersion: 4,
    reason: 'buyer added 20',
    edits: [{ color: 'NAVY', size: 'M', from: 100, to: 120 }],
  }),
  bad('MatrixEdits', { baseVersion: 4, reason: ['x'], edits: [{ color: 'NAVY', size: 'M', from: 1, to: 2 }] }),
  code(
    'MatrixEdits',
    {
      baseVersion: 1,
      edits: [
        { color: 'NAVY', size: 'M', from: 0, to: 1 },
        { color: 'NAVY', size: 'M', from: 0, to: 2 },
      ],
    },
    'each cell once',
  ),

  ok('MilestoneInput', { done: '2027-02-01' }),
  ok('MilestoneInput', { done: null }),
  ok('MilestoneInput', { due: '2027-02-10', reason: 'trims late' }),
  ok('MilestoneInput', { due: '2027-02-10', done: '2027-02-09' }),
  bad('MilestoneInput', { done: '2027-02-30' }),
  bad('MilestoneInput', { due: null }),
  bad('MilestoneInput', { due: '2027-02-10', owner: 'x' }),
  bad('MilestoneInput', { done: true }),
  code('MilestoneInput', {}, 'names due or done'),
  code('MilestoneInput', { reason: 'just a reason' }, 'names due or done'),

  ok('BatchInput', { matrix }),
  bad('BatchInput', {}),
  bad('BatchInput', { matrix, total: 30 }),
  code('BatchInput', { matrix: { sizes: ['S'], colors: ['NAVY'] } }, 'a batch gives its quantities'),

  ok('GenerateBatchesInput', {}),
  ok('GenerateBatchesInput', { maxBatchQty: 100 }),
  bad('GenerateBatchesInput', { maxBatchQty: 0 }),
  bad('GenerateBatchesInput', { maxBatchQty: 10_000_001 }),
  bad('GenerateBatchesInput', { maxQty: 100 }),

  ok('BatchTransition', { action: 'start' }),
  ok('BatchTransition', {
    action: 'finish',
    produced: matrix,
    rejected: { ...matrix, quantities: [[0, 1]] },
    reason: 'two lost',
  }),
  bad('BatchTransition', { action: 'pause' }),
  bad('BatchTransition', { action: 'finish', produced: { ...matrix, extra: 1 } }),
  code('BatchTransition', { action: 'finish' }, 'finish needs produced'),
  code('BatchTransition', { action: 'start', produced: matrix }, 'produced only with finish'),

  ok('RoleMappingInput', { roles: ['viewer', 'planner'] }),
  ok('RoleMappingInput', { roles: [] }),
  bad('RoleMappingInput', { roles: ['boss'] }),
  bad('RoleMappingInput', { roles: 'viewer' }),
  bad('RoleMappingInput', { roles: ['viewer'], email: 'x@example.com' }),

  ok('SalesOrderInput', {
    customer: 'ACME',
    techPackId: 'TP-000001',
    matrix,
    deliveryDate: '2027-01-31',
    notes: 'first',
  }),
  bad('SalesOrderInput', { customer: 'ACME', techPackId: 'TP-000001' }),
  bad('SalesOrderInput', { customer: 'x'.repeat(201), techPackId: 'TP-000001', matrix }),
  bad('SalesOrderInput', { customer: 'ACME', techPackId: 'TP-000001', matrix, discount: 5 }),
  code(
    'SalesOrderInput',
    { customer: 'ACME', techPackId: 'TP-000001', matrix: { ...matrix, quantities: [[0, 0]] } },
    'at least one garment',
  ),

  ok('SalesOrderTransition', { to: 'Sent' }),
  ok('SalesOrderTransition', { to: 'Cancelled', reason: 'customer withdrew' }),
  bad('SalesOrderTransition', { to: 'Shipped' }),
  bad('SalesOrderTransition', { to: 'Sent', when: 'now' }),

  ok('SalesOrderProductionOrderInput', {}),
  ok('SalesOrderProductionOrderInput', { deliveryDate: '2027-02-01', notes: 'split' }),
  bad('SalesOrderProductionOrderInput', { deliveryDate: 'soon' }),
  bad('SalesOrderProductionOrderInput', { matrix }),

  ok('StockInput', { cells: [{ color: 'NAVY', size: 'S', onHand: 5, reorderPoint: 10, target: 40 }] }),
  ok('StockInput', { cells: [] }),
  bad('StockInput', { cells: [{ color: 'NAVY', size: 'S', onHand: -1, reorderPoint: 10, target: 40 }] }),
  bad('StockInput', { cells: [{ color: 'NAVY', size: 'S', onHand: 1, reorderPoint: 10, target: 40, bin: 'A1' }] }),
  bad('StockInput', { cells: 'NAVY' }),
  bad('StockInput', { cells: [], version: 2 }),
  code(
    'StockInput',
    { cells: [{ color: 'GREEN', size: 'S', onHand: 1, reorderPoint: 10, target: 40 }] },
    'colors of the tech pack',
  ),
  code(
    'StockInput',
    { cells: [{ color: 'NAVY', size: 'S', onHand: 1, reorderPoint: 10, target: 5 }] },
    'target at least the reorder point',
  ),
  ok('IqTemplateInput', { code: 'IQ-TEE', name: 'Knit tops', aql: { major: 2.5 } }),
  ok('IqTemplateInput', {
    code: 'IQ.1_a',
    name: 'Woven, final',
    inspectionLevel: 'S-4',
    aql: { critical: 0.065, major: 1.5, minor: 4 },
    checkpoints: ['Measurements to spec', 'Seams'],
    requiredForFinish: true,
  }),
  bad('IqTemplateInput', { code: 'has space', name: 'x', aql: { major: 2.5 } }),
  bad('IqTemplateInput', { code: 'X'.repeat(41), name: 'x', aql: { major: 2.5 } }),
  bad('IqTemplateInput', { code: 'X', name: 'x', aql: { major: 3 } }),
  bad('IqTemplateInput', { code: 'X', name: 'x', aql: {} }),
  bad('IqTemplateInput', { code: 'X', name: 'x', aql: { major: 2.5, cosmetic: 1 } }),
  bad('IqTemplateInput', { code: 'X', name: 'x', aql: { major: 2.5 }, inspectionLevel: 'IV' }),
  bad('IqTemplateInput', { code: 'X', name: 'x', aql: { major: 2.5 }, checkpoints: ['ok', ' '] }),
  bad('IqTemplateInput', { code: 'X', name: 'x', aql: { major: 2.5 }, requiredForFinish: 'yes' }),
  bad('IqTemplateInput', { name: 'x', aql: { major: 2.5 } }),
  bad('IqTemplateInput', { code: 'X', name: 'x', aql: { major: 2.5 }, colour: 'red' }),

  ok('IqTemplatePatch', {}),
  ok('IqTemplatePatch', { name: 'Denim II', inspectionLevel: 'III', aql: { minor: 6.5 }, checkpoints: [] }),
  ok('IqTemplatePatch', { requiredForFinish: false }),
  bad('IqTemplatePatch', { code: 'NEW' }),
  bad('IqTemplatePatch', { name: ' ' }),
  bad('IqTemplatePatch', { inspectionLevel: null }),
  bad('IqTemplatePatch', { aql: { major: 2 } }),
  bad('IqTemplatePatch', { checkpoints: Array.from({ length: 101 }, (_, i) => `check ${i}`) }),

  ok('InspectionInput', {}),
  ok('InspectionInput', {
    sampleSize: 200,
    criticalDefects: 0,
    majorDefects: 3,
    minorDefects: 9,
    inspector: 'Lin',
    notes: 'Loose threads',
  }),
  bad('InspectionInput', { sampleSize: 0 }),
  bad('InspectionInput', { criticalDefects: -1 }),
  bad('InspectionInput', { majorDefects: 1.5 }),
  bad('InspectionInput', { minorDefects: '2' }),
  bad('InspectionInput', { inspector: 7 }),
  bad('InspectionInput', { notes: 'x'.repeat(2001) }),
  bad('InspectionInput', { result: 'pass' }),

  ok('RawMaterialInput', { leadTimeDays: 30, variants: [] }),
  ok('RawMaterialInput', {
    leadTimeDays: 0,
    variants: [
      { variant: 'NAVY', uom: 'm', onHand: 120.5, onOrder: [{ qty: 500, eta: '2026-03-01' }] },
      { variant: 'RED', uom: 'm', onHand: 0 },
    ],
  }),
  // the body GET answered, sent back
  ok('RawMaterialInput', {
    material: 'FAB-JERSEY',
    leadTimeDays: 45,
    variants: [{ variant: 'NAVY', uom: 'm', onHand: 1, onOrder: [] }],
    version: 3,
    updatedAt: '2026-01-01T00:00:00Z',
    updatedBy: 'logistics@example.com',
  }),
  ok('RawMaterialInput', { leadTimeDays: 1, variants: [], version: 0, updatedAt: null, updatedBy: null }),
  bad('RawMaterialInput', { variants: [] }),
  bad('RawMaterialInput', { leadTimeDays: 1.5, variants: [] }),
  bad('RawMaterialInput', { leadTimeDays: 3651, variants: [] }),
  bad('RawMaterialInput', { leadTimeDays: 1, variants: 'NAVY' }),
  bad('RawMaterialInput', { leadTimeDays: 1, variants: [], supplier: 'ACME' }),
  bad('RawMaterialInput', { leadTimeDays: 1, variants: [{ variant: 'NAVY', uom: 'm', onHand: -1 }] }),
  bad('RawMaterialInput', { leadTimeDays: 1, variants: [{ variant: 'NAVY', uom: 'm', onHand: 1, bin: 'A1' }] }),
  bad('RawMaterialInput', { leadTimeDays: 1, variants: [{ variant: '', uom: 'm', onHand: 1 }] }),
  bad('RawMaterialInput', {
    leadTimeDays: 1,
    variants: [{ variant: 'N', uom: 'm', onHand: 1, onOrder: [{ qty: 1 }] }],
  }),
  bad('RawMaterialInput', {
    leadTimeDays: 1,
    variants: [{ variant: 'N', uom: 'm', onHand: 1, onOrder: [{ qty: 1, eta: '2026-02-30' }] }],
  }),
  bad('RawMaterialInput', { leadTimeDays: 1, variants: [], version: -1 }),
  code('RawMaterialInput', { material: 'FAB-OTHER', leadTimeDays: 1, variants: [] }, 'the path\u2019s material'),
  code(
    'RawMaterialInput',
    {
      leadTimeDays: 1,
      variants: [
        { variant: 'N', uom: 'm', onHand: 1 },
        { variant: 'N', uom: 'm', onHand: 2 },
      ],
    },
    'each variant and uom once',
  ),
];
