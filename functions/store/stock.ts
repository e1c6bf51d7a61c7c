// Stock in the single table: one item per style (keys.stock), every cell of it in one compact
// string, and the style's replenishment marker. Items of styles with a low cell sit in the byState
// index under `STOCK#Low`, so the replenishment job finds them with a Query, never a Scan.
//
// The grid: one row per color, `;` between rows, `,` between sizes, each cell `onHand/reorderPoint/target`
// or empty when the warehouse gave no such cell ("5/10/40,,0/2/8;..."). Above GRID_COMPRESS_AT
// characters it is stored deflated (binary `gridZ`), which keeps a 20,000-cell style far below
// DynamoDB's 400 KB item limit even with 7-digit quantities.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { isLow, type Stock, type StockCell } from '../../shared/stock.js';
import { OPEN_STATES } from '../../shared/productionOrder.js';
import type { OrderState, ProductionOrder, TechPack } from '../../shared/types.js';
import { decodeTechPack, withoutKeys } from './codec.js';
import { ConditionFailed, type Item, type TransactItem } from './db.js';
import { keys, seqOf, stockStateKey, techPackKey } from './keys.js';
import type { Store } from './store.js';

export const GRID_COMPRESS_AT = 32 * 1024;

export interface StoredGrid {
  sizes: string[];
  colors: string[];
  grid?: string;
  gridZ?: Uint8Array;
}

/** Lays the cells out over the tech pack's order of colors and sizes (only those used). */
export function encodeStockGrid(cells: readonly StockCell[], order?: { sizes: string[]; colors: string[] }): StoredGrid {
  const used = (all: string[] | undefined, present: string[]) => {
    const set = new Set(present);
    const ordered = (all ?? []).filter((v) => set.has(v));
    return [...ordered, ...[...set].filter((v) => !ordered.includes(v))];
  };
  const colors = used(order?.colors, cells.map((c) => c.color));
  const sizes = used(order?.sizes, cells.map((c) => c.size));
  const rowOf = new Map(colors.map((c, i) => [c, i]));
  const colOf = new Map(sizes.map((s, i) => [s, i]));
  const rows = colors.map(() => new Array<string>(sizes.length).fill(''));
  for (const c of cells) rows[rowOf.get(c.color)!][colOf.get(c.size)!] = `${c.onHand}/${c.reorderPoint}/${c.target}`;
  const grid = rows.map((r) => r.join(',')).join(';');
  return grid.length > GRID_COMPRESS_AT ? { sizes, colors, gridZ: deflateRawSync(Buffer.from(grid, 'utf8'), { level: 9 }) } : { sizes, colors, grid };
}

export function decodeStockGrid(stored: StoredGrid): StockCell[] {
  const text = stored.gridZ ? inflateRawSync(Buffer.from(stored.gridZ)).toString('utf8') : (stored.grid ?? '');
  if (text === '' || stored.colors.length === 0) return [];
  const cells: StockCell[] = [];
  text.split(';').forEach((row, r) =>
    row.split(',').forEach((cell, c) => {
      if (cell === '') return;
      const [onHand, reorderPoint, target] = cell.split('/').map(Number);
      cells.push({ color: stored.colors[r], size: stored.sizes[c], onHand, reorderPoint, target });
    }),
  );
  return cells;
}

