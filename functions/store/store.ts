// The store: entities in and out of the single table (each declared once in entities.ts), and the
// use-case writes: each owns its transaction, allocates the ids it needs, and ends in a typed way.
// Each method is one round trip unless its comment says otherwise; every write that depends on what
// was read is conditional on `version` (entity.ts: ifAt).
//
// How a write that lost a race ends: a save behind an If-Match throws VersionConflict (with the
// entity as it stands now: 412); every other use-case throws TransientConflict (functions/api.ts
// runs the whole request again on fresh data, then answers 409 CONCURRENT_UPDATE).
import { eventFor, type EventLinks } from '../../shared/events.js';
import { ValidationError } from '../../shared/errors.js';
import { createdEntry, requireReadyTechPack } from '../../shared/productionOrder.js';
import type {
  FactorySettings,
  HistoryEntry,
  Page,
  ProductionOrder,
  TechPack,
  TechPackState,
} from '../../shared/types.js';
import type { BatchSummary } from '../../shared/productionOrder.js';
import type { ProductionOrderSummary, TechPackSummary } from '../../shared/schemas/resources.js';
import {
  ConditionFailed,
  type Db,
  decodeCursor,
  encodeCursor,
  TransientConflict,
  type Item,
  type TransactItem,
} from './db.js';
import {
  batchSetEntity,
  bomRecordEntity,
  decodeOrderSummary,
  decodeSettings,
  decodeTechPackSummary,
  historyEntity,
  productionOrderEntity,
  roleMappingEntity,
  settingsEntity,
  techPackEntity,
  type HistoryKind,
  type RoleMapping,
} from './entities.js';
import type { Expected } from './entity.js';
import { BATCH_PREFIX, ENTITY_SK, HISTORY_PREFIX, keys, stateKey, techPackKey } from './keys.js';
import { listMilestones, type MilestoneQuery, milestoneWrites, type MilestonesBefore } from './milestones.js';
import { Requirements, type OrderBefore } from './requirements.js';
import { partitionsOf, queryShards, SHARDS } from './shards.js';

/** An order as changed, the change's history entry, and the tech pack state the change relies on. */
export interface OrderWrite {
  order: ProductionOrder;
  history: HistoryEntry;
  requireTechPackState?: TechPackState;
}

export interface ListQuery {
  limit: number;
  cursor?: string;
}

/** The entity was no longer at the version the write expected; `current` is how it stands now. */
export class VersionConflict<T> extends Error {
  constructor(readonly current: T | undefined) {
    super('VersionConflict');
  }
}

/** A condition of a use-case's transaction failed: another request got there first; run it again. */
export function lostRace(err: unknown): never {
  if (err instanceof ConditionFailed || err instanceof VersionConflict) throw new TransientConflict();
  throw err;
}

/**
 * Runs a transaction whose first item is `decode`'s entity at an expected version: VersionConflict if
 * it moved on; TransientConflict when another of its conditions failed (the request runs again).
 */
async function transactAt<T>(
  db: Db,
  items: TransactItem[],
  decode: (item: Item) => T,
  /** Sees a failure first: a check of the caller's own (namingIqTemplate) answers for its item. */
  mine: (err: unknown) => void = () => {},
): Promise<void> {
  await db.transact(items).catch((err) => {
    mine(err);
    if (err instanceof ConditionFailed && err.index === 0) {
      throw new VersionConflict(err.current && decode(err.current));
    }
    if (err instanceof ConditionFailed) throw new TransientConflict();
    throw err;
  });
}

/**
 * A write that names an IQ template checks, in its own transaction, that the template exists (no extra
 * read). Appends the check to `items` when `code` is given; the handler it answers turns that item's failure
 * into a 400 naming `iqTemplate` and leaves every other error to the caller.
 */
function namingIqTemplate(
  table: string,
  items: TransactItem[],
  code: string | null | undefined,
): (err: unknown) => void {
  const index = code ? items.length : -1;
  if (code) {
    items.push({
      ConditionCheck: { TableName: table, Key: keys.iqTemplate(code), ConditionExpression: 'attribute_exists(pk)' },
    });
  }
  return (err) => {
    if (err instanceof ConditionFailed && err.index === index) {
      const message = `names no IQ template: ${code} does not exist (POST /v1/iq-templates)`;
      throw new ValidationError([{ field: 'iqTemplate', message }]);
    }
  };
}

