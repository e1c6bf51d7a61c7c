// Quality: IQ (inspection / quality) templates, the sampling plan of a batch, and judging an inspection by it.
// Pure rules; the sampling tables themselves are in sampling.ts.
import { requireInProduction, type ProductionBatch } from './batches.js';
import { ConflictError, IllegalTransitionError } from './errors.js';
import {
  DEFECT_CLASSES,
  INSPECTION_LEVELS,
  PREFERRED_AQLS,
  isPreferredAql,
  samplingPlan,
  type AqlSet,
  type DefectClass,
  type InspectionLevel,
  type InspectionPlan,
} from './sampling.js';
import type { Actor, HistoryEntry, ProductionOrder } from './types.js';
import { Problems, isObject, num, oneOf, rejectUnknown, requireObject, str } from './validate.js';

/** An IQ template as the CONTRACT shows it (the store adds version and times). */
export interface IqTemplate {
  code: string;
  name: string;
  inspectionLevel: InspectionLevel;
  /** At least one class; each a preferred AQL value of the standard. */
  aql: AqlSet;
  /** What the inspector checks (free text, in order). */
  checkpoints: string[];
  /** When true, a batch of an order using this template finishes only after a passing inspection. */
  requiredForFinish: boolean;
}

export type IqTemplatePatch = Partial<Omit<IqTemplate, 'code'>>;

/** Codes name templates in paths (`/v1/iq-templates/{code}`): letters, digits, `.`, `_`, `-`. */
export const IQ_TEMPLATE_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
export const MAX_CHECKPOINTS = 100;
export const MAX_CHECKPOINT_LENGTH = 200;
/** The standard's default when no level is specified. */
export const DEFAULT_INSPECTION_LEVEL: InspectionLevel = 'II';

const CREATE_FIELDS = ['code', 'name', 'inspectionLevel', 'aql', 'checkpoints', 'requiredForFinish'] as const;
const PATCH_FIELDS = ['name', 'inspectionLevel', 'aql', 'checkpoints', 'requiredForFinish'] as const;

/** `POST /v1/iq-templates`: inspectionLevel defaults to II, checkpoints to none, requiredForFinish to false. */
export function parseIqTemplateCreate(raw: unknown): IqTemplate {
  const body = requireObject(raw);
  const p = new Problems();
  rejectUnknown(body, CREATE_FIELDS, p);
  const code = str(body, 'code', p, { required: true, max: 40 });
  if (code !== undefined && !IQ_TEMPLATE_CODE.test(code)) {
    p.add('code', 'must be letters, digits, ".", "_" or "-" (starting with a letter or digit), at most 40');
  }
  const name = str(body, 'name', p, { required: true });
  const inspectionLevel =
    body.inspectionLevel === undefined
      ? DEFAULT_INSPECTION_LEVEL
      : oneOf(body.inspectionLevel, INSPECTION_LEVELS, 'inspectionLevel', p);
  const aql = parseAql(body.aql, p);
  const checkpoints = body.checkpoints === undefined ? [] : parseCheckpoints(body.checkpoints, p);
  const requiredForFinish =
    body.requiredForFinish === undefined ? false : bool(body.requiredForFinish, 'requiredForFinish', p);
  p.throwIfAny();
  return {
    code: code!,
    name: name!,
    inspectionLevel: inspectionLevel!,
    aql: aql!,
    checkpoints: checkpoints!,
    requiredForFinish: requiredForFinish!,
  };
}

/** `PATCH /v1/iq-templates/{code}`: any field but the code; `aql` and `checkpoints` replace the whole value. */
export function parseIqTemplatePatch(raw: unknown): IqTemplatePatch {
  const body = requireObject(raw);
  const p = new Problems();
  rejectUnknown(body, PATCH_FIELDS, p);
  const patch: IqTemplatePatch = {};
  if ('name' in body) patch.name = str(body, 'name', p, { required: true });
  if ('inspectionLevel' in body)
    patch.inspectionLevel = oneOf(body.inspectionLevel, INSPECTION_LEVELS, 'inspectionLevel', p);
  if ('aql' in body) patch.aql = parseAql(body.aql, p);
  if ('checkpoints' in body) patch.checkpoints = parseCheckpoints(body.checkpoints, p);
  if ('requiredForFinish' in body) patch.requiredForFinish = bool(body.requiredForFinish, 'requiredForFinish', p);
  p.throwIfAny();
  return patch;
}

