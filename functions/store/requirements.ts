// Material requirements in the single table: each order's requirement (#REQ: its gross per material,
// variant and uom; entities.ts) kept current by the order's own writes, the BOM it is computed from
// (#REQBOM), raw-material supply (RM#<material>), and the requirements answer across orders.
//
// How the requirement follows the order (every use-case write of an order calls `items`):
//   - create: the tech pack's current BOM becomes the order's requirement BOM (new #REQBOM + #REQ);
//   - release: the tech pack's BOM as released (the snapshot), pinned;
//   - a materials write (first read, refresh, snapshot): the BOM the summary now uses;
//   - any other change that moves the state, the delivery date or the matrix: #REQ recomputed from
//     the order as written and the #REQBOM as read, conditional on #REQBOM not having changed since
//     (bomVersion), so a refresh racing a matrix edit makes one of them run again;
//   - a change that moves none of the three (notes, batches created) writes nothing here.
// The #REQBOM comes with the reads the writes already make (getOrder's BatchGet, the order's
// partition Query): no round trip is added. An order written before requirements existed has none;
// its first change reads the BOM it should use (one more BatchGet, once).
import type { BomRecord } from '../../shared/materials.js';
import {
  REQUIREMENT_STATES,
  grossLines,
  requirementLines,
  type RawMaterial,
  type RawMaterialInput,
  type RequirementLine,
} from '../../shared/requirements.js';
import type {
  BomLine,
  FactorySettings,
  HistoryEntry,
  OrderState,
  ProductionOrder,
  TechPack,
} from '../../shared/types.js';
import { ConditionFailed, TransientConflict, type Item, type TransactItem } from './db.js';
import {
  bomRecordEntity,
  decodeSettings,
  rawMaterialEntity,
  requirementBomEntity,
  requirementEntity,
  techPackEntity,
  type RequirementBom,
  type RequirementRecord,
} from './entities.js';
import { keys, REQUIREMENT_BOM_SK, requirementKeys } from './keys.js';
import { partitionsOf, SHARDS } from './shards.js';
import type { Store } from './store.js';

/** What an order looked like before the change (the order as read; handlers pass it as `expected`). */
export interface OrderBefore {
  state?: string;
  deliveryDate?: string | null;
  matrix?: ProductionOrder['matrix'];
}

/** The requirement of `order` computed from `bom`. */
export function requirementOf(order: ProductionOrder, bom: RequirementBom): RequirementRecord {
  const { lines, incomplete } = grossLines(order.matrix, bom.bom);
  return {
    orderId: order.id,
    techPackId: order.techPackId,
    state: order.state,
    deliveryDate: order.deliveryDate,
    bomRevision: bom.bomRevision,
    pinned: bom.pinned,
    incomplete,
    bomVersion: bom.bomVersion,
    lines,
  };
}

/** The raw material was not at the version the caller expected (If-Match or body `version`). */
export class RawMaterialVersionMismatch extends Error {
  constructor(readonly current: RawMaterial) {
    super('RawMaterialVersionMismatch');
  }
}

const CACHE_SIZE = 1000;

export class Requirements {
  /**
   * The #REQBOM of orders read lately (by getOrder and the order's partition Query), so the write
   * that follows the read needs no read of its own. Safe when stale: the write is conditional on
   * its bomVersion (a lost race runs the request again, which reads afresh).
   */
  private readonly seen = new Map<string, Item | null>();

  constructor(readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  // ---- what reads leave behind -----------------------------------------------------------------

  /** Remembers the #REQBOM among an order's items as read (none: the order has none yet). */
  remember(orderId: string, items: readonly Item[]): void {
    const it = items.find((i) => i.sk === REQUIREMENT_BOM_SK && i.pk === keys.requirementBom(orderId).pk);
    this.seen.delete(orderId);
    // Kept as read, decoded only by the write that uses it (a read-only answer never pays for it).
    this.seen.set(orderId, it ?? null);
    if (this.seen.size > CACHE_SIZE) this.seen.delete(this.seen.keys().next().value!);
  }

  /**
   * The BOM an order's requirement is pinned to (its release snapshot), as the last read of the order
   * left it (getOrder's BatchGet): undefined when not pinned or not read. Not consumed (`known` is).
   */
  pinnedBom(orderId: string): BomLine[] | undefined {
    const item = this.seen.get(orderId);
    const bom = item ? requirementBomEntity.decode(item) : undefined;
    return bom?.pinned ? bom.bom : undefined;
  }

  // ---- the items an order's write adds --------------------------------------------------------------

  /** A new order: its requirement BOM is the tech pack's current one. */
  forCreation(order: ProductionOrder, techPack: Pick<TechPack, 'bom' | 'bomRevision'>): TransactItem[] {
    return this.withBom(order, { bom: techPack.bom, bomRevision: techPack.bomRevision, pinned: false }, 0);
  }

  /**
   * A new requirement BOM (release: the snapshot, pinned; a materials write: the summary's BOM) and
   * the requirement from it. Conditional on the #REQBOM as read (`previous` version; 0: none).
   */
  withBom(
    order: ProductionOrder,
    bom: Omit<RequirementBom, 'orderId' | 'bomVersion'>,
    previous: number,
  ): TransactItem[] {
    const next: RequirementBom = { orderId: order.id, ...bom, bomVersion: previous + 1 };
    const bomPut = requirementBomEntity.put(this.db.table, next);
    Object.assign(
      bomPut.Put!,
      previous === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'bomVersion = :bv', ExpressionAttributeValues: { ':bv': previous } },
    );
    return [bomPut, requirementEntity.put(this.db.table, requirementOf(order, next))];
  }

