// The replenishment run: one module behind the AWS schedule (functions/replenishment.ts), the admin
// endpoint (POST /v1/replenishment/run) and the local stack's interval. Rules: shared/replenishment.ts.
//
// Round trips per run: one page of low-style ids per ~1 MB (byState `STOCK#Low#<shard>`, ids only: one
// Query per shard, in parallel); then per chunk of 100 styles: 2 BatchGets of 100 keys (stock + tech
// pack, strongly consistent; the first chunk's carry the settings too), 1 BatchGet of the orders
// the styles' markers point at (when any), 1 Query
// per style that passes the gate (its open orders), 1 counter update for the chunk's new ids, and 1
// transaction per order created. Queries and writes run with bounded concurrency (16); nothing
// scans, nothing reads per cell. A rerun where every style has an open order: ~3 calls per 100 styles.
//
// Idempotency: each stock item carries `openReplenishmentOrderId`. An order is only created in a
// transaction that also sets that marker, on condition that the stock is still at the version the
// quantities came from and the marker is still what the run saw (absent, or pointing at an order
// found Completed or Cancelled). A rerun finds the marker's order open and skips the style; of two
// concurrent runs, one transaction wins and the other run reports CONCURRENT_RUN. The marker is
// released lazily: a later run that reads the marker's order as Completed/Cancelled may replace it.
import { newOrder } from '../../shared/productionOrder.js';
import { gate, planReplenishment, replenishmentDeliveryDate, skip, type Skip } from '../../shared/replenishment.js';
import type { Stock } from '../../shared/stock.js';
import type { Actor, FactorySettings, TechPack } from '../../shared/types.js';
import { mapLimit } from '../store/concurrency.js';
import { StockStore } from '../store/stock.js';
import type { Store } from '../store/store.js';

export const SCHEDULE_ACTOR: Actor = { id: 'replenishment-schedule', roles: ['system'] };

export interface ReplenishmentRunOptions {
  /** Who the orders are created by (history, createdBy). */
  actor: Actor;
  now?: () => string;
  /** Order queries and writes in flight at once (default 16). */
  concurrency?: number;
  /** Epoch ms after which no further style is started; the rest is skipped as TIME_BUDGET. */
  deadline?: number;
  log?: (entry: Record<string, unknown>) => void;
}

export interface ReplenishmentRunResult {
  created: string[];
  skipped: Skip[];
  /** Styles the low-stock index listed. */
  examined: number;
  startedAt: string;
  durationMs: number;
}

const CHUNK = 100;
const CONFLICT_ATTEMPTS = 3;

