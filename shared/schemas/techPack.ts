// Tech pack: one style, its sizes, colors and BOM. Requests and the resource.
import * as v from 'valibot';
import { TECH_PACK_STATES } from '../types.js';
import {
  codeList,
  either,
  isPlainObject,
  list,
  map,
  number,
  oneOf,
  optionalText,
  requiredText,
  strict,
} from './core.js';
import { LIMITS } from './matrix.js';

const VARIANTS = 'must be "match" or an object mapping garment color to material variant';
const nonNegative = number({ min: 0 });

export const ColorInput = strict({ code: requiredText(40), name: optionalText(80) }, 'must be an object {code, name}');

export const ColorsInput = list(ColorInput, {
  notArray: 'must be a non-empty list of {code, name}',
  min: 1,
  max: LIMITS.colors,
  unique: (c) => (c as { code: string }).code,
  duplicate: (key) => ({ message: `duplicates ${JSON.stringify(key)}`, field: 'code' }),
});

export const BomLineInput = v.pipe(
  strict(
    {
      material: requiredText(80),
      uom: requiredText(20),
      consumption: v.pipe(
        either(
          nonNegative,
          map(nonNegative, 'must be a number, or an object with one number per size', { nonEmpty: true }),
          (x) => (typeof x === 'number' ? 0 : isPlainObject(x) && Object.keys(x).length > 0 ? 1 : undefined),
          'must be a number, or an object with one number per size',
        ),
        v.description(
          'Per garment: one number, or one per size (every size of the tech pack, and only those: checked in code)',
        ),
      ),
      wastagePct: v.optional(number({ min: 0, max: 1000 }), 0),
      variants: v.optional(
        v.pipe(
          either(
            v.literal('match'),
            map(v.pipe(v.string(VARIANTS), v.regex(/\S/, VARIANTS)), VARIANTS, { whole: true }),
            (x) => (x === 'match' ? 0 : isPlainObject(x) ? 1 : undefined),
            VARIANTS,
          ),
          v.description(
            "`match` (the variant is the garment color's code) or material variant per garment color " +
              '(colors of the tech pack: checked in code)',
          ),
        ),
      ),
      appliesTo: v.optional(
        v.pipe(
          codeList(LIMITS.colors),
          v.description('Only garments of these colors use this line (colors of the tech pack: checked in code)'),
        ),
      ),
      purchaseMultiple: v.optional(number({ min: 0, gt: 0 })),
      minimumOrderQty: v.optional(
        v.pipe(
          v.number('must be a number'),
          v.finite('must be a number'),
          v.minValue(0, 'must be at least 0'),
          v.gtValue(0, 'must be greater than 0 (leave it out for no minimum)'),
          v.description(
            'A floor on the purchase (a supplier\u2019s minimum, not a multiple): ' +
              'purchase = max(gross, minimumOrderQty) rounded up to purchaseMultiple',
          ),
        ),
      ),
    },
    'must be an object',
  ),
);

export const BomInput = list(BomLineInput, {
  notArray: 'must be a list of BOM lines',
  max: 500,
  tooLong: 'must have at most 500 lines',
});

export const TechPackCreate = strict({
  styleCode: requiredText(40),
  name: requiredText(),
  season: optionalText(40),
  sizes: codeList(LIMITS.sizes),
  colors: ColorsInput,
  bom: v.optional(BomInput),
  iqTemplate: optionalText(80),
});

export const TechPackPatch = strict({
  name: v.optional(requiredText()),
  season: optionalText(40),
  iqTemplate: optionalText(80),
  sizes: v.optional(codeList(LIMITS.sizes)),
  colors: v.optional(ColorsInput),
  bom: v.optional(BomInput),
});

export const TechPackTransition = strict({ to: oneOf(TECH_PACK_STATES) });

// ---- the resource -------------------------------------------------------------------------------

export const Color = v.object({ code: v.string(), name: v.string() });

export const BomLine = v.object({
  material: v.string(),
  uom: v.string(),
  /** Per garment: one number, or one per size. */
  consumption: v.union([v.number(), v.record(v.string(), v.number())]),
  wastagePct: v.number(),
  /** Material variant per garment color, or `match` (the variant is the garment color's code). */
  variants: v.optional(v.union([v.literal('match'), v.record(v.string(), v.string())])),
  /** Only garments of these colors use this line. */
  appliesTo: v.optional(v.array(v.string())),
  /** Purchases are made in multiples of this (roll length, pack size). */
  purchaseMultiple: v.optional(v.number()),
  /** The least a purchase may be (a supplier's minimum order quantity): a floor, not a multiple. */
  minimumOrderQty: v.optional(v.number()),
});

export const TechPack = v.object({
  id: v.string(),
  styleCode: v.string(),
  name: v.string(),
  season: v.optional(v.string()),
  sizes: v.array(v.string()),
  colors: v.array(Color),
  bom: v.array(BomLine),
  iqTemplate: v.optional(v.string()),
  state: v.picklist(TECH_PACK_STATES),
  version: v.number(),
  bomRevision: v.number(),
  createdAt: v.string(),
  updatedAt: v.string(),
});