  /**
   * The requirement after an order change: nothing when state, delivery date and matrix are as
   * before; else #REQ from the order and its #REQBOM as read (remembered, or read now).
   */
  async forChange(order: ProductionOrder, before: OrderBefore): Promise<TransactItem[]> {
    const moved =
      before.state !== order.state ||
      before.deliveryDate !== order.deliveryDate ||
      !sameMatrix(before.matrix, order.matrix);
    if (!moved) return [];
    const bom = await this.known(order.id);
    if (bom === null) return this.withBom(order, await this.legacyBom(order), 0);
    const record = requirementOf(order, bom);
    const put = requirementEntity.put(this.db.table, record);
    put.Put!.ConditionExpression = 'attribute_not_exists(pk) OR bomVersion = :bv';
    put.Put!.ExpressionAttributeValues = { ':bv': bom.bomVersion };
    return [put];
  }

  /** An order from before requirements: the BOM its summary uses (release snapshot, or the tech pack's). */
  private async legacyBom(order: ProductionOrder): Promise<Omit<RequirementBom, 'orderId' | 'bomVersion'>> {
    const items = await this.db.getMany([keys.bomRecord(order.id), keys.entity(order.techPackId)]);
    const recordItem = items.find((it) => it.sk === keys.bomRecord(order.id).sk);
    const tpItem = items.find((it) => it.pk === keys.entity(order.techPackId).pk);
    const record = recordItem ? bomRecordEntity.decode(recordItem) : undefined;
    const tp = tpItem ? techPackEntity.decode(tpItem) : undefined;
    const pinned = order.releasedBomRevision !== null;
    if (pinned && record && record.bomRevision === order.releasedBomRevision) {
      return { bom: record.bom, bomRevision: record.bomRevision, pinned };
    }
    if (record && !pinned) return { bom: record.bom, bomRevision: record.bomRevision, pinned };
    return { bom: tp?.bom ?? [], bomRevision: tp?.bomRevision ?? 0, pinned };
  }

  /** The items a materials write adds: the summary's BOM becomes the requirement's (order at `order.version`). */
  async forMaterialsWrite(order: ProductionOrder, record: BomRecord, pinned: boolean): Promise<TransactItem[]> {
    const bom = await this.known(order.id);
    return this.withBom(order, { bom: record.bom, bomRevision: record.bomRevision, pinned }, bom?.bomVersion ?? 0);
  }

  /** The release: the tech pack's BOM as released becomes the requirement's, pinned. */
  async forRelease(order: ProductionOrder, techPack: Pick<TechPack, 'bom' | 'bomRevision'>): Promise<TransactItem[]> {
    const bom = await this.known(order.id);
    return this.withBom(
      order,
      { bom: techPack.bom, bomRevision: techPack.bomRevision, pinned: true },
      bom?.bomVersion ?? 0,
    );
  }

  /**
   * The order's #REQBOM as this request read it, or read now (null: it has none). Used once: a write
   * that lost a race runs again from a read, never from what an earlier attempt saw.
   */
  private async known(orderId: string): Promise<RequirementBom | null> {
    if (!this.seen.has(orderId)) this.remember(orderId, await this.db.getMany([keys.requirementBom(orderId)]));
    const item = this.seen.get(orderId) ?? null;
    this.seen.delete(orderId);
    return item ? requirementBomEntity.decode(item) : null;
  }

  // ---- raw materials ------------------------------------------------------------------------------

  async getRawMaterial(material: string): Promise<RawMaterial | undefined> {
    const item = await this.db.get(keys.rawMaterial(material));
    return item ? rawMaterialEntity.decode(item) : undefined;
  }

