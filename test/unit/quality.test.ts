import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConflictError } from '../../shared/errors.js';
import {
  DEFAULT_INSPECTION_LEVEL,
  applyIqTemplatePatch,
  assertInspectionAllowsFinish,
  evaluateInspection,
  inspectionAllowsFinish,
  parseInspection,
  parseIqTemplateCreate,
  parseIqTemplatePatch,
  planForTemplate,
  type IqTemplate,
} from '../../shared/quality.js';
import { INSPECTION_LEVELS, PREFERRED_AQLS, samplingPlan } from '../../shared/sampling.js';
import { badFields, problems, thrown } from './fixtures.js';

function template(over: Partial<IqTemplate> = {}): IqTemplate {
  return {
    code: 'IQ-TEE',
    name: 'Knit tops, final',
    inspectionLevel: 'II',
    aql: { critical: 0.065, major: 2.5, minor: 4 },
    checkpoints: ['Measurements to spec', 'Seams and stitching'],
    requiredForFinish: true,
    ...over,
  };
}

describe('IQ template input', () => {
  it('takes a full template, trimming text', () => {
    expect(
      parseIqTemplateCreate({
        code: 'IQ-TEE',
        name: ' Knit tops, final ',
        inspectionLevel: 'II',
        aql: { critical: 0.065, major: 2.5, minor: 4 },
        checkpoints: [' Measurements to spec', 'Seams and stitching'],
        requiredForFinish: true,
      }),
    ).toEqual(template());
  });

  it('defaults to level II, no checkpoints and not required for finishing', () => {
    expect(DEFAULT_INSPECTION_LEVEL).toBe('II');
    expect(
      parseIqTemplateCreate({
        code: 'IQ.1',
        name: 'Woven',
        aql: { major: 1.5 },
      }),
    ).toEqual({
      code: 'IQ.1',
      name: 'Woven',
      inspectionLevel: 'II',
      aql: { major: 1.5 },
      checkpoints: [],
      requiredForFinish: false,
    });
  });

  it('takes every level of the standard', () => {
    for (const level of INSPECTION_LEVELS) {
      expect(
        parseIqTemplateCreate({
          code: 'X',
          name: 'x',
          inspectionLevel: level,
          aql: { minor: 4 },
        }).inspectionLevel,
      ).toBe(level);
    }
  });

  it('takes every preferred AQL, and only those', () => {
    for (const aql of PREFERRED_AQLS) {
      expect(parseIqTemplateCreate({ code: 'X', name: 'x', aql: { major: aql } }).aql).toEqual({ major: aql });
    }
    for (const bad of [0, 2, 3, 5, 0.5, 7, 2000, '2.5', null]) {
      expect(badFields(() => parseIqTemplateCreate({ code: 'X', name: 'x', aql: { major: bad } }))).toEqual([
        'aql.major',
      ]);
    }
  });

  it('names each bad field', () => {
    expect(
      badFields(() =>
        parseIqTemplateCreate({
          code: 'has space',
          name: '',
          inspectionLevel: 'IV',
          aql: { major: 2.5, cosmetic: 1 },
          checkpoints: ['ok', '', 7],
          requiredForFinish: 'yes',
          colour: 'red',
        }),
      ).sort(),
    ).toEqual([
      'aql.cosmetic',
      'checkpoints[1]',
      'checkpoints[2]',
      'code',
      'colour',
      'inspectionLevel',
      'name',
      'requiredForFinish',
    ]);
    expect(badFields(() => parseIqTemplateCreate({ name: 'x' }))).toEqual(['code', 'aql']);
    expect(badFields(() => parseIqTemplateCreate({ code: 'X', name: 'x', aql: {} }))).toEqual(['aql']);
    expect(badFields(() => parseIqTemplateCreate({ code: 'X', name: 'x', aql: [2.5] }))).toEqual(['aql']);
    expect(
      badFields(() =>
        parseIqTemplateCreate({
          code: 'X',
          name: 'x',
          aql: { minor: 4 },
          checkpoints: 'all',
        }),
      ),
    ).toEqual(['checkpoints']);
    const many = Array.from({ length: 101 }, (_, i) => `check ${i}`);
    expect(
      badFields(() =>
        parseIqTemplateCreate({
          code: 'X',
          name: 'x',
          aql: { minor: 4 },
          checkpoints: many,
        }),
      ),
    ).toEqual(['checkpoints']);
    expect(
      badFields(() =>
        parseIqTemplateCreate({
          code: 'X'.repeat(41),
          name: 'x',
          aql: { minor: 4 },
        }),
      ),
    ).toEqual(['code']);
    expect(badFields(() => parseIqTemplateCreate({ code: '../x', name: 'x', aql: { minor: 4 } }))).toEqual(['code']);
  });

  it('patches any field but the code; aql and checkpoints are replaced whole', () => {
    const patch = parseIqTemplatePatch({
      inspectionLevel: 'S-4',
      aql: { major: 1 },
      checkpoints: [],
      requiredForFinish: false,
    });
    expect(patch).toEqual({
      inspectionLevel: 'S-4',
      aql: { major: 1 },
      checkpoints: [],
      requiredForFinish: false,
    });
    expect(applyIqTemplatePatch(template(), patch)).toEqual(
      template({
        inspectionLevel: 'S-4',
        aql: { major: 1 },
        checkpoints: [],
        requiredForFinish: false,
      }),
    );
    expect(parseIqTemplatePatch({})).toEqual({});
    expect(badFields(() => parseIqTemplatePatch({ code: 'NEW' }))).toEqual(['code']);
    expect(
      badFields(() =>
        parseIqTemplatePatch({
          name: ' ',
          inspectionLevel: null,
          aql: { major: 2 },
        }),
      ).sort(),
    ).toEqual(['aql.major', 'inspectionLevel', 'name']);
  });
});

