// Quality: IQ templates (create, patch, resource), a batch's inspection plan, inspections (body and
// resource). The rules that read a plan (sample size at least the plan's, the verdict) are in
// shared/quality.ts; the sampling tables in shared/sampling.ts.
import * as v from 'valibot';
import {
  CODE_LETTERS,
  DEFECT_CLASSES,
  INSPECTION_LEVELS,
  PREFERRED_AQLS,
  type DefectClass,
  type InspectionPlan as SamplingInspectionPlan,
} from '../sampling.js';
import { list, number, oneOf, optionalText, requiredText, strict } from './core.js';

/** Codes name templates in paths (`/v1/iq-templates/{code}`): letters, digits, `.`, `_`, `-`. */
export const IQ_TEMPLATE_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
export const MAX_CHECKPOINTS = 100;
export const MAX_CHECKPOINT_LENGTH = 200;
/** Defects are nonconformities (one piece may have several), so they are not capped by the sample size. */
export const MAX_DEFECTS = 1_000_000;
/** The standard's default when no level is specified. */
export const DEFAULT_INSPECTION_LEVEL = 'II' as const;

const CODE_MESSAGE = 'must be letters, digits, ".", "_" or "-" (starting with a letter or digit), at most 40';

const templateCode = v.pipe(
  v.string((i) => (i.input === undefined || i.input === null ? 'is required' : CODE_MESSAGE)),
  v.regex(IQ_TEMPLATE_CODE, CODE_MESSAGE),
);

const level = v.pipe(
  oneOf(INSPECTION_LEVELS),
  v.description('ISO 2859-1 general I, II (default), III or special S-1..S-4'),
);

const aqlValue = v.picklist(
  PREFERRED_AQLS as readonly number[],
  `must be one of the standard's AQL values: ${PREFERRED_AQLS.join(', ')}`,
);

/** At least one class; each a preferred AQL value of the standard. */
export const AqlSetInput = v.pipe(
  strict(
    Object.fromEntries(DEFECT_CLASSES.map((c) => [c, v.optional(aqlValue)])) as Record<
      DefectClass,
      v.OptionalSchema<typeof aqlValue, undefined>
    >,
    'must be an object with critical, major and/or minor',
  ),
  v.minEntries(1, 'must name at least one of critical, major, minor'),
);

const CHECKPOINT_MESSAGE = `must be a non-empty string of at most ${MAX_CHECKPOINT_LENGTH} characters`;

/** What the inspector checks (free text, in order). */
const checkpoints = list(
  v.pipe(
    v.string(CHECKPOINT_MESSAGE),
    v.regex(/\S/, CHECKPOINT_MESSAGE),
    v.trim(),
    v.maxLength(MAX_CHECKPOINT_LENGTH, CHECKPOINT_MESSAGE),
  ),
  { notArray: 'must be a list of strings', max: MAX_CHECKPOINTS },
);

const requiredForFinish = v.pipe(
  v.boolean('must be true or false'),
  v.description('A batch finishes only after a passing latest inspection'),
);

/** `POST /v1/iq-templates`: inspectionLevel defaults to II, checkpoints to none, requiredForFinish to false. */
export const IqTemplateCreate = strict({
  code: templateCode,
  name: requiredText(200),
  inspectionLevel: v.optional(level, DEFAULT_INSPECTION_LEVEL),
  aql: AqlSetInput,
  checkpoints: v.optional(checkpoints, () => [] as string[]),
  requiredForFinish: v.optional(requiredForFinish, false),
});

/** `PATCH /v1/iq-templates/{code}`: any field but the code; `aql` and `checkpoints` replace the whole value. */
export const IqTemplatePatch = strict({
  name: v.optional(requiredText(200)),
  inspectionLevel: v.optional(level),
  aql: v.optional(AqlSetInput),
  checkpoints: v.optional(checkpoints),
  requiredForFinish: v.optional(requiredForFinish),
});

const defects = v.optional(number({ integer: true, min: 0, max: MAX_DEFECTS }));

