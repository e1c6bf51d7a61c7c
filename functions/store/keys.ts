// The table layout: the key grammar, the only place that builds keys (each entity's declaration in
// entities.ts names its key and index attributes from here). One partition per entity; its history
// (the outbox too) and, for orders, its batches live beside it, so one Query reads them together.
//
//   entity          pk                 sk         GSIs (stateKey / techPackKey / typeKey, seq)
//   tech pack       TP#TP-000001       #ENTITY    TP#<state>#<shard> / - / TechPack#<shard>
//   order           PO#PO-000001       #ENTITY    PO#<state>#<shard> / PO#<techPackId> / ProductionOrder#<shard>
//   batch set       PO#PO-000001       B#<seq of its last batch, 12 digits>   -   (1..25 batches of the order, see batchCodec.ts)
//   order BOM       PO#PO-000001       #BOM                -   (the BOM its materials summary uses; the release snapshot)
//   requirement     PO#PO-000001       #REQ                byRequirement: reqKey REQ#<shard> (open orders; seq)
//   requirement BOM PO#PO-000001       #REQBOM             -   (the BOM the requirement is computed from)
//   raw material    RM#<material>      #ENTITY             -           /  -                  / RawMaterial
//   its history     RM#<material>      H#<version, 10 digits>
//   sales order     SO#SO-000001       #ENTITY    SO#<state>#<shard> / SO#<techPackId> / SalesOrder#<shard>
//   stock (style)   STOCK#TP-000001    #STOCK     STOCK#Low#<shard> or STOCK#Ok#<shard> (seq = the style's number)
//   history entry   <entity pk>        H#<version, 10 digits>
//   batch history   PO#PO-000001       H#<order version, 10 digits>#<batch id>   (ordered with the order's own history)
//   id counter      COUNTER#PO         #COUNTER
//   settings        SETTINGS           #ENTITY
//   role mapping    USER#<email>       #ENTITY             -           /  -                  / RoleMapping
//   IQ template     IQ#<code>          #ENTITY             -           /  -                  / IqTemplate
//                   (seq = its creation time in ms: listed newest first)
//   inspection      PO#PO-000001       I#<batch seq, 12 digits>#<number, 6 digits>
//                   (a batch's inspections, oldest first; after H#, so an order's reads skip them)
//   idempotency     IDEM#<caller>#<key> #IDEM              (TTL expiresAt)
//   milestone       PO#PO-000001       M#<key>             byMilestone: msShard MS#<n> (open) or MSD#<n> (done),
//                   msDue <due>#<order id>#<key>; only while the order is open and the milestone has a due
//                   date (after H# and I#: an order's reads skip them)

// <shard>: functions/store/shards.ts (the id's number mod SHARDS[kind]); typeKey "<type>#<shard>" for
// every entity with a `type` (RawMaterial, RoleMapping, IqTemplate: one shard, "#0").

import { fnv1a, partitionsOf } from './shards.js';

export type EntityKind = 'TechPack' | 'ProductionOrder' | 'SalesOrder' | 'RoleMapping';

export const ID_PREFIX = { TechPack: 'TP', ProductionOrder: 'PO', SalesOrder: 'SO', ProductionBatch: 'B' } as const;
export type IdKind = keyof typeof ID_PREFIX;

export const ENTITY_SK = '#ENTITY';
export const HISTORY_PREFIX = 'H#';
export const BATCH_PREFIX = 'B#';
export const BOM_SK = '#BOM';
export const INSPECTION_PREFIX = 'I#';
export const REQUIREMENT_SK = '#REQ';
export const REQUIREMENT_BOM_SK = '#REQBOM';
export const MILESTONE_PREFIX = 'M#';

/** Batch sets sort by the number of their last batch, zero-padded so B-1000000 sorts after B-999999. */
export function batchSetSk(batchId: string): string {
  return BATCH_PREFIX + String(seqOf(batchId)).padStart(12, '0');
}

