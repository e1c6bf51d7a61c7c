// How an entity is declared (functions/store/entities.ts holds the declarations), in the spirit of
// ElectroDB / dynamodb-toolbox but small: its key, the index attributes that put it in the GSIs,
// the order of fields in answers, the attributes stored differently from the domain value, and the
// defaults an older item that lacks a field decodes with. The item builder and the decoder follow
// from the declaration; so do the conditional writes (`putNew`, `putIfAt`).
//
// A field added to a domain type needs no store change: the item spreads the domain value, the
// decoder keeps every attribute that is not a key attribute (after the declared `fields`, in the
// order they came). Declare it in `fields` to place it, in `defaults` when older items lack it.
import type { Item, TransactItem } from './db.js';
import { inOrder, withoutKeys } from './codec.js';
import { shardedKey } from './shards.js';

export interface Key {
  pk: string;
  sk: string;
}

export interface EntitySpec<T, W = T> {
  /** The `type` attribute; with `seq`, it also puts the item in the byType index under `typeKey`. */
  type?: string;
  /**
   * The partitions its kind is spread over (shards.ts SHARDS): `typeKey` = "<type>#<shard of the key>",
   * and the entity's sharded `stateKey` uses the same count. Default 1.
   */
  shards?: number;
  /** false: the item carries `type` but is never listed by kind (no byType entry). */
  typeIndex?: boolean;
  key: (value: W) => Key;
  /** GSI attributes: stateKey (byState), techPackKey (byTechPack), seq (sort key of all three). */
  indexes?: (value: W) => Item;
  /** The order of fields in answers: these first, then any others. */
  fields: readonly string[];
  /** `keep` (default): attributes not in `fields` are answered too; `drop`: only `fields`. */
  others?: 'keep' | 'drop';
  /** The attributes as stored, where they differ from the domain value (packed matrices, ...). */
  encode?: (value: W) => Item;
  /** false: the value written is not the domain value; `encode` gives every stored attribute. */
  spread?: boolean;
  /** The domain attributes from the stored ones (the item without its key attributes, defaults applied). */
  decode?: (raw: Item, item: Item) => Item;
  /** Values for fields an older item lacks (cloned per decode). */
  defaults?: Item;
}

export interface Entity<T, W = T> {
  readonly spec: EntitySpec<T, W>;
  key(value: W): Key;
  /** The whole item: key, index attributes, the domain value, its encoded attributes. */
  item(value: W): Item;
  decode(item: Item): T;
  /** An unconditional Put (last writer wins). */
  put(table: string, value: W): TransactItem;
  /** A Put of a new item (fails if the key exists). */
  putNew(table: string, value: W): TransactItem;
  /** A Put that replaces the item only if it is still at `expected` (version, and state when given). */
  putIfAt(table: string, value: W, expected: Expected): TransactItem;
}

/** What a conditional write expects the stored item to be at. Version 0 means: not there yet. */
export interface Expected {
  version: number;
  state?: string;
}

export function defineEntity<T, W = T>(spec: EntitySpec<T, W>): Entity<T, W> {
  return {
    spec,
    key: spec.key,
    item(value) {
      const key = spec.key(value);
      return {
        ...key,
        ...(spec.type ? { type: spec.type } : {}),
        ...(spec.type && spec.typeIndex !== false ? { typeKey: shardedKey(spec.type, key.pk, spec.shards ?? 1) } : {}),
        ...spec.indexes?.(value),
        ...(spec.spread === false ? {} : (value as Item)),
        ...spec.encode?.(value),
      };
    },
    decode(item) {
      const raw: Item = { ...(spec.defaults ? structuredClone(spec.defaults) : {}), ...withoutKeys(item) };
      const decoded = { ...raw, ...spec.decode?.(raw, item) };
      if (spec.others === 'drop') {
        const out: Item = {};
        for (const f of spec.fields) if (decoded[f] !== undefined) out[f] = decoded[f];
        return out as T;
      }
      return inOrder<T>(decoded, spec.fields);
    },
    put(table, value) {
      return { Put: { TableName: table, Item: this.item(value) } };
    },
    putNew(table, value) {
      return { Put: { TableName: table, Item: this.item(value), ConditionExpression: 'attribute_not_exists(pk)' } };
    },
    putIfAt(table, value, expected) {
      return { Put: { TableName: table, Item: this.item(value), ...ifAt(expected) } };
    },
  };
}

/** A write's condition and the names and values it uses. */
export interface Condition {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** The one condition "still at version v (and state s)"; version 0: the item does not exist yet. */
export function ifAt(expected: Expected): Condition {
  if (expected.version === 0) return { ConditionExpression: 'attribute_not_exists(pk)' };
  if (expected.state === undefined)
    return { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expected.version } };
  return {
    ConditionExpression: 'version = :v AND #state = :s',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: { ':v': expected.version, ':s': expected.state },
  };
}
