// The table layout: the only place that builds keys. One partition per entity; its history
// (the outbox too) and, for orders, its batches live beside it, so one Query reads them together.
//
//   entity          pk                 sk                  GSIs (stateKey / techPackKey / type, seq)
//   tech pack       TP#TP-000001       #ENTITY             TP#<state>  /  -                  / TechPack
//   order           PO#PO-000001       #ENTITY             PO#<state>  /  PO#<techPackId>    / ProductionOrder
//   order batch     PO#PO-000001       B#B-000001          -
//   sales order     SO#SO-000001       #ENTITY             SO#<state>  /  SO#<techPackId>    / SalesOrder
//   stock (style)   STOCK#TP-000001    #STOCK              STOCK#Low or STOCK#Ok / -         / Stock      (seq = the style's number)
//   history entry   <entity pk>        H#<version, 10 digits>
//   id counter      COUNTER#PO         #COUNTER
//   settings        SETTINGS           #ENTITY
//   role mapping    USER#<email>       #ENTITY             -           /  -                  / RoleMapping
//   idempotency     IDEM#<caller>#<key> #IDEM              (TTL expiresAt)

export type EntityKind = 'TechPack' | 'ProductionOrder' | 'SalesOrder' | 'RoleMapping';

export const ID_PREFIX = { TechPack: 'TP', ProductionOrder: 'PO', SalesOrder: 'SO', ProductionBatch: 'B' } as const;
export type IdKind = keyof typeof ID_PREFIX;

export const ENTITY_SK = '#ENTITY';
export const HISTORY_PREFIX = 'H#';
export const BATCH_PREFIX = 'B#';

export const keys = {
  entity: (id: string) => ({ pk: entityPk(id), sk: ENTITY_SK }),
  history: (entityId: string, version: number) => ({ pk: entityPk(entityId), sk: HISTORY_PREFIX + String(version).padStart(10, '0') }),
  batch: (orderId: string, batchId: string) => ({ pk: entityPk(orderId), sk: BATCH_PREFIX + batchId }),
  counter: (kind: IdKind) => ({ pk: `COUNTER#${ID_PREFIX[kind]}`, sk: '#COUNTER' }),
  settings: () => ({ pk: 'SETTINGS', sk: ENTITY_SK }),
  roleMapping: (email: string) => ({ pk: `USER#${email.toLowerCase()}`, sk: ENTITY_SK }),
  idempotency: (caller: string, key: string) => ({ pk: `IDEM#${caller}#${key}`, sk: '#IDEM' }),
  /** One item per style: every stock cell of the tech pack, and its replenishment marker. */
  stock: (techPackId: string) => ({ pk: `STOCK#${techPackId}`, sk: '#STOCK' }),
};

/** byState partition of stock items: the replenishment job reads only the `Low` one. */
export const stockStateKey = (low: boolean) => `STOCK#${low ? 'Low' : 'Ok'}`;

/** Entities are keyed by their own id: the id's prefix (TP-, PO-, SO-) names the kind. */
function entityPk(id: string): string {
  const prefix = id.split('-')[0];
  return `${prefix}#${id}`;
}

export const stateKey = (kind: IdKind, state: string) => `${ID_PREFIX[kind]}#${state}`;
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

export const KEY_ATTRIBUTES = ['pk', 'sk', 'stateKey', 'techPackKey', 'type', 'seq', 'expiresAt'] as const;
