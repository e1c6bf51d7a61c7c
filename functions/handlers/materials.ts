import { ConflictError, NotFoundError } from '../../shared/errors.js';
import { materialsSummary, type BomRecord } from '../../shared/materials.js';
import type { ProductionOrder, TechPack } from '../../shared/types.js';
import { MaterialsStore, type RecordWrite } from '../store/materials.js';
import type { Store } from '../store/store.js';
import { answerWith } from '../http/middleware.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { now, requireId } from './common.js';

export function materialsHandlers(store: Store) {
  const materials = new MaterialsStore(store);

  /**
   * 2 round trips (the order with its BOM record, then the tech pack), 3 when a record is written:
   * on the first read, on a refresh before release, or to pin an order released before it had one.
   * When nothing is written the tech pack is read for its bomRevision only (`stale`; eventually
   * consistent, two attributes): its BOM is not needed.
   */
  async function summary(req: ApiRequest, refresh: boolean): Promise<ApiResponse> {
    const id = requireId('ProductionOrder', req.params.id, 'Production order');
    const { order, record } = await materials.read(id);
    if (!order) throw new NotFoundError('Production order', id);
    const write = recordWrite(order, record, refresh);
    if (!write) {
      const revision = await store.getTechPackRevision(order.techPackId);
      if (!revision) throw new NotFoundError('Tech pack', order.techPackId);
      return { status: 200, body: materialsSummary(order, record!, revision.bomRevision) };
    }
    const techPack = await store.getTechPack(order.techPackId);
    if (!techPack) throw new NotFoundError('Tech pack', order.techPackId);
    const current = (source: BomRecord['source']): BomRecord => ({
      techPackId: techPack.id,
      bomRevision: techPack.bomRevision,
      bom: techPack.bom,
      source,
      recordedAt: now(),
      recordedBy: req.actor.id,
    });
    const use =
      write === 'snapshot'
        ? snapshotFrom(techPack, order.releasedBomRevision!, current)
        : current(write === 'refresh' ? 'refresh' : 'read');
    // Computed before anything is written: a BOM that does not cover the order (409) records nothing.
    const body = materialsSummary(order, use, techPack.bomRevision);
    // Named before the write, so a refresh's Idempotency-Key answer rides in its transaction.
    const answer = answerWith({ status: 200, body });
    await materials.write(order, use, write);
    return answer;
  }

  return {
    getMaterials: (req: ApiRequest) => summary(req, false),
    refreshMaterials: (req: ApiRequest) => summary(req, true),
  };
}

/** The record a summary writes: none when the one stored serves. */
function recordWrite(order: ProductionOrder, record: BomRecord | undefined, refresh: boolean): RecordWrite | undefined {
  // Pinned: a refresh changes nothing. The release wrote the snapshot; an order released before
  // snapshots existed gets one now, if the tech pack's BOM is still at the released revision.
  if (order.releasedBomRevision !== null)
    return !record || record.bomRevision !== order.releasedBomRevision ? 'snapshot' : undefined;
  if (refresh) return 'refresh';
  return record ? undefined : 'first';
}

function snapshotFrom(
  techPack: TechPack,
  releasedBomRevision: number,
  current: (source: BomRecord['source']) => BomRecord,
): BomRecord {
  if (techPack.bomRevision !== releasedBomRevision) {
    throw new ConflictError(
      'BOM_SNAPSHOT_MISSING',
      `This order was released with BOM revision ${releasedBomRevision}, which was not kept, and the tech pack is now at revision ${techPack.bomRevision}`,
      { releasedBomRevision, techPackBomRevision: techPack.bomRevision },
    );
  }
  return current('release');
}
