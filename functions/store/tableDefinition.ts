// The one definition of the single table. The CDK stack (infra/) and the local stack both build from it,
// so DynamoDB Local always has the same keys and indexes as AWS.

export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** Time-to-live attribute (epoch seconds): idempotency records expire by it. */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface IndexDefinition {
  name: string;
  partitionKey: { name: string; type: 'S' | 'N' };
  sortKey: { name: string; type: 'S' | 'N' };
  /** The attributes the index holds besides the keys (left out: ALL). */
  include?: readonly string[];
}

/**
 * byState:     entities of one kind in one state, newest first  (stateKey = "PO#Draft", seq)
 * byTechPack:  production orders (and sales orders) of one tech pack (techPackKey = "PO#TP-000001", seq)
 * byType:      every entity of one kind, newest first            (type = "ProductionOrder", seq)
 * byMilestone: milestones of open orders, soonest first, sharded  (msShard = "MS#2", msDue = "2027-03-01#PO-...#key");
 *              only what the list answers is projected
 */
export const INDEXES: IndexDefinition[] = [
  { name: 'byState', partitionKey: { name: 'stateKey', type: 'S' }, sortKey: { name: 'seq', type: 'N' } },
  { name: 'byTechPack', partitionKey: { name: 'techPackKey', type: 'S' }, sortKey: { name: 'seq', type: 'N' } },
  { name: 'byType', partitionKey: { name: 'type', type: 'S' }, sortKey: { name: 'seq', type: 'N' } },
  {
    name: 'byMilestone',
    partitionKey: { name: 'msShard', type: 'S' },
    sortKey: { name: 'msDue', type: 'S' },
    include: ['orderId', 'styleCode', 'key', 'name', 'due', 'done', 'deliveryDate'],
  },
];

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
      Projection: ix.include
        ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...ix.include] }
        : { ProjectionType: 'ALL' as const },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const },
  };
}
