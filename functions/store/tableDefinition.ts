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

// What each list answers (or filters by) from an index entry, per kind of item it lists (`type`, or
// `kind` for the items without one): an index projects exactly the union of these beside its keys, and
// nothing that only a read by id answers (an edit of a 56 KB order copies a few hundred bytes into each
// index, not the order). The capacity floor of an index write (metrics.ts indexFloorUnits) is the same
// minimal entry: keys + these attributes. The list summaries are shared/schemas/resources.ts's.
const RAW_MATERIAL_LIST = ['material', 'leadTimeDays', 'variants', 'version', 'updatedAt', 'updatedBy'];
const ROLE_MAPPING_LIST = ['email', 'roles', 'updatedAt', 'updatedBy'];
const IQ_TEMPLATE_LIST = [
  'code',
  'name',
  'inspectionLevel',
  'aql',
  'checkpoints',
  'requiredForFinish',
  'version',
  'createdAt',
  'createdBy',
  'updatedAt',
  'updatedBy',
];

export type ListEntries = Readonly<Record<string, readonly string[]>>;

/** Per index, per kind of item in it: the attributes its list answers or filters by from the index. */
export const LIST_ENTRIES: Readonly<Record<string, ListEntries>> = {
  byState: {
    ProductionOrder: ORDER_SUMMARY_FIELDS,
    TechPack: TECH_PACK_SUMMARY_FIELDS,
    SalesOrder: SALES_ORDER_SUMMARY_FIELDS,
    // The replenishment job reads the low styles' ids (stock.ts lowStylesPage).
    Stock: ['techPackId'],
  },
  byTechPack: { ProductionOrder: ORDER_SUMMARY_FIELDS, SalesOrder: SALES_ORDER_SUMMARY_FIELDS },
  byType: {
    ProductionOrder: ORDER_SUMMARY_FIELDS,
    TechPack: TECH_PACK_SUMMARY_FIELDS,
    SalesOrder: SALES_ORDER_SUMMARY_FIELDS,
    RawMaterial: RAW_MATERIAL_LIST,
    RoleMapping: ROLE_MAPPING_LIST,
    IqTemplate: IQ_TEMPLATE_LIST,
  },
  // The requirements answer (requirements.ts lines): which open orders' #REQ to read, filtered by
  // material; their lines come from the #REQ items themselves (BatchGet), so a matrix edit or a move
  // between open states writes nothing here.
  byRequirement: { Requirement: ['materials'] },
  byMilestone: { Milestone: ['orderId', 'styleCode', 'key', 'name', 'due', 'done', 'deliveryDate'] },
};

/** The INCLUDE projection of an index: the union of what its lists answer, in declaration order. */
function listed(index: string): IndexProjection {
  return { type: 'INCLUDE', attributes: [...new Set(Object.values(LIST_ENTRIES[index]).flat())] };
}

/**
 * Every index partition that would take every write of a kind or state is sharded (functions/store/shards.ts):
 * byState:       entities of one kind in one state, newest first  (stateKey = "PO#Draft#<shard>", seq);
 *                styles with a low cell ("STOCK#Low#<shard>")
 * byTechPack:    production orders (and sales orders) of one tech pack (techPackKey = "PO#TP-000001", seq):
 *                one style's, not table-wide, so not sharded
 * byType:        every entity of one kind, newest first            (typeKey = "ProductionOrder#<shard>", seq)
 * byRequirement: the requirement items (#REQ) of open orders        (reqKey = "REQ#<shard>", seq); keys and
 *                `materials` only (sparse: a Completed or Cancelled order's #REQ has no reqKey)
 * byMilestone:   milestones of open orders, soonest first, sharded  (msShard = "MS#2",
 *                msDue = "2027-03-01#PO-...#key");
 *                only what the list answers is projected
 */
export const INDEXES: IndexDefinition[] = [
  {
    name: 'byState',
    partitionKey: { name: 'stateKey', type: 'S' },
    sortKey: { name: 'seq', type: 'N' },
    projection: listed('byState'),
  },
  {
    name: 'byTechPack',
    partitionKey: { name: 'techPackKey', type: 'S' },
    sortKey: { name: 'seq', type: 'N' },
    projection: listed('byTechPack'),
  },
  {
    name: 'byType',
    partitionKey: { name: 'typeKey', type: 'S' },
    sortKey: { name: 'seq', type: 'N' },
    projection: listed('byType'),
  },
  {
    name: 'byRequirement',
    partitionKey: { name: 'reqKey', type: 'S' },
    sortKey: { name: 'seq', type: 'N' },
    projection: listed('byRequirement'),
  },
  {
    name: 'byMilestone',
    partitionKey: { name: 'msShard', type: 'S' },
    sortKey: { name: 'msDue', type: 'S' },
    projection: listed('byMilestone'),
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
