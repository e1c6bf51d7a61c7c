// The one definition of the single table. The CDK stack (infra/) and the local stack both build from it,
// so DynamoDB Local always has the same keys and indexes as AWS.
import {
  ORDER_SUMMARY_FIELDS,
  SALES_ORDER_SUMMARY_FIELDS,
  TECH_PACK_SUMMARY_FIELDS,
} from '../../shared/schemas/resources.js';

export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** Time-to-live attribute (epoch seconds): idempotency records expire by it. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** What an index copies of an item: its keys only, or its keys and the named attributes. Never ALL. */
export type IndexProjection = { type: 'KEYS_ONLY' } | { type: 'INCLUDE'; attributes: readonly string[] };

export interface IndexDefinition {
  name: string;
  partitionKey: { name: string; type: 'S' | 'N' };
  sortKey: { name: string; type: 'S' | 'N' };
  projection: IndexProjection;
}

/** DynamoDB's limit: the INCLUDE attributes of all of a table's indexes together (a name in two counts twice). */
export const MAX_PROJECTED_ATTRIBUTES = 100;

// What each index's readers need (and nothing else: an edit of a 56 KB order copies these few hundred
// bytes into each index, not the order). The list summaries are shared/schemas/resources.ts's.
const ENTITY_SUMMARY = [
  ...new Set<string>([...ORDER_SUMMARY_FIELDS, ...TECH_PACK_SUMMARY_FIELDS, ...SALES_ORDER_SUMMARY_FIELDS]),
];
/** The #REQ item read by the requirements answer (entities.ts requirementEntity, its `materials` filter). */
const REQUIREMENT_ATTRIBUTES = ['orderId', 'pinned', 'incomplete', 'bomVersion', 'lines', 'materials'];
/** Listed by kind: raw materials (the supply), role mappings, IQ templates, whole (each is small). */
const SMALL_KIND_ATTRIBUTES = [
  'material',
  'leadTimeDays',
  'variants',
  'email',
  'roles',
  'code',
  'inspectionLevel',
  'aql',
  'checkpoints',
  'requiredForFinish',
];

/**
 * Every index partition that would take every write of a kind or state is sharded (functions/store/shards.ts):
 * byState:     entities of one kind in one state, newest first  (stateKey = "PO#Draft#<shard>", seq);
 *              requirements of open orders ("REQ#Draft#<shard>"), styles with a low cell ("STOCK#Low#<shard>")
 * byTechPack:  production orders (and sales orders) of one tech pack (techPackKey = "PO#TP-000001", seq):
 *              one style's, not table-wide, so not sharded
 * byType:      every entity of one kind, newest first            (typeKey = "ProductionOrder#<shard>", seq)
 * byMilestone: milestones of open orders, soonest first, sharded  (msShard = "MS#2", msDue = "2027-03-01#PO-...#key");
 *              only what the list answers is projected
 */
export const INDEXES: IndexDefinition[] = [
  {
    name: 'byState',
    partitionKey: { name: 'stateKey', type: 'S' },
    sortKey: { name: 'seq', type: 'N' },
    projection: { type: 'INCLUDE', attributes: [...ENTITY_SUMMARY, ...REQUIREMENT_ATTRIBUTES] },
  },
  {
    name: 'byTechPack',
    partitionKey: { name: 'techPackKey', type: 'S' },
    sortKey: { name: 'seq', type: 'N' },
    projection: {
      type: 'INCLUDE',
      attributes: [...new Set<string>([...ORDER_SUMMARY_FIELDS, ...SALES_ORDER_SUMMARY_FIELDS])],
    },
  },
  {
    name: 'byType',
    partitionKey: { name: 'typeKey', type: 'S' },
    sortKey: { name: 'seq', type: 'N' },
    projection: { type: 'INCLUDE', attributes: [...ENTITY_SUMMARY, ...SMALL_KIND_ATTRIBUTES] },
  },
  {
    name: 'byMilestone',
    partitionKey: { name: 'msShard', type: 'S' },
    sortKey: { name: 'msDue', type: 'S' },
    projection: { type: 'INCLUDE', attributes: ['orderId', 'styleCode', 'key', 'name', 'due', 'done', 'deliveryDate'] },
  },
];

/** How many INCLUDE attributes the indexes use of MAX_PROJECTED_ATTRIBUTES. */
export function projectedAttributeCount(indexes: readonly IndexDefinition[] = INDEXES): number {
  return indexes.reduce((n, ix) => n + (ix.projection.type === 'INCLUDE' ? ix.projection.attributes.length : 0), 0);
}

/** The CreateTable / CloudFormation form of a projection. */
export function projectionOf(ix: IndexDefinition): {
  ProjectionType: 'KEYS_ONLY' | 'INCLUDE';
  NonKeyAttributes?: string[];
} {
  return ix.projection.type === 'KEYS_ONLY'
    ? { ProjectionType: 'KEYS_ONLY' }
    : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...ix.projection.attributes] };
}

export const DEFAULT_TABLE_NAME = 'garmentflow-production';

/** The CreateTable request for DynamoDB Local (plain data: no SDK import needed here). */
export function createTableRequest(tableName: string) {
  const attributes = new Map<string, 'S' | 'N'>([
    [TABLE_KEYS.partitionKey, 'S'],
    [TABLE_KEYS.sortKey, 'S'],
  ]);
  for (const ix of INDEXES) {
    attributes.set(ix.partitionKey.name, ix.partitionKey.type);
    attributes.set(ix.sortKey.name, ix.sortKey.type);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: INDEXES.map((ix) => ({
      IndexName: ix.name,
      KeySchema: [
        { AttributeName: ix.partitionKey.name, KeyType: 'HASH' as const },
        { AttributeName: ix.sortKey.name, KeyType: 'RANGE' as const },
      ],
      Projection: projectionOf(ix),
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const },
  };
}