export class StockStore {
  constructor(readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  decode(item: Item): Stock {
    const raw = withoutKeys(item) as Item & StoredGrid;
    return {
      techPackId: raw.techPackId as string,
      cells: decodeStockGrid(raw),
      version: (raw.version as number | undefined) ?? 0,
      low: item.stateKey === stockStateKey(true),
      openReplenishmentOrderId: (raw.openReplenishmentOrderId as string | undefined) ?? null,
      updatedAt: (raw.updatedAt as string | undefined) ?? null,
      updatedBy: (raw.updatedBy as string | undefined) ?? null,
    };
  }

  static empty(techPackId: string): Stock {
    return { techPackId, cells: [], version: 0, low: false, openReplenishmentOrderId: null, updatedAt: null, updatedBy: null };
  }

  /** 1 round trip (BatchGet): the style's stock (if any was pushed) and its tech pack. */
  async getWithTechPack(techPackId: string): Promise<{ stock?: Stock; techPack?: TechPack }> {
    const items = await this.db.getMany([keys.stock(techPackId), keys.entity(techPackId)]);
    const s = items.find((it) => it.pk === keys.stock(techPackId).pk);
    const tp = items.find((it) => it.pk === keys.entity(techPackId).pk);
    return { stock: s ? this.decode(s) : undefined, techPack: tp ? decodeTechPack(tp) : undefined };
  }

  /**
   * 1 round trip: replaces the style's cells (not its replenishment marker). With `expectedVersion`
   * (If-Match) the write only happens at that version (0: no stock yet); VersionMismatch otherwise.
   */
  async put(args: { techPack: Pick<TechPack, 'id' | 'sizes' | 'colors'>; cells: StockCell[]; actor: string; now: string; expectedVersion?: number }): Promise<Stock> {
    const { techPack, expectedVersion } = args;
    const attrs = this.attributes(args);
    const names = Object.keys(attrs);
    const removed = attrs.gridZ ? 'grid' : 'gridZ';
    const values: Record<string, unknown> = { ':zero': 0, ':one': 1 };
    names.forEach((n, i) => (values[`:a${i}`] = attrs[n]));
    let condition: string | undefined;
    if (expectedVersion !== undefined) {
      condition = expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected';
      if (expectedVersion !== 0) values[':expected'] = expectedVersion;
    }
    try {
      const out = await this.db.update({
        Key: keys.stock(techPack.id),
        // Every attribute of the push, the version bumped; the replenishment marker is left as it is.
        UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :a${i}`).join(', ')}, version = if_not_exists(version, :zero) + :one REMOVE ${removed}`,
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#a${i}`, n])),
        ExpressionAttributeValues: values,
        ...(condition ? { ConditionExpression: condition } : {}),
        ReturnValues: 'ALL_NEW',
      });
      return this.decode(out!);
    } catch (err) {
      if (err instanceof ConditionFailed) throw new StockVersionMismatch(err.current ? this.decode(err.current) : StockStore.empty(techPack.id));
      throw err;
    }
  }

  /** A whole new stock item (version 1, no marker), for bulk loads with BatchWrite. */
  newItem(args: { techPack: Pick<TechPack, 'id' | 'sizes' | 'colors'>; cells: StockCell[]; actor: string; now: string }): Item {
    return { ...keys.stock(args.techPack.id), ...this.attributes(args), version: 1 };
  }

  /** What a push writes: the index attributes, the encoded grid, counts, who and when. */
  private attributes(args: { techPack: Pick<TechPack, 'id' | 'sizes' | 'colors'>; cells: StockCell[]; actor: string; now: string }): Item {
    const { techPack, cells, actor, now } = args;
    const stored = encodeStockGrid(cells, { sizes: techPack.sizes, colors: techPack.colors.map((c) => c.code) });
    const lowCount = cells.filter(isLow).length;
    return {
      type: 'Stock', seq: seqOf(techPack.id), stateKey: stockStateKey(lowCount > 0), techPackId: techPack.id,
      sizes: stored.sizes, colors: stored.colors, ...(stored.gridZ ? { gridZ: stored.gridZ } : { grid: stored.grid }),
      cellCount: cells.length, lowCount, updatedAt: now, updatedBy: actor,
    };
  }

  // ---- what the replenishment job needs -------------------------------------------------------

  /** 1 round trip per page: the styles with a low cell (ids only; the index is eventually consistent). */
  async lowStylesPage(startKey?: Item): Promise<{ techPackIds: string[]; lastKey?: Item }> {
    const page = await this.db.query({
      IndexName: 'byState',
      KeyConditionExpression: 'stateKey = :v',
      ExpressionAttributeValues: { ':v': stockStateKey(true) },
      ProjectionExpression: 'techPackId',
      ExclusiveStartKey: startKey,
    });
    return { techPackIds: page.items.map((it) => it.techPackId as string), lastKey: page.lastKey };
  }

  /** Strongly consistent reads of the stock and tech pack of each style: ceil(2 x styles / 100) BatchGets. */
  async loadStyles(techPackIds: string[]): Promise<{ stocks: Map<string, Stock>; techPacks: Map<string, TechPack> }> {
    const items = await this.getAll(techPackIds.flatMap((id) => [keys.stock(id), keys.entity(id)]));
    const stocks = new Map<string, Stock>();
    const techPacks = new Map<string, TechPack>();
    for (const it of items) {
      if (it.type === 'Stock') stocks.set(it.techPackId as string, this.decode(it));
      else if (it.type === 'TechPack') techPacks.set(it.id as string, decodeTechPack(it));
    }
    return { stocks, techPacks };
  }

  /** ceil(ids / 100) BatchGets (strongly consistent): the state of each order that exists. */
  async orderStates(orderIds: string[]): Promise<Map<string, OrderState>> {
    const items = await this.getAll(orderIds.map((id) => keys.entity(id)));
    return new Map(items.map((it) => [it.id as string, it.state as OrderState]));
  }

  /**
   * The style's production orders in an open state (byTechPack index, every page; 1 round trip per
   * 1 MB). The index is eventually consistent: an order created a moment ago may be missing.
   */
  async openOrdersOfStyle(techPackId: string): Promise<ProductionOrder[]> {
    const values: Record<string, unknown> = { ':v': techPackKey('ProductionOrder', techPackId) };
    OPEN_STATES.forEach((s, i) => (values[`:s${i}`] = s));
    const items = await this.db.queryAll({
      IndexName: 'byTechPack',
      KeyConditionExpression: 'techPackKey = :v',
      FilterExpression: `#state IN (${OPEN_STATES.map((_, i) => `:s${i}`).join(', ')})`,
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: values,
    });
    return items.map((it) => this.store.decodeOrder(it));
  }

  /** BatchGets of 100 keys. */
  async getAll(wanted: { pk: string; sk: string }[]): Promise<Item[]> {
    const out: Item[] = [];
    for (let i = 0; i < wanted.length; i += 100) out.push(...(await this.db.getMany(wanted.slice(i, i + 100))));
    return out;
  }

  /**
   * The stock item's part of the transaction that creates a replenishment order: points the marker
   * at the new order, on condition that the stock is still the version the order was computed from
   * and the marker still is what the run saw (nothing, or a finished order). Of two runs, one wins.
   */
  claimItem(stock: Stock, orderId: string, at: string): TransactItem {
    const previous = stock.openReplenishmentOrderId;
    return {
      Update: {
        TableName: this.db.table,
        Key: keys.stock(stock.techPackId),
        UpdateExpression: 'SET openReplenishmentOrderId = :id, replenishedAt = :at',
        ConditionExpression: `version = :v AND ${previous ? 'openReplenishmentOrderId = :prev' : 'attribute_not_exists(openReplenishmentOrderId)'}`,
        ExpressionAttributeValues: { ':id': orderId, ':at': at, ':v': stock.version, ...(previous ? { ':prev': previous } : {}) },
      },
    };
  }
}

/** The stock was not at the version the caller expected (If-Match). */
export class StockVersionMismatch extends Error {
  constructor(readonly current: Stock) {
    super('StockVersionMismatch');
  }
}