export function applyIqTemplatePatch(current: IqTemplate, patch: IqTemplatePatch): IqTemplate {
  return { ...current, ...patch, code: current.code };
}

function bool(value: unknown, field: string, p: Problems): boolean | undefined {
  if (typeof value !== 'boolean') {
    p.add(field, 'must be true or false');
    return undefined;
  }
  return value;
}

function parseAql(value: unknown, p: Problems): AqlSet | undefined {
  if (!isObject(value)) {
    p.add('aql', 'must be an object with critical, major and/or minor');
    return undefined;
  }
  const before = p.list.length;
  rejectUnknown(value, DEFECT_CLASSES, p, 'aql.');
  const out: AqlSet = {};
  for (const cls of DEFECT_CLASSES) {
    const v = value[cls];
    if (v === undefined) continue;
    if (!isPreferredAql(v))
      p.add(`aql.${cls}`, `must be one of the standard's AQL values: ${PREFERRED_AQLS.join(', ')}`);
    else out[cls] = v;
  }
  if (p.list.length === before && Object.keys(out).length === 0)
    p.add('aql', 'must name at least one of critical, major, minor');
  return p.list.length === before ? out : undefined;
}

function parseCheckpoints(value: unknown, p: Problems): string[] | undefined {
  if (!Array.isArray(value)) {
    p.add('checkpoints', 'must be a list of strings');
    return undefined;
  }
  if (value.length > MAX_CHECKPOINTS) {
    p.add('checkpoints', `must have at most ${MAX_CHECKPOINTS} entries`);
    return undefined;
  }
  const out: string[] = [];
  let ok = true;
  value.forEach((v, i) => {
    const text = typeof v === 'string' ? v.trim() : '';
    if (text === '' || text.length > MAX_CHECKPOINT_LENGTH) {
      p.add(`checkpoints[${i}]`, `must be a non-empty string of at most ${MAX_CHECKPOINT_LENGTH} characters`);
      ok = false;
    } else out.push(text);
  });
  return ok ? out : undefined;
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
export interface InspectionInput {
  sampleSize?: number;
  criticalDefects?: number;
  majorDefects?: number;
  minorDefects?: number;
  inspector?: string;
  notes?: string;
}

const INSPECTION_FIELDS = [
  'sampleSize',
  'criticalDefects',
  'majorDefects',
  'minorDefects',
  'inspector',
  'notes',
] as const;
/** Defects are nonconformities (one piece may have several), so they are not capped by the sample size. */
export const MAX_DEFECTS = 1_000_000;

export const DEFECT_FIELDS: Readonly<Record<DefectClass, 'criticalDefects' | 'majorDefects' | 'minorDefects'>> = {
  critical: 'criticalDefects',
  major: 'majorDefects',
  minor: 'minorDefects',
};

/** Shape checks of an inspection body; checks against the plan are in evaluateInspection. */
export function parseInspection(raw: unknown): InspectionInput {
  const body = requireObject(raw);
  const p = new Problems();
  rejectUnknown(body, INSPECTION_FIELDS, p);
  const out: InspectionInput = {};
  if (body.sampleSize !== undefined)
    out.sampleSize = num(body.sampleSize, 'sampleSize', p, {
      min: 1,
      integer: true,
    });
  for (const cls of DEFECT_CLASSES) {
    const field = DEFECT_FIELDS[cls];
    if (body[field] !== undefined)
      out[field] = num(body[field], field, p, {
        min: 0,
        max: MAX_DEFECTS,
        integer: true,
      });
  }
  const inspector = str(body, 'inspector', p, { max: 120 });
  if (inspector !== undefined) out.inspector = inspector;
  const notes = str(body, 'notes', p, { max: 2000 });
  if (notes !== undefined) out.notes = notes;
  p.throwIfAny();
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
export interface IqTemplateRecord extends IqTemplate {
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/**
 * An inspection as recorded: what was found, the verdict, and the plan and template version it was judged by
 * (kept with it, so a later template edit does not change a past result).
 */
export interface InspectionRecord extends InspectionEvaluation {
  orderId: string;
  batchId: string;
  /** 1, 2, ... per batch: a failed lot re-inspected gets the next number; the newest is the lot's result. */
  number: number;
  criticalDefects: number;
  majorDefects: number;
  minorDefects: number;
  inspector?: string;
  notes?: string;
  iqTemplate: string;
  templateVersion: number;
  plan: InspectionPlan;
  at: string;
  actor: string;
}

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