describe('the plan of a batch', () => {
  it("is the sampling plan of the batch quantity at the template's level and AQLs", () => {
    const plan = planForTemplate(template(), 1200);
    expect(plan).toEqual(
      samplingPlan({
        lotSize: 1200,
        inspectionLevel: 'II',
        aql: { critical: 0.065, major: 2.5, minor: 4 },
      }),
    );
    expect(plan).toMatchObject({
      codeLetter: 'J',
      sampleSize: 200,
      critical: { accept: 0, reject: 1, sampleSize: 200 },
      major: { accept: 5, reject: 6, sampleSize: 80 },
      minor: { accept: 7, reject: 8, sampleSize: 80 },
    });
  });
});

describe('inspection input', () => {
  it('takes the CONTRACT fields', () => {
    expect(
      parseInspection({
        sampleSize: 200,
        criticalDefects: 0,
        majorDefects: 3,
        minorDefects: 9,
        inspector: ' Lin ',
        notes: 'Loose threads',
      }),
    ).toEqual({
      sampleSize: 200,
      criticalDefects: 0,
      majorDefects: 3,
      minorDefects: 9,
      inspector: 'Lin',
      notes: 'Loose threads',
    });
    expect(parseInspection({})).toEqual({});
  });

  it('names each bad field', () => {
    expect(
      badFields(() =>
        parseInspection({
          sampleSize: 0,
          criticalDefects: -1,
          majorDefects: 1.5,
          minorDefects: '2',
          inspector: 7,
          result: 'pass',
        }),
      ).sort(),
    ).toEqual(['criticalDefects', 'inspector', 'majorDefects', 'minorDefects', 'result', 'sampleSize']);
    expect(badFields(() => parseInspection({ notes: 'x'.repeat(2001) }))).toEqual(['notes']);
  });
});