/** `POST .../inspections`: defects default to 0, sampleSize to the plan's (checks against the plan in code). */
export const InspectionCreate = v.pipe(
  strict({
    sampleSize: v.optional(
      v.pipe(
        number({ integer: true, min: 1 }),
        v.description('Default: the plan\u2019s; at least the plan\u2019s, at most the lot (checked in code)'),
      ),
    ),
    criticalDefects: defects,
    majorDefects: defects,
    minorDefects: defects,
    inspector: optionalText(120),
    notes: optionalText(2000),
  }),
  v.description('Judged by the batch\u2019s plan: a class fails when its defects reach its reject number'),
);

// ---- resources ------------------------------------------------------------------------------------

const AqlSet = v.object({
  critical: v.optional(v.number()),
  major: v.optional(v.number()),
  minor: v.optional(v.number()),
});

export const IqTemplate = v.object({
  code: v.string(),
  name: v.string(),
  inspectionLevel: v.picklist(INSPECTION_LEVELS),
  aql: AqlSet,
  checkpoints: v.array(v.string()),
  requiredForFinish: v.boolean(),
  version: v.number(),
  createdAt: v.string(),
  createdBy: v.string(),
  updatedAt: v.string(),
  updatedBy: v.string(),
});

const ClassPlan = v.object({
  aql: v.number(),
  accept: v.number(),
  reject: v.number(),
  /** The row of Table II-A this class's plan comes from. */
  codeLetter: v.picklist(CODE_LETTERS),
  sampleSize: v.number(),
});

export const InspectionPlan = v.pipe(
  v.object({
    lotSize: v.number(),
    inspectionLevel: v.picklist(INSPECTION_LEVELS),
    codeLetter: v.picklist(CODE_LETTERS),
    sampleSize: v.pipe(v.number(), v.description('Pieces to draw: the largest class sample')),
    fullInspection: v.boolean(),
    critical: v.optional(ClassPlan),
    major: v.optional(ClassPlan),
    minor: v.optional(ClassPlan),
  }),
  v.description('ISO 2859-1 single sampling, normal inspection (docs/quality.md)'),
);

// The plan sampling.ts computes is the plan this schema states (a compile-time check both ways).
const _planFits: v.InferOutput<typeof InspectionPlan> = {} as SamplingInspectionPlan;
const _planFitsBack: SamplingInspectionPlan = {} as v.InferOutput<typeof InspectionPlan>;
void _planFits;
void _planFitsBack;

const RESULT = ['pass', 'fail'] as const;

const ClassVerdict = v.object({
  aql: v.number(),
  defects: v.number(),
  accept: v.number(),
  reject: v.number(),
  /** The class's own sample size in the plan. */
  sampleSize: v.number(),
  result: v.picklist(RESULT),
});

/**
 * An inspection as recorded: what was found, the verdict, and the plan and template version it was
 * judged by (kept with it, so a later template edit does not change a past result).
 */
export const Inspection = v.object({
  orderId: v.string(),
  batchId: v.string(),
  /** 1, 2, ... per batch: a failed lot re-inspected gets the next number; the newest is the lot's result. */
  number: v.number(),
  result: v.picklist(RESULT),
  sampleSize: v.number(),
  criticalDefects: v.number(),
  majorDefects: v.number(),
  minorDefects: v.number(),
  critical: v.optional(ClassVerdict),
  major: v.optional(ClassVerdict),
  minor: v.optional(ClassVerdict),
  inspector: v.optional(v.string()),
  notes: v.optional(v.string()),
  iqTemplate: v.string(),
  templateVersion: v.number(),
  plan: InspectionPlan,
  at: v.string(),
  actor: v.string(),
});

/** A batch's inspections so far and the latest one's result (the finish gate reads it). */
export const BatchInspectionSummary = v.pipe(
  v.object({ count: v.number(), result: v.picklist(RESULT), at: v.string() }),
  v.description('Inspections so far and the latest result'),
);