export const keys = {
  entity: (id: string) => ({ pk: entityPk(id), sk: ENTITY_SK }),
  history: (entityId: string, version: number) => ({
    pk: entityPk(entityId),
    sk: HISTORY_PREFIX + String(version).padStart(10, '0'),
  }),
  /** The item holding a run of an order's batches, keyed by the last of them (see batchCodec.ts). */
  batchSet: (orderId: string, lastBatchId: string) => ({ pk: entityPk(orderId), sk: batchSetSk(lastBatchId) }),
  /** A batch's history entry, filed under the order version its write produced: chronological with the order's. */
  batchHistory: (orderId: string, orderVersion: number, batchId: string) => ({
    pk: entityPk(orderId),
    sk: `${HISTORY_PREFIX}${String(orderVersion).padStart(10, '0')}#${batchId}`,
  }),
  bomRecord: (orderId: string) => ({ pk: entityPk(orderId), sk: BOM_SK }),
  /** The order's material requirement (its gross per material), in the byState index while the order is open. */
  requirement: (orderId: string) => ({ pk: entityPk(orderId), sk: REQUIREMENT_SK }),
  /** The BOM the order's requirement is computed from (kept apart: the indexed item stays small). */
  requirementBom: (orderId: string) => ({ pk: entityPk(orderId), sk: REQUIREMENT_BOM_SK }),
  rawMaterial: (material: string) => ({ pk: `RM#${material}`, sk: ENTITY_SK }),
  rawMaterialHistory: (material: string, version: number) => ({
    pk: `RM#${material}`,
    sk: HISTORY_PREFIX + String(version).padStart(10, '0'),
  }),
  counter: (kind: IdKind) => ({ pk: `COUNTER#${ID_PREFIX[kind]}`, sk: '#COUNTER' }),
  settings: () => ({ pk: 'SETTINGS', sk: ENTITY_SK }),
  roleMapping: (email: string) => ({ pk: `USER#${email.toLowerCase()}`, sk: ENTITY_SK }),
  idempotency: (caller: string, key: string) => ({ pk: `IDEM#${caller}#${key}`, sk: '#IDEM' }),
  /** IQ templates are named by their code (shared/quality.ts: IQ_TEMPLATE_CODE). */
  iqTemplate: (code: string) => ({ pk: `IQ#${code}`, sk: ENTITY_SK }),
  /** The `number`th inspection of a batch, in its order's partition (after the history: not read with the order). */
  inspection: (orderId: string, batchId: string, number: number) => ({
    pk: entityPk(orderId),
    sk: `${inspectionsSkPrefix(batchId)}${String(number).padStart(6, '0')}`,
  }),
  /** One milestone of an order, as the byMilestone index lists it (the order item holds the milestones). */
  milestone: (orderId: string, key: string) => ({ pk: entityPk(orderId), sk: MILESTONE_PREFIX + key }),
  /** One item per style: every stock cell of the tech pack, and its replenishment marker. */
  stock: (techPackId: string) => ({ pk: `STOCK#${techPackId}`, sk: '#STOCK' }),
};

/** The sort key prefix of one batch's inspections. */
export function inspectionsSkPrefix(batchId: string): string {
  return `${INSPECTION_PREFIX}${String(seqOf(batchId)).padStart(12, '0')}#`;
}

/** byState partition of stock items: the replenishment job reads only the `Low` one. */
export const stockStateKey = (low: boolean) => `STOCK#${low ? 'Low' : 'Ok'}`;

/** Entities are keyed by their own id: the id's prefix (TP-, PO-, SO-) names the kind. */
function entityPk(id: string): string {
  const prefix = id.split('-')[0];
  return `${prefix}#${id}`;
}

export const stateKey = (kind: IdKind, state: string) => `${ID_PREFIX[kind]}#${state}`;

/**
 * byRequirement partitions of the requirement items of open orders, spread over REQUIREMENT_SHARDS
 * partitions by the order's number (the same shardOf as shards.ts). The order's state is not in the
 * key: a move between open states (plan, release, start) leaves the index entry where it is.
 */
export const REQUIREMENT_SHARDS = 4;
export const requirementKey = (seq: number) => `REQ#${seq % REQUIREMENT_SHARDS}`;
export const requirementKeys = () => Array.from({ length: REQUIREMENT_SHARDS }, (_, i) => `REQ#${i}`);
/**
 * byMilestone partitions: open (MS#) and done (MSD#) milestones, each spread over MILESTONE_SHARDS
 * partitions by the FNV-1a hash of the whole order id (shards.ts; no table-wide hot key); a list page
 * is one Query per shard, in parallel, merged by due date (shards.ts queryShards).
 */
export const MILESTONE_SHARDS = 4;
export function milestoneShardKey(orderId: string, done: boolean): string {
  return `${done ? 'MSD' : 'MS'}#${fnv1a(orderId) % MILESTONE_SHARDS}`;
}
export function milestoneShardKeys(done: boolean): string[] {
  return partitionsOf(done ? 'MSD' : 'MS', MILESTONE_SHARDS);
}
/** The byMilestone sort key: by due date, then order and key (ties in a stable order). */
export const milestoneDueKey = (due: string, orderId: string, key: string) => `${due}#${orderId}#${key}`;

export const techPackKey = (kind: IdKind, techPackId: string) => `${ID_PREFIX[kind]}#${techPackId}`;

export function formatId(kind: IdKind, seq: number): string {
  return `${ID_PREFIX[kind]}-${String(seq).padStart(6, '0')}`;
}

/** The number inside a human-friendly id (PO-000042 -> 42); used as the sort key of the indexes. */
export function seqOf(id: string): number {
  return Number(id.slice(id.indexOf('-') + 1));
}

/** Ids arrive from URLs: only well-formed ones of the expected kind reach the table. */
export function isIdOf(kind: IdKind, id: string): boolean {
  return new RegExp(`^${ID_PREFIX[kind]}-\\d{6,12}$`).test(id);
}

export const KEY_ATTRIBUTES = [
  'pk',
  'sk',
  'stateKey',
  'techPackKey',
  'type',
  'typeKey',
  'seq',
  'expiresAt',
  'msShard',
  'msDue',
  'reqKey',
] as const;