  /**
   * Replaces the supply of one material if still at `expected` (the version read; 0: none yet), with
   * its history entry (the outbox: RawMaterial.Changed). `strict` (If-Match or body version): a
   * mismatch is RawMaterialVersionMismatch (412); otherwise TransientConflict (the request runs again).
   */
  async putRawMaterial(
    material: string,
    input: RawMaterialInput,
    expected: number,
    strict: boolean,
    actor: string,
    now: string,
  ): Promise<RawMaterial> {
    const saved: RawMaterial = {
      material,
      leadTimeDays: input.leadTimeDays,
      variants: input.variants,
      version: expected + 1,
      updatedAt: now,
      updatedBy: actor,
    };
    const history: HistoryEntry = {
      at: now,
      actor,
      action: expected === 0 ? 'create' : 'update',
      from: null,
      to: null,
      version: saved.version,
    };
    try {
      await this.db.transact([
        rawMaterialEntity.putIfAt(this.db.table, saved, { version: expected }),
        this.store.historyPut('RawMaterial', material, material, history, { material }),
      ]);
    } catch (err) {
      if (err instanceof ConditionFailed && err.index === 0 && strict) {
        throw new RawMaterialVersionMismatch(err.current ? rawMaterialEntity.decode(err.current) : emptyOf(material));
      }
      if (err instanceof ConditionFailed) throw new TransientConflict();
      throw err;
    }
    return saved;
  }

  // ---- the requirements answer ------------------------------------------------------------------------

  /**
   * Every line (the caller pages them). Two rounds: first, in parallel, one Query per byRequirement
   * partition (REQUIREMENT_SHARDS; one more each per 1 MB of keys: the index holds the #REQ keys and
   * `materials` only, filtered by `material`), the tech packs' current bomRevision (one paged Query of
   * the byType index, projected), the raw materials (one GetItem with `material`, else one paged
   * Query) and the settings; then the #REQ items themselves, eventually consistent, 100 to a BatchGet
   * (all in parallel). The states asked for are picked from the items read (the index does not key or
   * hold the state: a move between open states writes nothing to it).
   */
  async lines(q: { states?: readonly OrderState[]; material?: string }): Promise<RequirementLine[]> {
    const states = q.states ?? REQUIREMENT_STATES;
    const materialFilter = q.material
      ? { FilterExpression: 'contains(materials, :m)', ExpressionAttributeValues: { ':m': q.material } }
      : { ExpressionAttributeValues: {} };
    const requirementItems = async () => {
      const pages = await Promise.all(
        requirementKeys().map((p) =>
          this.db.queryAll({
            IndexName: 'byRequirement',
            KeyConditionExpression: 'reqKey = :p',
            ProjectionExpression: 'pk, sk',
            ...materialFilter,
            ExpressionAttributeValues: { ...materialFilter.ExpressionAttributeValues, ':p': p },
          }),
        ),
      );
      return this.db.getMany(
        pages.flat().map((it) => ({ pk: String(it.pk), sk: String(it.sk) })),
        false,
      );
    };
    const [items, revisions, supply, settings] = await Promise.all([
      requirementItems(),
      this.techPackRevisions(),
      this.supply(q.material),
      this.db.get(keys.settings(), false).then((it): FactorySettings => decodeSettings(it)),
    ]);
    const orders = items.map((it) => requirementEntity.decode(it));
    return requirementLines({
      orders,
      supply,
      techPackRevisions: revisions,
      productionLeadDays: settings.productionLeadDays,
      states,
      material: q.material,
    });
  }

  /** Every tech pack's bomRevision: each byType shard of tech packs read in full, in parallel. */
  private async techPackRevisions(): Promise<Map<string, number>> {
    const shards = await Promise.all(
      partitionsOf('TechPack', SHARDS.TechPack).map((p) =>
        this.db.queryAll({
          IndexName: 'byType',
          KeyConditionExpression: 'typeKey = :v',
          ProjectionExpression: 'id, bomRevision',
          ExpressionAttributeValues: { ':v': p },
        }),
      ),
    );
    return new Map(shards.flat().map((it) => [it.id as string, it.bomRevision as number]));
  }

  private async supply(material?: string): Promise<Map<string, RawMaterial>> {
    if (material) {
      const one = await this.getRawMaterial(material);
      return new Map(one ? [[material, one]] : []);
    }
    const shards = await Promise.all(
      partitionsOf('RawMaterial', SHARDS.RawMaterial).map((p) =>
        this.db.queryAll({
          IndexName: 'byType',
          KeyConditionExpression: 'typeKey = :v',
          ExpressionAttributeValues: { ':v': p },
        }),
      ),
    );
    const items = shards.flat();
    return new Map(items.map((it) => rawMaterialEntity.decode(it)).map((m) => [m.material, m]));
  }
}

function emptyOf(material: string): RawMaterial {
  return { material, leadTimeDays: 0, variants: [], version: 0, updatedAt: null, updatedBy: null };
}

function sameMatrix(a: ProductionOrder['matrix'] | undefined, b: ProductionOrder['matrix']): boolean {
  if (a === b) return true;
  if (!a) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
