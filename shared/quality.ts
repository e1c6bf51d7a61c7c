// Quality: IQ (inspection / quality) templates, the sampling plan of a batch, and judging an inspection by it.
// Pure rules; the sampling tables themselves are in sampling.ts.
import { requireInProduction, type ProductionBatch } from './batches.js';
import { ConflictError, IllegalTransitionError } from './errors.js';
import type * as v from 'valibot';
import { parseWith } from './schemas/core.js';
import {
  DEFAULT_INSPECTION_LEVEL,
  IQ_TEMPLATE_CODE,
  InspectionCreate,
  type Inspection,
  IqTemplateCreate,
  type IqTemplate as IqTemplateResource,
  IqTemplatePatch as IqTemplatePatchSchema,
  MAX_CHECKPOINTS,
  MAX_CHECKPOINT_LENGTH,
  MAX_DEFECTS,
} from './schemas/quality.js';
import { DEFECT_CLASSES, samplingPlan, type DefectClass, type InspectionPlan } from './sampling.js';
import type { Actor, HistoryEntry, ProductionOrder } from './types.js';
import { Problems } from './validate.js';

/** An IQ template as the CONTRACT shows it (the store adds version and times): shared/schemas/quality.ts. */
export type IqTemplate = v.InferOutput<typeof IqTemplateCreate>;
export type IqTemplatePatch = v.InferOutput<typeof IqTemplatePatchSchema>;

export { DEFAULT_INSPECTION_LEVEL, IQ_TEMPLATE_CODE, MAX_CHECKPOINTS, MAX_CHECKPOINT_LENGTH, MAX_DEFECTS };

/** `POST /v1/iq-templates`: inspectionLevel defaults to II, checkpoints to none, requiredForFinish to false. */
export function parseIqTemplateCreate(raw: unknown): IqTemplate {
  return parseWith(IqTemplateCreate, raw);
}

/** `PATCH /v1/iq-templates/{code}`: any field but the code; `aql` and `checkpoints` replace the whole value. */
export function parseIqTemplatePatch(raw: unknown): IqTemplatePatch {
  return parseWith(IqTemplatePatchSchema, raw);
}

export function applyIqTemplatePatch(current: IqTemplate, patch: IqTemplatePatch): IqTemplate {
  return { ...current, ...patch, code: current.code };
}

/** The sampling plan of a lot (a batch's quantity) under a template. */
export function planForTemplate(
  template: Pick<IqTemplate, 'inspectionLevel' | 'aql'>,
  lotSize: number,
): InspectionPlan {
  return samplingPlan({
    lotSize,
    inspectionLevel: template.inspectionLevel,
    aql: template.aql,
  });
}

/** What `POST .../inspections` takes (CONTRACT): defects default to 0, sampleSize to the plan's. */
export type InspectionInput = {
  [K in keyof v.InferOutput<typeof InspectionCreate>]?: Exclude<v.InferOutput<typeof InspectionCreate>[K], null>;
};

export const DEFECT_FIELDS: Readonly<Record<DefectClass, 'criticalDefects' | 'majorDefects' | 'minorDefects'>> = {
  critical: 'criticalDefects',
  major: 'majorDefects',
  minor: 'minorDefects',
};

/** Shape checks of an inspection body (null text reads as left out); the plan's checks: evaluateInspection. */
export function parseInspection(raw: unknown): InspectionInput {
  const body = parseWith(InspectionCreate, raw);
  const out: InspectionInput = {};
  for (const [key, value] of Object.entries(body)) {
    if (value !== undefined && value !== null) Object.assign(out, { [key]: value });
  }
  return out;
}

export type InspectionResult = 'pass' | 'fail';

export interface ClassVerdict {
  aql: number;
  defects: number;
  accept: number;
  reject: number;
  /** The class's own sample size in the plan. */
  sampleSize: number;
  result: InspectionResult;
}

export interface InspectionEvaluation {
  result: InspectionResult;
  /** The units inspected: the recorded sample size, or the plan's when none was recorded. */
  sampleSize: number;
  critical?: ClassVerdict;
  major?: ClassVerdict;
  minor?: ClassVerdict;
}

/**
 * Judges recorded defects by the plan: a class fails when its defects reach its reject number (defects >= Re),
 * passes at or below its accept number; the lot passes when every class with an AQL passes. Defects of a class
 * without an AQL in the plan are recorded but not judged. The recorded sample size (if given) must be at least
 * the plan's (400 on `sampleSize` otherwise) and at most the lot size.
 */
export function evaluateInspection(plan: InspectionPlan, input: InspectionInput): InspectionEvaluation {
  const p = new Problems();
  const sampleSize = input.sampleSize ?? plan.sampleSize;
  if (sampleSize < plan.sampleSize) {
    p.add('sampleSize', `must be at least the plan's sample size ${plan.sampleSize} (code letter ${plan.codeLetter})`);
  } else if (sampleSize > plan.lotSize) {
    p.add('sampleSize', `must be at most the lot size ${plan.lotSize}`);
  }
  p.throwIfAny();
  const out: InspectionEvaluation = { result: 'pass', sampleSize };
  for (const cls of DEFECT_CLASSES) {
    const c = plan[cls];
    if (!c) continue;
    const defects = input[DEFECT_FIELDS[cls]] ?? 0;
    const result: InspectionResult = defects >= c.reject ? 'fail' : 'pass';
    out[cls] = {
      aql: c.aql,
      defects,
      accept: c.accept,
      reject: c.reject,
      sampleSize: c.sampleSize,
      result,
    };
    if (result === 'fail') out.result = 'fail';
  }
  return out;
}

