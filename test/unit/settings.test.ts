import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  parseSettingsUpdate,
  parseTolerance,
  settingsWriteVersion,
  withSettingsDefaults,
  withToleranceDefaults,
} from '../../shared/settings.js';
import { ValidationError } from '../../shared/errors.js';
import { TECH_PACK_STATES, type FactorySettings } from '../../shared/types.js';
import { Problems } from '../../shared/validate.js';
import { badFields, problems, settings, thrown } from './fixtures.js';

describe('default settings', () => {
  it('open orders from Commercial on ("every factory decides how early")', () => {
    expect(DEFAULT_SETTINGS.minTechPackStateForOrders).toBe('Commercial');
    expect(DEFAULT_SETTINGS.defaultTolerance).toEqual({ overPct: 5, underPct: 3, scope: 'color' });
    expect(DEFAULT_SETTINGS.replenishment).toEqual({ enabled: true, leadTimeDays: 28, minQtyPerColor: 0 });
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
    expect(next).toEqual({ ...current, defaultTolerance: { overPct: 2.5, underPct: 0, scope: 'color' } });
    expect(current.defaultTolerance).toEqual({ overPct: 5, underPct: 3, scope: 'color' });
    next.replenishment.enabled = false;
    expect(current.replenishment.enabled).toBe(true);
  });

  it('updates every field at once', () => {
    const next = parseSettingsUpdate(
      {
        minTechPackStateForOrders: 'ProductionReady',
        defaultTolerance: { overPct: 10, underPct: 10 },
        defaultMaxBatchQty: 250,
        replenishment: { enabled: false },
        productionLeadDays: 21,
        milestoneTemplate: [{ key: 'FABRIC-IN', name: 'Fabric in house', daysBeforeDelivery: 30 }],
      },
      settings(),
    );
    expect(next).toEqual({
      minTechPackStateForOrders: 'ProductionReady',
      defaultTolerance: { overPct: 10, underPct: 10, scope: 'color' },
      defaultMaxBatchQty: 250,
      replenishment: { enabled: false, leadTimeDays: 28, minQtyPerColor: 0 },
      productionLeadDays: 21,
      milestoneTemplate: [{ key: 'FABRIC-IN', name: 'Fabric in house', daysBeforeDelivery: 30 }],
      version: 0,
    });
  });

  it('accepts the body GET answered, version included, and changes nothing with it', () => {
    const current = settings({ version: 7, defaultMaxBatchQty: 300 });
    const asRead = JSON.parse(JSON.stringify(current));
    expect(parseSettingsUpdate(asRead, current)).toEqual(current);
    // version is not a setting: sending another one does not change the version
    expect(parseSettingsUpdate({ ...asRead, version: 1 }, current).version).toBe(7);
  });

  it('replenishment fields change one by one; the others keep their value', () => {
    const current = settings({ replenishment: { enabled: false, leadTimeDays: 10, minQtyPerColor: 5 } });
    expect(parseSettingsUpdate({ replenishment: { leadTimeDays: 42 } }, current).replenishment).toEqual({
      enabled: false,
      leadTimeDays: 42,
      minQtyPerColor: 5,
    });
    expect(
      parseSettingsUpdate({ replenishment: { minQtyPerColor: 120, enabled: true } }, current).replenishment,
    ).toEqual({
      enabled: true,
      leadTimeDays: 10,
      minQtyPerColor: 120,
    });
    expect(parseSettingsUpdate({ replenishment: {} }, current).replenishment).toEqual(current.replenishment);
    expect(parseSettingsUpdate({ replenishment: { leadTimeDays: 0 } }, current).replenishment.leadTimeDays).toBe(0);
  });

  it('leadTimeDays and minQtyPerColor are whole numbers >= 0 (leadTimeDays never null)', () => {
    for (const bad of [-1, 2.5, null, '28', 3651]) {
      expect(badFields(() => parseSettingsUpdate({ replenishment: { leadTimeDays: bad } }, settings()))).toEqual([
        'replenishment.leadTimeDays',
      ]);
    }
    for (const bad of [-1, 0.5, '10', 10_000_001]) {
      expect(badFields(() => parseSettingsUpdate({ replenishment: { minQtyPerColor: bad } }, settings()))).toEqual([
        'replenishment.minQtyPerColor',
      ]);
    }
    expect(badFields(() => parseSettingsUpdate({ replenishment: { lead: 3 } }, settings()))).toEqual([
      'replenishment.lead',
    ]);
  });

  it('a bad version is named', () => {
    expect(badFields(() => parseSettingsUpdate({ version: -1 }, settings()))).toEqual(['version']);
    expect(badFields(() => parseSettingsUpdate({ version: '3' }, settings()))).toEqual(['version']);
  });
  it('an empty body changes nothing', () => {
    expect(parseSettingsUpdate({}, settings())).toEqual(settings());
  });

  it('refuses an unknown state', () => {
    expect(problems(() => parseSettingsUpdate({ minTechPackStateForOrders: 'Released' }, settings()))).toEqual([
      { field: 'minTechPackStateForOrders', message: 'must be one of: Commercial, Design, Approval, ProductionReady' },
    ]);
  });

  it('refuses unknown fields by name', () => {
    const body = { version: 9, minStateForOrders: 'Design' };
    expect(badFields(() => parseSettingsUpdate(body, settings()))).toEqual(['minStateForOrders']);
  });

  it('names each bad tolerance part', () => {
    expect(
      badFields(() => parseSettingsUpdate({ defaultTolerance: { overPct: -1, underPct: 101 } }, settings())),
    ).toEqual(['defaultTolerance.overPct', 'defaultTolerance.underPct']);
    expect(badFields(() => parseSettingsUpdate({ defaultTolerance: 5 }, settings()))).toEqual(['defaultTolerance']);
    expect(badFields(() => parseSettingsUpdate({ defaultTolerance: { overPct: 5 } }, settings()))).toEqual([
      'defaultTolerance.underPct',
    ]);
  });

  it('defaultTolerance.scope: order, color or cell; left out, the current scope stays', () => {
    const cell = parseSettingsUpdate({ defaultTolerance: { overPct: 5, underPct: 3, scope: 'cell' } }, settings());
    expect(cell.defaultTolerance).toEqual({ overPct: 5, underPct: 3, scope: 'cell' });
    expect(parseSettingsUpdate({ defaultTolerance: { overPct: 4, underPct: 2 } }, cell).defaultTolerance).toEqual({
      overPct: 4,
      underPct: 2,
      scope: 'cell',
    });
    expect(
      problems(() => parseSettingsUpdate({ defaultTolerance: { overPct: 5, underPct: 3, scope: 'size' } }, settings())),
    ).toEqual([{ field: 'defaultTolerance.scope', message: 'must be one of: order, color, cell' }]);
  });

  it('defaultMaxBatchQty is a whole number >= 1', () => {
    expect(badFields(() => parseSettingsUpdate({ defaultMaxBatchQty: 0 }, settings()))).toEqual(['defaultMaxBatchQty']);
    expect(badFields(() => parseSettingsUpdate({ defaultMaxBatchQty: 2.5 }, settings()))).toEqual([
      'defaultMaxBatchQty',
    ]);
    expect(badFields(() => parseSettingsUpdate({ defaultMaxBatchQty: '100' }, settings()))).toEqual([
      'defaultMaxBatchQty',
    ]);
    expect(parseSettingsUpdate({ defaultMaxBatchQty: 1 }, settings()).defaultMaxBatchQty).toBe(1);
  });

  it('replenishment must be an object; enabled a boolean', () => {
    expect(badFields(() => parseSettingsUpdate({ replenishment: true }, settings()))).toEqual(['replenishment']);
    expect(badFields(() => parseSettingsUpdate({ replenishment: { enabled: 'yes' } }, settings()))).toEqual([
      'replenishment.enabled',
    ]);
  });

  it('names every bad field of one request together', () => {
    expect(
      badFields(() =>
        parseSettingsUpdate(
          { minTechPackStateForOrders: 'x', defaultMaxBatchQty: -3, replenishment: { enabled: 1 }, extra: 1 },
          settings(),
        ),
      ).sort(),
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
    expect(parseTolerance({ overPct: 2, underPct: 1, scope: 'order' }, 't', p)).toEqual({
      overPct: 2,
      underPct: 1,
      scope: 'order',
    });
    expect(p.ok).toBe(true);
  });

  it('answers undefined and names the field when anything is wrong', () => {
    const p = new Problems();
    expect(parseTolerance({ overPct: '5', underPct: 3 }, 'tolerance', p)).toBeUndefined();
    expect(parseTolerance(null, 'tolerance', p)).toBeUndefined();
    expect(p.list.map((x) => x.field)).toEqual(['tolerance.overPct', 'tolerance']);
  });
});

describe('settingsWriteVersion: what makes a PUT conditional', () => {
  it('the body version, or If-Match; neither: unconditional', () => {
    expect(settingsWriteVersion({ version: 4 }, undefined)).toBe(4);
    expect(settingsWriteVersion({ version: 0 }, undefined)).toBe(0);
    expect(settingsWriteVersion({}, 6)).toBe(6);
    expect(settingsWriteVersion({ version: 6 }, 6)).toBe(6);
    expect(settingsWriteVersion({ defaultMaxBatchQty: 3 }, undefined)).toBeUndefined();
  });

  it('a body version and an If-Match that disagree: 400 naming version', () => {
    const e = thrown(() => settingsWriteVersion({ version: 3 }, 4));
    expect(e).toBeInstanceOf(ValidationError);
    expect(badFields(() => settingsWriteVersion({ version: 3 }, 4))).toEqual(['version']);
  });
});

describe('withSettingsDefaults', () => {
  it('settings stored before the replenishment fields existed get their defaults', () => {
    const stored = { ...settings({ version: 3 }), replenishment: { enabled: false } } as unknown as FactorySettings;
    expect(withSettingsDefaults(stored).replenishment).toEqual({ enabled: false, leadTimeDays: 28, minQtyPerColor: 0 });
    const full = settings({ replenishment: { enabled: true, leadTimeDays: 5, minQtyPerColor: 9 } });
    expect(withSettingsDefaults(full)).toEqual(full);
  });
});

describe('withToleranceDefaults', () => {
  it('keeps a given scope, else the fallback, else color (tolerances stored before scopes)', () => {
    expect(withToleranceDefaults({ overPct: 5, underPct: 3, scope: 'cell' }, 'order').scope).toBe('cell');
    expect(withToleranceDefaults({ overPct: 5, underPct: 3 }, 'order').scope).toBe('order');
    expect(withToleranceDefaults({ overPct: 5, underPct: 3 })).toEqual({ overPct: 5, underPct: 3, scope: 'color' });
  });
});