describe('judging an inspection', () => {
  const plan = planForTemplate(template(), 1200);

  it('passes at the accept number and fails at the reject number, per class', () => {
    const atAccept = evaluateInspection(plan, {
      criticalDefects: 0,
      majorDefects: 5,
      minorDefects: 7,
    });
    expect(atAccept).toEqual({
      result: 'pass',
      sampleSize: 200,
      critical: {
        aql: 0.065,
        defects: 0,
        accept: 0,
        reject: 1,
        sampleSize: 200,
        result: 'pass',
      },
      major: {
        aql: 2.5,
        defects: 5,
        accept: 5,
        reject: 6,
        sampleSize: 80,
        result: 'pass',
      },
      minor: {
        aql: 4,
        defects: 7,
        accept: 7,
        reject: 8,
        sampleSize: 80,
        result: 'pass',
      },
    });
    const majorFails = evaluateInspection(plan, {
      sampleSize: 200,
      majorDefects: 6,
      minorDefects: 7,
    });
    expect(majorFails.result).toBe('fail');
    expect(majorFails.major?.result).toBe('fail');
    expect(majorFails.minor?.result).toBe('pass');
    expect(evaluateInspection(plan, { criticalDefects: 1 }).result).toBe('fail');
    expect(evaluateInspection(plan, { minorDefects: 8 }).result).toBe('fail');
    expect(evaluateInspection(plan, {}).result).toBe('pass');
  });

  it('does not judge a class the template has no AQL for', () => {
    const majorOnly = planForTemplate(template({ aql: { major: 2.5 } }), 1200);
    const e = evaluateInspection(majorOnly, {
      majorDefects: 2,
      minorDefects: 50,
    });
    expect(e.result).toBe('pass');
    expect(e.minor).toBeUndefined();
    expect(e.critical).toBeUndefined();
  });

  it("refuses a sample smaller than the plan's or larger than the lot", () => {
    expect(problems(() => evaluateInspection(plan, { sampleSize: 80 }))).toEqual([
      {
        field: 'sampleSize',
        message: "must be at least the plan's sample size 200 (code letter J)",
      },
    ]);
    expect(badFields(() => evaluateInspection(plan, { sampleSize: 1201 }))).toEqual(['sampleSize']);
    expect(evaluateInspection(plan, { sampleSize: 1200 }).sampleSize).toBe(1200);
    // A whole-lot inspection of a small batch: the plan's sample is the lot.
    const small = planForTemplate(template(), 5);
    expect(small.sampleSize).toBe(5);
    expect(badFields(() => evaluateInspection(small, { sampleSize: 4 }))).toEqual(['sampleSize']);
    expect(evaluateInspection(small, { sampleSize: 5 }).sampleSize).toBe(5);
  });

  it('fails exactly when some class reaches its reject number', () => {
    const aqlValue = fc.constantFrom(...PREFERRED_AQLS);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600_000 }),
        fc.constantFrom(...INSPECTION_LEVELS),
        fc.record({ critical: aqlValue, major: aqlValue, minor: aqlValue }, { requiredKeys: ['major'] }),
        fc.record({
          criticalDefects: fc.nat(60),
          majorDefects: fc.nat(60),
          minorDefects: fc.nat(60),
        }),
        (lotSize, inspectionLevel, aql, defects) => {
          const p = samplingPlan({ lotSize, inspectionLevel, aql });
          const e = evaluateInspection(p, defects);
          const failing = (['critical', 'major', 'minor'] as const).filter(
            (c) => p[c] !== undefined && defects[`${c}Defects`] >= p[c]!.reject,
          );
          expect(e.result).toBe(failing.length > 0 ? 'fail' : 'pass');
          for (const c of ['critical', 'major', 'minor'] as const) {
            if (p[c]) expect(e[c]?.result).toBe(defects[`${c}Defects`] <= p[c]!.accept ? 'pass' : 'fail');
          }
        },
      ),
    );
  });
});

