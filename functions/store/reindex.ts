// The one-off move of items written before the index shards (or before a change of a count in
// shards.ts SHARDS) to the index keys the code writes now: `typeKey` (byType), the sharded
// `stateKey` (byState) and, for the requirement items (#REQ), `reqKey` (byRequirement) in place of
// the `stateKey` "REQ#<state>#<shard>" they had in byState before. Items are only ever read through
// the new keys, so an item left at an old key is invisible to lists until this runs; a write through
// the API rewrites an item's keys by itself.
// Run by an operator (infra/ops/reindex.ts: `npm run reindex`), never by a function: it Scans.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Item } from './db.js';
import {
  iqTemplateEntity,
  productionOrderEntity,
  requirementEntity,
  rawMaterialEntity,
  roleMappingEntity,
  salesOrderEntity,
  techPackEntity,
} from './entities.js';
import { stockStateKey } from './keys.js';
import { SHARDS, shardedKey } from './shards.js';

// biome-ignore lint/suspicious/noExplicitAny: each entity's own item type
const LISTED: Record<string, { item: (v: any) => Item; decode: (i: Item) => unknown }> = {
  TechPack: techPackEntity,
  ProductionOrder: productionOrderEntity,
  SalesOrder: salesOrderEntity,
  RawMaterial: rawMaterialEntity,
  RoleMapping: roleMappingEntity,
  IqTemplate: iqTemplateEntity,
};

/** The index attributes an item should carry now, where they differ from what it carries; else undefined. */
export function reindexChange(item: Item): { set: Item; remove: string[] } | undefined {
  const wanted: Item = {};
  const remove: string[] = [];
  const type = item.type as string | undefined;
  if (type === 'Stock') {
    const low = String(item.stateKey ?? '').startsWith(stockStateKey(true));
    wanted.stateKey = shardedKey(stockStateKey(low), String(item.pk), SHARDS.Stock);
    if (item.typeKey !== undefined) remove.push('typeKey');
  } else if (item.kind === 'Requirement') {
    const now = requirementEntity.item(requirementEntity.decode(item));
    if (now.reqKey !== undefined) wanted.reqKey = now.reqKey;
    else if (item.reqKey !== undefined) remove.push('reqKey');
    if (item.stateKey !== undefined) remove.push('stateKey');
  } else if (type && LISTED[type]) {
    const entity = LISTED[type];
    const now = entity.item(entity.decode(item));
    for (const attr of ['typeKey', 'stateKey'] as const) if (now[attr] !== undefined) wanted[attr] = now[attr];
  } else {
    return undefined;
  }
  const set = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => item[k] !== v));
  return Object.keys(set).length || remove.length ? { set, remove } : undefined;
}

export interface ReindexResult {
  scanned: number;
  moved: number;
  /** Changed by someone else between the Scan and the update (which then wrote the new keys itself). */
  skipped: number;
}

/**
 * Scans the table (filtered to items with a `type`, and the #REQ items) and updates each item whose index keys are old,
 * on condition that it is still at the version scanned (a concurrent write already wrote new keys).
 */
export async function reindexTable(
  doc: DynamoDBDocumentClient,
  table: string,
  opts: { dryRun?: boolean; log?: (line: string) => void } = {},
): Promise<ReindexResult> {
  const result: ReindexResult = { scanned: 0, moved: 0, skipped: 0 };
  let start: Item | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'attribute_exists(#type) OR #kind = :req',
        ExpressionAttributeNames: { '#type': 'type', '#kind': 'kind' },
        ExpressionAttributeValues: { ':req': 'Requirement' },
        ExclusiveStartKey: start,
      }),
    );
    start = page.LastEvaluatedKey;
    for (const item of page.Items ?? []) {
      result.scanned++;
      const change = reindexChange(item);
      if (!change) continue;
      opts.log?.(`${item.pk} ${JSON.stringify(change.set)}${change.remove.length ? ` remove ${change.remove}` : ''}`);
      if (opts.dryRun) {
        result.moved++;
        continue;
      }
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const sets = Object.entries(change.set).map(([k, v], i) => {
        names[`#s${i}`] = k;
        values[`:s${i}`] = v;
        return `#s${i} = :s${i}`;
      });
      const removes = change.remove.map((k, i) => {
        names[`#r${i}`] = k;
        return `#r${i}`;
      });
      const versioned = typeof item.version === 'number';
      if (versioned) values[':v'] = item.version;
      // A #REQ has no version: still in the state scanned (an order move meanwhile rewrote its keys).
      const requirement = item.kind === 'Requirement';
      if (requirement) {
        names['#st'] = 'state';
        values[':st'] = item.state;
      }
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes}` : '']
              .join(' ')
              .trim(),
            ConditionExpression: versioned
              ? 'version = :v'
              : requirement
                ? 'attribute_exists(pk) AND #st = :st'
                : 'attribute_exists(pk)',
            ExpressionAttributeNames: names,
            ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
          }),
        );
        result.moved++;
      } catch (err) {
        if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
        result.skipped++;
      }
    }
  } while (start);
  return result;
}