/**
 * The finish gate: without a template, or with one that does not require it, a batch may finish. Otherwise its
 * latest inspection (inspections oldest first) must have passed: a failed lot can be re-inspected, and the
 * newest result is the lot's.
 */
export function inspectionAllowsFinish(
  template: Pick<IqTemplate, 'requiredForFinish'> | null | undefined,
  inspections: ReadonlyArray<{ result: InspectionResult }>,
): boolean {
  if (!template?.requiredForFinish) return true;
  return inspections.length > 0 && inspections[inspections.length - 1].result === 'pass';
}

/** 409 INSPECTION_REQUIRED when the gate is closed. */
export function assertInspectionAllowsFinish(
  template: Pick<IqTemplate, 'code' | 'requiredForFinish'> | null | undefined,
  inspections: ReadonlyArray<{ result: InspectionResult }>,
): void {
  if (inspectionAllowsFinish(template, inspections)) return;
  const last = inspections.length > 0 ? inspections[inspections.length - 1].result : null;
  throw new ConflictError(
    'INSPECTION_REQUIRED',
    last === 'fail'
      ? `The latest inspection failed; IQ template ${template!.code} needs a pass before the batch finishes`
      : `IQ template ${template!.code} needs a passing inspection before the batch finishes`,
    { iqTemplate: template!.code, latestResult: last },
  );
}

// ---- templates and inspections as stored --------------------------------------------------------

/** An IQ template as stored and answered: the template, its version (ETag) and who made and changed it. */
export type IqTemplateRecord = v.InferOutput<typeof IqTemplateResource>;

/**
 * An inspection as recorded: what was found, the verdict, and the plan and template version it was judged by
 * (kept with it, so a later template edit does not change a past result).
 */
export type InspectionRecord = v.InferOutput<typeof Inspection>;

export const INSPECTION_RECORD_FIELDS = [
  'orderId',
  'batchId',
  'number',
  'result',
  'sampleSize',
  'criticalDefects',
  'majorDefects',
  'minorDefects',
  'critical',
  'major',
  'minor',
  'inspector',
  'notes',
  'iqTemplate',
  'templateVersion',
  'plan',
  'at',
  'actor',
] as const;

/** The template an order's inspections use: 409 NO_IQ_TEMPLATE when the order names none (or one that is gone). */
export function requireOrderTemplate<T extends IqTemplate>(
  order: Pick<ProductionOrder, 'id' | 'iqTemplate'>,
  template: T | undefined,
): T {
  if (!order.iqTemplate || !template) {
    throw new ConflictError(
      'NO_IQ_TEMPLATE',
      order.iqTemplate
        ? `Order ${order.id} names IQ template ${order.iqTemplate}, which does not exist`
        : `Order ${order.id} has no IQ template: set iqTemplate on the order to inspect its batches`,
      { iqTemplate: order.iqTemplate ?? null },
    );
  }
  return template;
}

/** The plan of one batch: its quantity is the lot. */
export function planForBatch(template: IqTemplate, batch: Pick<ProductionBatch, 'total'>): InspectionPlan {
  return planForTemplate(template, batch.total);
}

export interface InspectionChange {
  order: ProductionOrder;
  batch: ProductionBatch;
  record: InspectionRecord;
  history: HistoryEntry;
}

/**
 * Records an inspection of a Running or Finished batch (the order Released or InProgress), judged by the plan of
 * the order's template. Like every batch write it bumps the order's version (functions/store/batches.ts), and
 * the batch keeps the count and the latest result, which the finish gate reads.
 */
export function inspectBatch(
  order: ProductionOrder,
  batch: ProductionBatch,
  template: IqTemplateRecord,
  input: InspectionInput,
  actor: Actor,
  now: string,
): InspectionChange {
  if (batch.state !== 'Running' && batch.state !== 'Finished') {
    throw new IllegalTransitionError('production batch', batch.state, 'inspect');
  }
  requireInProduction(order, 'inspected');
  const plan = planForBatch(template, batch);
  const evaluation = evaluateInspection(plan, input);
  const number = (batch.inspection?.count ?? 0) + 1;
  const record: InspectionRecord = {
    orderId: order.id,
    batchId: batch.id,
    number,
    ...evaluation,
    criticalDefects: input.criticalDefects ?? 0,
    majorDefects: input.majorDefects ?? 0,
    minorDefects: input.minorDefects ?? 0,
    ...(input.inspector !== undefined ? { inspector: input.inspector } : {}),
    ...(input.notes !== undefined ? { notes: input.notes } : {}),
    iqTemplate: template.code,
    templateVersion: template.version,
    plan,
    at: now,
    actor: actor.id,
  };
  const nextBatch: ProductionBatch = {
    ...batch,
    version: batch.version + 1,
    updatedAt: now,
    updatedBy: actor.id,
    inspection: { count: number, result: evaluation.result, at: now },
  };
  const nextOrder: ProductionOrder = { ...order, version: order.version + 1, updatedAt: now, updatedBy: actor.id };
  const history: HistoryEntry = {
    at: now,
    actor: actor.id,
    action: 'inspect',
    from: batch.state,
    to: batch.state,
    version: nextBatch.version,
    details: { inspection: number, result: evaluation.result, iqTemplate: template.code },
  };
  return { order: nextOrder, batch: nextBatch, record, history };
}