describe('the finish gate', () => {
  it('is open without a template or when the template does not require a pass', () => {
    expect(inspectionAllowsFinish(undefined, [])).toBe(true);
    expect(inspectionAllowsFinish(null, [{ result: 'fail' }])).toBe(true);
    expect(inspectionAllowsFinish(template({ requiredForFinish: false }), [])).toBe(true);
    expect(inspectionAllowsFinish(template({ requiredForFinish: false }), [{ result: 'fail' }])).toBe(true);
  });

  it('needs the latest inspection to have passed when required; a failed lot can be re-inspected', () => {
    const t = template();
    expect(inspectionAllowsFinish(t, [])).toBe(false);
    expect(inspectionAllowsFinish(t, [{ result: 'fail' }])).toBe(false);
    expect(inspectionAllowsFinish(t, [{ result: 'fail' }, { result: 'pass' }])).toBe(true);
    expect(inspectionAllowsFinish(t, [{ result: 'pass' }, { result: 'fail' }])).toBe(false);
  });

  it('refuses with 409 INSPECTION_REQUIRED', () => {
    expect(() => assertInspectionAllowsFinish(template(), [{ result: 'pass' }])).not.toThrow();
    const none = thrown(() => assertInspectionAllowsFinish(template(), []));
    expect(none).toBeInstanceOf(ConflictError);
    expect(none.status).toBe(409);
    expect(none.code).toBe('INSPECTION_REQUIRED');
    expect(none.details).toEqual({ iqTemplate: 'IQ-TEE', latestResult: null });
    const failed = thrown(() => assertInspectionAllowsFinish(template(), [{ result: 'fail' }]));
    expect(failed.details).toEqual({
      iqTemplate: 'IQ-TEE',
      latestResult: 'fail',
    });
    expect(failed.message).toMatch(/latest inspection failed/);
  });
});

describe('docs/quality.md', () => {
  const doc = readFileSync(new URL('../../docs/quality.md', import.meta.url), 'utf8');
  const fmt = (n: number) => n.toLocaleString('en-US');

  it('states the plans the implementation computes', () => {
    // The doc's example rows: | lot | level | letter | class and AQL | plan's letter | sample | accept | reject |
    const row =
      /^\| ([\d,]+) \| (S-[1-4]|III|II|I) \| ([A-R]) \| (\w+) ([\d.]+) \| ([A-R]) \| ([\d,]+) \| (\d+) \| (\d+) \|$/gm;
    const rows = [...doc.matchAll(row)];
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const [line, lot, level, letter, cls, aql, classLetter, sample, accept, reject] of rows) {
      const lotSize = Number(lot.replaceAll(',', ''));
      const plan = samplingPlan({
        lotSize,
        inspectionLevel: level as IqTemplate['inspectionLevel'],
        aql: { [cls]: Number(aql) },
      });
      const c = plan[cls as 'critical' | 'major' | 'minor']!;
      const cells = [
        fmt(lotSize),
        level,
        plan.codeLetter,
        `${cls} ${aql}`,
        c.codeLetter,
        fmt(c.sampleSize),
        c.accept,
        c.reject,
      ];
      expect(line).toBe(`| ${cells.join(' | ')} |`);
      expect([letter, classLetter, sample, accept, reject]).toEqual([
        plan.codeLetter,
        c.codeLetter,
        fmt(c.sampleSize),
        `${c.accept}`,
        `${c.reject}`,
      ]);
    }
  });

  it('states the worked example: 1,200 pieces at level II', () => {
    expect(doc).toContain('1,200 pieces at level II');
    const plan = samplingPlan({
      lotSize: 1200,
      inspectionLevel: 'II',
      aql: { critical: 0.065, major: 2.5, minor: 4 },
    });
    expect(plan.codeLetter).toBe('J');
    expect(doc).toContain(`code letter **${plan.codeLetter}**`);
    expect(doc).toContain(`draw **${plan.sampleSize}** pieces`);
    const json = /```json\n([\s\S]*?)\n```/.exec(doc);
    expect(JSON.parse(json![1])).toEqual(plan);
    const e = evaluateInspection(plan, {
      criticalDefects: 0,
      majorDefects: 5,
      minorDefects: 8,
    });
    expect([e.critical?.result, e.major?.result, e.minor?.result, e.result]).toEqual(['pass', 'pass', 'fail', 'fail']);
    expect(doc).toContain('Found 0 critical, 5 major, 8 minor: critical and major pass, minor fails');
  });
});
