import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseSettingsUpdate, parseTolerance } from '../../shared/settings.js';
import { TECH_PACK_STATES } from '../../shared/types.js';
import { Problems } from '../../shared/validate.js';
import { badFields, problems, settings } from './fixtures.js';

describe('default settings', () => {
  it('open orders from Commercial on ("every factory decides how early")', () => {
    expect(DEFAULT_SETTINGS.minTechPackStateForOrders).toBe('Commercial');
    expect(DEFAULT_SETTINGS.defaultTolerance).toEqual({ overPct: 5, underPct: 3 });
    expect(DEFAULT_SETTINGS.replenishment).toEqual({ enabled: true });
    expect(DEFAULT_SETTINGS.defaultMaxBatchQty).toBeGreaterThan(0);
  });
});

describe('parseSettingsUpdate', () => {
  it.each(TECH_PACK_STATES)('accepts minTechPackStateForOrders %s', (state) => {
    expect(parseSettingsUpdate({ minTechPackStateForOrders: state }, settings()).minTechPackStateForOrders).toBe(state);
  });

  it('keeps the fields left out and does not touch the current settings', () => {
    const current = settings({ minTechPackStateForOrders: 'Approval', defaultMaxBatchQty: 300 });
    const next = parseSettingsUpdate({ defaultTolerance: { overPct: 2.5, underPct: 0 } }, current);
    expect(next).toEqual({ ...current, defaultTolerance: { overPct: 2.5, underPct: 0 } });
    expect(current.defaultTolerance).toEqual({ overPct: 5, underPct: 3 });
    next.replenishment.enabled = false;
    expect(current.replenishment.enabled).toBe(true);
  });

  it('updates every field at once', () => {
    const next = parseSettingsUpdate(
      { minTechPackStateForOrders: 'ProductionReady', defaultTolerance: { overPct: 10, underPct: 10 }, defaultMaxBatchQty: 250, replenishment: { enabled: false }, productionLeadDays: 21 },
      settings(),
    );
    expect(next).toEqual({
      minTechPackStateForOrders: 'ProductionReady',
      defaultTolerance: { overPct: 10, underPct: 10 },
      defaultMaxBatchQty: 250,
      replenishment: { enabled: false },
      productionLeadDays: 21,
      version: 0,
    });
  });

  it('an empty body changes nothing', () => {
    expect(parseSettingsUpdate({}, settings())).toEqual(settings());
  });

  it('refuses an unknown state', () => {
    expect(problems(() => parseSettingsUpdate({ minTechPackStateForOrders: 'Released' }, settings()))).toEqual([
      { field: 'minTechPackStateForOrders', message: 'must be one of: Commercial, Design, Approval, ProductionReady' },
    ]);
  });

  it('refuses unknown fields (including version) by name', () => {
    expect(badFields(() => parseSettingsUpdate({ version: 9, minStateForOrders: 'Design' }, settings()))).toEqual(['version', 'minStateForOrders']);
  });

  it('names each bad tolerance part', () => {
    expect(badFields(() => parseSettingsUpdate({ defaultTolerance: { overPct: -1, underPct: 101 } }, settings()))).toEqual([
      'defaultTolerance.overPct',
      'defaultTolerance.underPct',
    ]);
    expect(badFields(() => parseSettingsUpdate({ defaultTolerance: 5 }, settings()))).toEqual(['defaultTolerance']);
    expect(badFields(() => parseSettingsUpdate({ defaultTolerance: { overPct: 5 } }, settings()))).toEqual(['defaultTolerance.underPct']);
  });

  it('defaultMaxBatchQty is a whole number >= 1', () => {
    expect(badFields(() => parseSettingsUpdate({ defaultMaxBatchQty: 0 }, settings()))).toEqual(['defaultMaxBatchQty']);
    expect(badFields(() => parseSettingsUpdate({ defaultMaxBatchQty: 2.5 }, settings()))).toEqual(['defaultMaxBatchQty']);
    expect(badFields(() => parseSettingsUpdate({ defaultMaxBatchQty: '100' }, settings()))).toEqual(['defaultMaxBatchQty']);
    expect(parseSettingsUpdate({ defaultMaxBatchQty: 1 }, settings()).defaultMaxBatchQty).toBe(1);
  });

  it('replenishment must be {enabled: boolean}', () => {
    expect(badFields(() => parseSettingsUpdate({ replenishment: true }, settings()))).toEqual(['replenishment.enabled']);
    expect(badFields(() => parseSettingsUpdate({ replenishment: { enabled: 'yes' } }, settings()))).toEqual(['replenishment.enabled']);
  });

  it('names every bad field of one request together', () => {
    expect(
      badFields(() => parseSettingsUpdate({ minTechPackStateForOrders: 'x', defaultMaxBatchQty: -3, replenishment: {}, extra: 1 }, settings())).sort(),
    ).toEqual(['defaultMaxBatchQty', 'extra', 'minTechPackStateForOrders', 'replenishment.enabled']);
  });

  it('refuses a non-object body', () => {
    expect(badFields(() => parseSettingsUpdate(null, settings()))).toEqual(['body']);
    expect(badFields(() => parseSettingsUpdate([], settings()))).toEqual(['body']);
  });
});

describe('parseTolerance', () => {
  it('accepts 0..100 on both sides, decimals included', () => {
    const p = new Problems();
    expect(parseTolerance({ overPct: 0, underPct: 100 }, 't', p)).toEqual({ overPct: 0, underPct: 100 });
    expect(parseTolerance({ overPct: 2.5, underPct: 1.25 }, 't', p)).toEqual({ overPct: 2.5, underPct: 1.25 });
    expect(p.ok).toBe(true);
  });

  it('answers undefined and names the field when anything is wrong', () => {
    const p = new Problems();
    expect(parseTolerance({ overPct: '5', underPct: 3 }, 'tolerance', p)).toBeUndefined();
    expect(parseTolerance(null, 'tolerance', p)).toBeUndefined();
    expect(p.list.map((x) => x.field)).toEqual(['tolerance.overPct', 'tolerance']);
  });
});