export async function runReplenishment(store: Store, opts: ReplenishmentRunOptions): Promise<ReplenishmentRunResult> {
  const started = Date.now();
  const now = opts.now ?? (() => new Date().toISOString());
  const startedAt = now();
  const stockStore = new StockStore(store);
  const concurrency = opts.concurrency ?? 16;
  const created: string[] = [];
  const skipped: Skip[] = [];
  const outOfTime = () => opts.deadline !== undefined && Date.now() >= opts.deadline;

  // The factory settings, once per run (strongly consistent), read with the first styles' stock and
  // tech packs (no round trip of their own; a run with no low style needs none).
  let known: { settings: FactorySettings; deliveryDate: string } | undefined;

  /** One pass over some styles; answers the ids that lost to a concurrent transaction (to try again). */
  async function pass(ids: string[]): Promise<string[]> {
    const loaded = await stockStore.loadStyles(ids, known === undefined);
    // Every order of the run is due the same day: the run's date plus the lead time.
    known ??= {
      settings: loaded.settings!,
      deliveryDate: replenishmentDeliveryDate(startedAt, loaded.settings!.replenishment.leadTimeDays),
    };
    const { settings, deliveryDate } = known;
    const { stocks, techPacks } = loaded;
    const markers = [...stocks.values()].map((s) => s.openReplenishmentOrderId).filter((id): id is string => !!id);
    const markerStates = markers.length ? await stockStore.orderStates(markers) : new Map();
    const retry: string[] = [];

    const ready: { stock: Stock; techPack: TechPack }[] = [];
    for (const id of ids) {
      const stock = stocks.get(id);
      if (!stock) {
        skipped.push(skip(id, 'NOT_LOW', 'No stock is recorded for this style any more'));
        continue;
      }
      const markerId = stock.openReplenishmentOrderId;
      const markerState = markerId ? markerStates.get(markerId) : undefined;
      const blocked = gate({
        stock,
        techPack: techPacks.get(id),
        settings,
        marker: markerId && markerState ? { id: markerId, state: markerState } : undefined,
      });
      if (blocked) skipped.push(blocked);
      else ready.push({ stock, techPack: techPacks.get(id)! });
    }

    const toCreate: {
      stock: Stock;
      techPack: TechPack;
      decision: Extract<ReturnType<typeof planReplenishment>, { kind: 'order' }>;
    }[] = [];
    await mapLimit(ready, concurrency, async ({ stock, techPack }) => {
      if (outOfTime())
        return void skipped.push(
          skip(stock.techPackId, 'TIME_BUDGET', 'The run ran out of time before this style; the next run picks it up'),
        );
      try {
        const open = await stockStore.openOrdersOfStyle(stock.techPackId);
        const decision = planReplenishment(stock, techPack, open, settings.replenishment);
        if (decision.kind === 'skip') skipped.push(decision.skip);
        else toCreate.push({ stock, techPack, decision });
      } catch (err) {
        failed(stock.techPackId, err);
      }
    });
    if (toCreate.length === 0) return retry;

    const outcomes = await stockStore.createReplenishmentOrders(
      toCreate.map(({ stock, techPack, decision }) => ({
        stock,
        techPack,
        build: (id: string) =>
          newOrder({
            id,
            input: { techPackId: techPack.id, matrix: decision.matrix, notes: decision.notes, deliveryDate },
            techPack,
            settings,
            source: { type: 'replenishment' },
            actor: opts.actor,
            now: now(),
          }),
      })),
      concurrency,
    );
    outcomes.forEach((outcome, i) => {
      const { stock } = toCreate[i];
      if (outcome.kind === 'created') created.push(outcome.order.id);
      else if (outcome.kind === 'claimLost') {
        const marker = outcome.current?.openReplenishmentOrderId;
        if (marker && marker !== stock.openReplenishmentOrderId) {
          skipped.push(
            skip(
              stock.techPackId,
              'CONCURRENT_RUN',
              `Another run created replenishment order ${marker} at the same moment`,
              marker,
            ),
          );
        } else {
          skipped.push(
            skip(
              stock.techPackId,
              'STOCK_CHANGED',
              'The stock was pushed again while this run computed the order; the next run uses the new levels',
            ),
          );
        }
      } else if (outcome.kind === 'collided') retry.push(stock.techPackId);
      else failed(stock.techPackId, outcome.error);
    });
    return retry;
  }

  function failed(techPackId: string, err: unknown) {
    opts.log?.({
      level: 'ERROR',
      message: 'replenishment failed for a style',
      techPackId,
      error: (err as Error).message,
    });
    skipped.push(skip(techPackId, 'ERROR', 'This style could not be processed; the next run tries again'));
  }

  async function processChunk(ids: string[]) {
    let pending = ids;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (outOfTime()) {
        for (const id of pending)
          skipped.push(skip(id, 'TIME_BUDGET', 'The run ran out of time before this style; the next run picks it up'));
        return;
      }
      if (attempt > CONFLICT_ATTEMPTS) {
        for (const id of pending)
          skipped.push(
            skip(
              id,
              'CONCURRENT_RUN',
              'Other writes to this style kept colliding with this run; the next run tries again',
            ),
          );
        return;
      }
      if (attempt > 1) await new Promise((r) => setTimeout(r, Math.random() * 50 * attempt));
      pending = await pass(pending);
    }
  }

  let examined = 0;
  let startKey: string | undefined;
  let buffer: string[] = [];
  do {
    const page = await stockStore.lowStylesPage(startKey);
    startKey = page.lastKey;
    examined += page.techPackIds.length;
    buffer.push(...page.techPackIds);
    while (buffer.length >= CHUNK || (!startKey && buffer.length > 0)) {
      await processChunk(buffer.slice(0, CHUNK));
      buffer = buffer.slice(CHUNK);
    }
  } while (startKey);

  return { created, skipped, examined, startedAt, durationMs: Date.now() - started };
}

export { mapLimit };