export class Store {
  /** Each order's material requirement, written with the order's own changes (requirements.ts). */
  readonly requirements: Requirements;

  constructor(readonly db: Db) {
    this.requirements = new Requirements(this);
  }

  // ---- history and the outbox ----

  /**
   * The history entry of a change, written in the change's own transaction; it carries the event.
   * A batch's entry sits in its order's partition under `orderVersion`, the order version the same
   * write produced (every batch write bumps the order), so the order's history lists it in time order.
   */
  historyPut(
    kind: HistoryKind,
    entityId: string,
    partitionOf: string,
    entry: HistoryEntry,
    links: EventLinks,
    orderVersion?: number,
  ): TransactItem {
    const event = eventFor(kind, entityId, entry, links);
    return historyEntity.putNew(this.db.table, { kind, entityId, partitionOf, entry, orderVersion, event });
  }

  async listHistory(entityId: string, q: ListQuery): Promise<Page<HistoryEntry>> {
    const index = `history:${entityId}`;
    const page = await this.db.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)',
      ExpressionAttributeValues: { ':pk': keys.entity(entityId).pk, ':h': HISTORY_PREFIX },
      Limit: q.limit,
      ExclusiveStartKey: decodeCursor(index, q.cursor),
    });
    return { items: page.items.map((it) => historyEntity.decode(it)), nextCursor: encodeCursor(index, page.lastKey) };
  }

  // ---- settings ----

  async getSettings(): Promise<FactorySettings> {
    return decodeSettings(await this.db.get(keys.settings()));
  }

  /** Replaces the settings read at `expectedVersion` (0: none stored yet). Lost race: TransientConflict. */
  async putSettings(next: FactorySettings, expectedVersion: number): Promise<FactorySettings> {
    const saved = { ...next, version: expectedVersion + 1 };
    const put = settingsEntity.putIfAt(this.db.table, saved, { version: expectedVersion });
    await this.db.transact([put]).catch(lostRace);
    return saved;
  }

  // ---- tech packs ----

  /** `consistent` false (an answer nothing is written from): an eventually consistent read, half the units. */
  async getTechPack(id: string, consistent = true): Promise<TechPack | undefined> {
    const item = await this.db.get(keys.entity(id), consistent);
    return item ? techPackEntity.decode(item) : undefined;
  }

  /**
   * The tech pack's id and bomRevision only (an answer that shows whether a BOM is stale): eventually
   * consistent, and only the two attributes come back (the units are the whole item's all the same).
   */
  async getTechPackRevision(id: string): Promise<{ id: string; bomRevision: number } | undefined> {
    const out = await this.db.get(keys.entity(id), false, 'id, bomRevision');
    return out ? { id: String(out.id), bomRevision: Number(out.bomRevision) } : undefined;
  }

  /** The tech pack and the factory settings in one round trip. */
  async getTechPackAndSettings(id: string): Promise<{ techPack?: TechPack; settings: FactorySettings }> {
    const items = await this.db.getMany([keys.entity(id), keys.settings()]);
    const tp = items.find((it) => it.pk === keys.entity(id).pk);
    const st = items.find((it) => it.pk === keys.settings().pk);
    return { techPack: tp ? techPackEntity.decode(tp) : undefined, settings: decodeSettings(st) };
  }

  /**
   * 2 round trips: the id, then the tech pack `build` makes with it and its `create` history entry (and,
   * when it names an IQ template, the check that the template exists: 400 on iqTemplate otherwise).
   */
  async createTechPack(build: (id: string) => TechPack, actorId: string): Promise<TechPack> {
    const [id] = await this.db.nextIds('TechPack');
    const tp = build(id);
    const history: HistoryEntry = {
      at: tp.createdAt,
      actor: actorId,
      action: 'create',
      from: null,
      to: tp.state,
      version: tp.version,
    };
    const items = [
      techPackEntity.putNew(this.db.table, tp),
      this.historyPut('TechPack', tp.id, tp.id, history, { techPackId: tp.id }),
    ];
    const missing = namingIqTemplate(this.db.table, items, tp.iqTemplate);
    await this.db.transact(items).catch((err) => {
      missing(err);
      throw err;
    });
    return tp;
  }

  /**
   * Replaces the tech pack if it is still at `expectedVersion` (an If-Match edit): VersionConflict otherwise.
   * `iqTemplate`: the template the edit names, checked in the same transaction (400 if it does not exist).
   */
  async saveTechPack(tp: TechPack, expectedVersion: number, history: HistoryEntry, iqTemplate?: string): Promise<void> {
    const items = [
      techPackEntity.putIfAt(this.db.table, tp, { version: expectedVersion }),
      this.historyPut('TechPack', tp.id, tp.id, history, { techPackId: tp.id }),
    ];
    const missing = namingIqTemplate(this.db.table, items, iqTemplate);
    await transactAt(this.db, items, techPackEntity.decode, missing);
  }

  /** A tech pack move from the version read: TransientConflict if it moved on meanwhile. */
  async saveTechPackTransition(tp: TechPack, expectedVersion: number, history: HistoryEntry): Promise<void> {
    await this.saveTechPack(tp, expectedVersion, history).catch(lostRace);
  }

  /** A page of tech pack summaries (GET one for sizes, colors and BOM). */
  async listTechPacks(q: ListQuery & { state?: TechPackState }): Promise<Page<TechPackSummary>> {
    return this.listEntities('TechPack', q, decodeTechPackSummary);
  }

  /**
   * One page of an entity kind's summaries, newest first, from the index that answers the question:
   * by tech pack (state filtered within it; one partition), by state, or all of the kind (each over
   * the kind's shards: one round of parallel Queries, merged by `seq`). Never a Scan. The indexes
   * project the summary fields only (tableDefinition.ts), so a list never reads a whole order.
   */
  async listEntities<T>(
    kind: 'TechPack' | 'ProductionOrder' | 'SalesOrder',
    q: ListQuery & { state?: string; techPackId?: string },
    decode: (item: Item) => T,
  ): Promise<Page<T>> {
    const shards = SHARDS[kind];
    const where = q.techPackId
      ? { index: 'byTechPack', partitionKey: 'techPackKey', partitions: [techPackKey(kind, q.techPackId)] }
      : q.state
        ? { index: 'byState', partitionKey: 'stateKey', partitions: partitionsOf(stateKey(kind, q.state), shards) }
        : { index: 'byType', partitionKey: 'typeKey', partitions: partitionsOf(kind, shards) };
    const filter =
      q.techPackId && q.state
        ? { expression: '#state = :s', names: { '#state': 'state' }, values: { ':s': q.state } }
        : undefined;
    const page = await queryShards(this.db, {
      ...where,
      sortKey: 'seq',
      limit: q.limit,
      cursor: q.cursor,
      // A cursor fits its own query only (the index and the values asked for).
      scope: `${kind}:${q.techPackId ?? ''}:${q.state ?? ''}`,
      filter,
    });
    return { items: page.items.map(decode), nextCursor: page.nextCursor };
  }

  // ---- production orders ----

  /** The order's item (entities.ts); kept here for the bench and tests that size items. */
  orderItem(o: ProductionOrder): Item {
    return productionOrderEntity.item(o);
  }

  decodeOrder(item: Item): ProductionOrder {
    return productionOrderEntity.decode(item);
  }

  orderLinks(o: ProductionOrder): EventLinks {
    return {
      orderId: o.id,
      techPackId: o.techPackId,
      ...(o.source.type === 'salesOrder' ? { salesOrderId: o.source.salesOrderId } : {}),
    };
  }

  /**
   * The Put of a new order, its `create` history entry (the outbox announces it) and its material
   * requirement from the tech pack's current BOM.
   */
  orderCreation(order: ProductionOrder, techPack: Pick<TechPack, 'bom' | 'bomRevision'>): TransactItem[] {
    return [
      productionOrderEntity.putNew(this.db.table, order),
      this.historyPut('ProductionOrder', order.id, order.id, createdEntry(order), this.orderLinks(order)),
      ...this.requirements.forCreation(order, techPack),
      ...milestoneWrites(this.db.table, order),
    ];
  }

  /**
   * The Put of an order still at `expected` (version and state) and the change's history entry. A
   * use-case write adds `requirements.forChange(order, before)`: the requirement, when it moved.
   * The milestone index items that differ from `expected` (the order as read) come with it.
   */
  orderChange(order: ProductionOrder, expected: Expected & MilestonesBefore, history: HistoryEntry): TransactItem[] {
    return [
      productionOrderEntity.putIfAt(this.db.table, order, expected),
      this.historyPut('ProductionOrder', order.id, order.id, history, this.orderLinks(order)),
      ...milestoneWrites(this.db.table, order, expected),
    ];
  }

  /**
   * 1 GetItem, eventually consistent: the order for an answer no write follows (GET, a later page of
   * its batches). Its requirement's BOM is not read: nothing will be written from it.
   */
  async readOrder(id: string): Promise<ProductionOrder | undefined> {
    const item = await this.db.get(keys.entity(id), false);
    return item ? productionOrderEntity.decode(item) : undefined;
  }

  /** One page of milestones across open orders, soonest first (milestones.ts): one round of parallel Queries. */
  async listMilestones(q: MilestoneQuery) {
    return listMilestones(this.db, q);
  }

  /** 1 round trip (BatchGet): the order, and the BOM its requirement uses (kept for the write that may follow). */
  async getOrder(id: string): Promise<ProductionOrder | undefined> {
    const items = await this.db.getMany([keys.entity(id), keys.requirementBom(id)]);
    const item = items.find((it) => it.sk === ENTITY_SK);
    if (item) this.requirements.remember(id, items);
    return item ? productionOrderEntity.decode(item) : undefined;
  }

  /** The order and a summary of its batches (from their batch sets), in one Query (they share a partition; history sorts after). */
  async getOrderWithBatches(
    id: string,
  ): Promise<{ order?: ProductionOrder; batches: BatchSummary[]; batchItems: Item[] }> {
    const items = await this.db.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk < :h',
      ExpressionAttributeValues: { ':pk': keys.entity(id).pk, ':h': HISTORY_PREFIX },
      ConsistentRead: true,
    });
    const orderItem = items.find((it) => it.sk === ENTITY_SK);
    if (orderItem) this.requirements.remember(id, items);
    const batchItems = items.filter((it) => String(it.sk).startsWith(BATCH_PREFIX));
    const order = orderItem ? productionOrderEntity.decode(orderItem) : undefined;
    return {
      order,
      batches: order ? batchSetEntity.summaries(batchItems, order.id, order.matrix, order.state) : [],
      batchItems,
    };
  }

  /**
   * 2 round trips: an order id, then the order `build` makes with it, its history entry and requirement.
   * `iqTemplate`: a template the caller named, checked in the same transaction (400 on iqTemplate if it
   * does not exist).
   */
  async createOrder(
    build: (id: string) => ProductionOrder,
    techPack: Pick<TechPack, 'bom' | 'bomRevision'>,
    iqTemplate?: string,
  ): Promise<ProductionOrder> {
    const [id] = await this.db.nextIds('ProductionOrder');
    const order = build(id);
    const items = this.orderCreation(order, techPack);
    const missing = namingIqTemplate(this.db.table, items, iqTemplate);
    await this.db.transact(items).catch((err) => {
      missing(err);
      throw err;
    });
    return order;
  }

  /**
   * An edit behind If-Match: the order if still at `expected` (version, state), else VersionConflict (412).
   * `expected` is the order as read: its state, delivery date and matrix tell whether the requirement moved.
   * `iqTemplate`: a template the edit names, checked in the same transaction (400 if it does not exist).
   */
  async saveOrderEdit(
    order: ProductionOrder,
    expected: Expected & OrderBefore,
    history: HistoryEntry,
    iqTemplate?: string,
  ): Promise<void> {
    const items = [
      ...this.orderChange(order, expected, history),
      ...(await this.requirements.forChange(order, expected)),
    ];
    const missing = namingIqTemplate(this.db.table, items, iqTemplate);
    await transactAt(this.db, items, (it) => productionOrderEntity.decode(it), missing);
  }

  /**
   * An order change decided from the order as read, run again on a lost race (TransientConflict):
   * a move (a cancel writes no batch: a Planned batch of a Cancelled order reads as Cancelled) or
   * merged matrix edits. With `requireTechPackState` the tech pack's state is checked in the same
   * transaction (plan, release).
   */
  async saveOrderChange(change: OrderWrite, expected: Expected & OrderBefore): Promise<void> {
    await this.commitOrderChange(change, expected, []);
  }

  /**
   * The release: the order move, the tech pack still ProductionReady, and the tech pack's BOM, as
   * read, kept as the order's snapshot (#BOM), so its materials stay pinned to it; the requirement
   * is computed from the same snapshot from now on. One transaction.
   */
  async saveRelease(change: OrderWrite, expected: Expected & OrderBefore, techPack: TechPack): Promise<void> {
    const snapshot = bomRecordEntity.put(this.db.table, {
      orderId: change.order.id,
      techPackId: techPack.id,
      bomRevision: techPack.bomRevision,
      bom: techPack.bom,
      source: 'release',
      recordedAt: change.history.at,
      recordedBy: change.history.actor,
    });
    const requirement = await this.requirements.forRelease(change.order, techPack);
    await this.commitOrderChange(change, expected, [snapshot, ...requirement]);
  }

  /** The order change, the tech pack check, `extra`; the requirement recomputed unless `extra` writes it. */
  private async commitOrderChange(
    change: OrderWrite,
    expected: Expected & OrderBefore,
    extra: TransactItem[],
  ): Promise<void> {
    const items = this.orderChange(change.order, expected, change.history);
    const writesRequirement = extra.some((it) => it.Put?.Item?.kind === 'Requirement');
    if (!writesRequirement) items.push(...(await this.requirements.forChange(change.order, expected)));
    const gate = change.requireTechPackState ? items.length : -1;
    if (change.requireTechPackState) {
      items.push({
        ConditionCheck: {
          TableName: this.db.table,
          Key: keys.entity(change.order.techPackId),
          ConditionExpression: '#state = :tps',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':tps': change.requireTechPackState },
        },
      });
    }
    await this.db.transact([...items, ...extra]).catch((err) => {
      // The tech pack is not (or no longer) in the state the move needs: the gate's own answer, from
      // the tech pack as it stands (plan does not read it before).
      if (err instanceof ConditionFailed && err.index === gate) {
        const techPack = err.current ? techPackEntity.decode(err.current) : undefined;
        requireReadyTechPack(change.order, techPack, change.history.action === 'release' ? 'released' : 'planned');
      }
      return lostRace(err);
    });
  }

  /** A page of order summaries (no matrix, progress or notes: getOrder for those). */
  async listOrders(q: ListQuery & { state?: string; techPackId?: string }): Promise<Page<ProductionOrderSummary>> {
    return this.listEntities('ProductionOrder', q, decodeOrderSummary);
  }

  // ---- role mappings (Google users have no roles claim: the admin maps emails to roles) ----

  async getRoleMapping(email: string): Promise<RoleMapping | undefined> {
    const item = await this.db.get(keys.roleMapping(email), false);
    return item ? roleMappingEntity.decode(item) : undefined;
  }

  async putRoleMapping(email: string, roles: RoleMapping['roles'], actor: string, now: string): Promise<RoleMapping> {
    const mapping = { email: email.toLowerCase(), roles, updatedAt: now, updatedBy: actor };
    // Last writer wins: a mapping is a whole statement of someone's roles, not a merge.
    await this.db.put(roleMappingEntity.item(mapping));
    return mapping;
  }

  async listRoleMappings(q: ListQuery): Promise<Page<RoleMapping>> {
    const page = await queryShards(this.db, {
      index: 'byType',
      partitionKey: 'typeKey',
      partitions: partitionsOf('RoleMapping', SHARDS.RoleMapping),
      sortKey: 'seq',
      forward: true,
      limit: q.limit,
      cursor: q.cursor,
      scope: 'roleMappings',
    });
    return { items: page.items.map((it) => roleMappingEntity.decode(it)), nextCursor: page.nextCursor };
  }
}
