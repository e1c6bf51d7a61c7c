import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  IllegalTransitionError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  UnauthorizedError,
  ValidationError,
} from '../../shared/errors.js';
import {
  Problems,
  codeList,
  isObject,
  isoDate,
  num,
  oneOf,
  rejectUnknown,
  requireObject,
  str,
} from '../../shared/validate.js';
import * as v from 'valibot';
import { list, map, number, parseWith, requiredText, strict } from '../../shared/schemas/core.js';

describe('errors', () => {
  it('ValidationError is a 400 VALIDATION_FAILED naming each field in details.fields and the message', () => {
    const e = new ValidationError([
      { field: 'a', message: 'is bad' },
      { field: 'b.c', message: 'is worse' },
    ]);
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toBeInstanceOf(Error);
    expect(e.status).toBe(400);
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.details).toEqual({
      fields: [
        { field: 'a', message: 'is bad' },
        { field: 'b.c', message: 'is worse' },
      ],
    });
    expect(e.message).toBe('a: is bad; b.c: is worse');
    expect(e.name).toBe('ValidationError');
  });

  it('each error class maps to its status and code', () => {
    expect([new NotFoundError('tech pack', 'tp-9').status, new NotFoundError('tech pack', 'tp-9').code]).toEqual([
      404,
      'NOT_FOUND',
    ]);
    expect(new NotFoundError('tech pack', 'tp-9').details).toEqual({ kind: 'tech pack', id: 'tp-9' });
    expect(new NotFoundError('tech pack', 'tp-9').message).toContain('tp-9');
    const c = new ConflictError('BATCH_RUNNING', 'running', { batches: ['b1'] });
    expect([c.status, c.code, c.details]).toEqual([409, 'BATCH_RUNNING', { batches: ['b1'] }]);
    const t = new IllegalTransitionError('production order', 'Completed', 'cancel');
    expect(t).toBeInstanceOf(ConflictError);
    expect([t.status, t.code, t.details]).toEqual([409, 'ILLEGAL_TRANSITION', { from: 'Completed', action: 'cancel' }]);
    expect(t.message).toBe('A production order in state Completed cannot cancel');
    expect([new ForbiddenError('no').status, new ForbiddenError('no').code]).toEqual([403, 'FORBIDDEN']);
    expect([new UnauthorizedError().status, new UnauthorizedError().code]).toEqual([401, 'UNAUTHORIZED']);
    expect([new PreconditionRequiredError().status, new PreconditionRequiredError().code]).toEqual([
      428,
      'PRECONDITION_REQUIRED',
    ]);
    const pf = new PreconditionFailedError({ id: 'x', version: 7 });
    expect([pf.status, pf.code, pf.details]).toEqual([
      412,
      'PRECONDITION_FAILED',
      { current: { id: 'x', version: 7 } },
    ]);
  });
});

describe('Problems', () => {
  it('collects problems and throws them all at once', () => {
    const p = new Problems();
    expect(p.ok).toBe(true);
    expect(() => p.throwIfAny()).not.toThrow();
    p.add('x', 'is wrong');
    p.add('y', 'is wrong too');
    expect(p.ok).toBe(false);
    try {
      p.throwIfAny();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).problems.map((q) => q.field)).toEqual(['x', 'y']);
    }
  });
});

describe('isObject / requireObject', () => {
  it('only plain non-null non-array objects are objects', () => {
    expect(isObject({})).toBe(true);
    expect(isObject([])).toBe(false);
    expect(isObject(null)).toBe(false);
    expect(isObject('x')).toBe(false);
    expect(isObject(3)).toBe(false);
  });

  it.each([null, undefined, [], 'text', 5, true])('requireObject(%j) answers 400 on field "body"', (v) => {
    try {
      requireObject(v);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).problems).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
    }
  });

  it('requireObject names a given field', () => {
    expect(() => requireObject(1, 'matrix')).toThrow(/matrix: must be a JSON object/);
  });
});

describe('rejectUnknown', () => {
  it('names every unknown field with its prefix, and lists the known ones', () => {
    const p = new Problems();
    rejectUnknown({ a: 1, b: 2, zz: 3, yy: 4 }, ['a', 'b'], p, 'bom[0].');
    expect(p.list.map((x) => x.field)).toEqual(['bom[0].zz', 'bom[0].yy']);
    expect(p.list[0].message).toContain('a, b');
  });

  it('accepts a body with only known fields', () => {
    const p = new Problems();
    rejectUnknown({ a: 1 }, ['a', 'b'], p);
    expect(p.ok).toBe(true);
  });
});

describe('str', () => {
  it('trims and returns strings', () => {
    const p = new Problems();
    expect(str({ name: '  Tee  ' }, 'name', p)).toBe('Tee');
    expect(p.ok).toBe(true);
  });

  it('missing optional is undefined with no problem; missing or null required is "is required"', () => {
    const p = new Problems();
    expect(str({}, 'season', p)).toBeUndefined();
    expect(str({ season: null }, 'season', p)).toBeUndefined();
    expect(p.ok).toBe(true);
    expect(str({}, 'name', p, { required: true })).toBeUndefined();
    expect(str({ name: null }, 'name', p, { required: true, prefix: 'x.' })).toBeUndefined();
    expect(p.list).toEqual([
      { field: 'name', message: 'is required' },
      { field: 'x.name', message: 'is required' },
    ]);
  });

  it('non-strings, blank required strings and too long strings are refused', () => {
    const p = new Problems();
    str({ a: 5 }, 'a', p);
    str({ b: '   ' }, 'b', p, { required: true });
    str({ c: 'x'.repeat(201) }, 'c', p);
    str({ d: 'x'.repeat(11) }, 'd', p, { max: 10 });
    expect(p.list).toEqual([
      { field: 'a', message: 'must be a string' },
      { field: 'b', message: 'must not be empty' },
      { field: 'c', message: 'must be at most 200 characters' },
      { field: 'd', message: 'must be at most 10 characters' },
    ]);
    expect(str({ e: 'x'.repeat(200) }, 'e', p)).toHaveLength(200);
  });
});

describe('num', () => {
  it('accepts numbers in range', () => {
    const p = new Problems();
    expect(num(0, 'n', p, { min: 0, max: 10, integer: true })).toBe(0);
    expect(num(10, 'n', p, { min: 0, max: 10 })).toBe(10);
    expect(num(2.5, 'n', p)).toBe(2.5);
    expect(p.ok).toBe(true);
  });

  it.each([
    ['1', 'must be a number'],
    [null, 'must be a number'],
    [undefined, 'must be a number'],
    [Number.NaN, 'must be a number'],
    [Number.POSITIVE_INFINITY, 'must be a number'],
    [1.5, 'must be a whole number'],
    [-1, 'must be at least 0'],
    [11, 'must be at most 10'],
  ])('num(%j) -> %s', (v, message) => {
    const p = new Problems();
    expect(num(v, 'qty', p, { integer: true, min: 0, max: 10 })).toBeUndefined();
    expect(p.list).toEqual([{ field: 'qty', message }]);
  });
});

describe('oneOf', () => {
  it('accepts members and refuses anything else, listing the allowed values', () => {
    const p = new Problems();
    expect(oneOf('b', ['a', 'b'] as const, 'f', p)).toBe('b');
    expect(oneOf('B', ['a', 'b'] as const, 'f', p)).toBeUndefined();
    expect(oneOf(undefined, ['a', 'b'] as const, 'g', p)).toBeUndefined();
    expect(p.list).toEqual([
      { field: 'f', message: 'must be one of: a, b' },
      { field: 'g', message: 'must be one of: a, b' },
    ]);
  });
});

describe('isoDate', () => {
  it.each(['2026-06-30', '2024-02-29', '2000-02-29', '1999-12-31', '2026-01-01'])('accepts the real date %s', (d) => {
    const p = new Problems();
    expect(isoDate(d, 'deliveryDate', p)).toBe(d);
    expect(p.ok).toBe(true);
  });

  it.each([
    '2026-02-30',
    '2023-02-29',
    '1900-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-04-31',
    '2026-01-00',
    '2026-01-32',
  ])('refuses the impossible date %s', (d) => {
    const p = new Problems();
    expect(isoDate(d, 'deliveryDate', p)).toBeUndefined();
    expect(p.list).toEqual([{ field: 'deliveryDate', message: 'is not a real calendar date' }]);
  });

  it.each([
    '2026-6-30',
    '30/06/2026',
    '2026-06-30T00:00:00Z',
    ' 2026-06-30',
    '',
    'tomorrow',
    20260630,
    null,
    undefined,
    {},
  ])('refuses the non-YYYY-MM-DD value %j', (d) => {
    const p = new Problems();
    expect(isoDate(d, 'deliveryDate', p)).toBeUndefined();
    expect(p.list).toEqual([{ field: 'deliveryDate', message: 'must be a date as YYYY-MM-DD' }]);
  });

  it('agrees with the calendar for every day of a range of years (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2200 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (y, m, d) => {
          const text = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
          const p = new Problems();
          const out = isoDate(text, 'd', p);
          if (d <= daysInMonth) expect(out).toBe(text);
          else expect(p.list).toEqual([{ field: 'd', message: 'is not a real calendar date' }]);
        },
      ),
    );
  });
});

describe('codeList', () => {
  it('accepts a list of distinct codes', () => {
    const p = new Problems();
    expect(codeList(['S', 'M', 'L'], 'sizes', p, 100)).toEqual(['S', 'M', 'L']);
    expect(p.ok).toBe(true);
  });

  it('refuses non-lists, empty lists and too many entries', () => {
    const p = new Problems();
    expect(codeList('S,M', 'sizes', p, 3)).toBeUndefined();
    expect(codeList([], 'sizes', p, 3)).toBeUndefined();
    expect(codeList(['a', 'b', 'c', 'd'], 'colors', p, 3)).toBeUndefined();
    expect(p.list).toEqual([
      { field: 'sizes', message: 'must be a list of strings' },
      { field: 'sizes', message: 'must not be empty' },
      { field: 'colors', message: 'must have at most 3 entries' },
    ]);
  });

  it('accepts exactly max entries', () => {
    const p = new Problems();
    expect(codeList(['a', 'b', 'c'], 'x', p, 3)).toHaveLength(3);
    expect(p.ok).toBe(true);
  });

  it('names each bad or duplicate entry by index', () => {
    const p = new Problems();
    expect(codeList(['S', 3, '', ' ', 'S', 'x'.repeat(41), 'M'], 'sizes', p, 100)).toBeUndefined();
    expect(p.list.map((x) => x.field)).toEqual(['sizes[1]', 'sizes[2]', 'sizes[3]', 'sizes[4]', 'sizes[5]']);
    expect(p.list[3].message).toBe('duplicates "S"');
  });
});

describe('schema building blocks (shared/schemas/core.ts)', () => {
  const fields = (fn: () => unknown) => {
    try {
      fn();
      return [];
    } catch (e) {
      return (e as ValidationError).problems;
    }
  };
  const Line = strict(
    { code: requiredText(40), qty: v.optional(number({ integer: true, min: 0 })) },
    'must be an object {code}',
  );
  const Body = strict({ name: requiredText(), lines: list(Line, { notArray: 'must be a list', max: 3 }) });

  it('strict names every unknown field at any depth (own properties only), before the known ones', () => {
    const lines = [
      { code: 'A', colour: 'red' },
      { code: 'B', qty: -1, note: '' },
    ];
    const body = { name: 'x', extra: 1, more: 2, lines };
    expect(fields(() => parseWith(Body, body)).map((p) => p.field)).toEqual([
      'extra',
      'more',
      'lines[0].colour',
      'lines[1].note',
      'lines[1].qty',
    ]);
    expect(fields(() => parseWith(Body, body))[0].message).toBe('is not a known field (expected one of: name, lines)');
    const inherited = Object.create({ name: 'from the prototype' }) as Record<string, unknown>;
    inherited.lines = [];
    expect(fields(() => parseWith(Body, inherited))).toEqual([{ field: 'name', message: 'is required' }]);
  });

  it('a missing required field says why with its own message', () => {
    expect(fields(() => parseWith(Body, {}))).toEqual([
      { field: 'name', message: 'is required' },
      { field: 'lines', message: 'must be a list' },
    ]);
  });

  it('list checks its length before its items, and names items by index', () => {
    const many = Array.from({ length: 4 }, () => ({ code: 5 }));
    expect(fields(() => parseWith(Body, { name: 'x', lines: many }))).toEqual([
      { field: 'lines', message: 'must have at most 3 entries' },
    ]);
    expect(fields(() => parseWith(Body, { name: 'x', lines: [{ code: 'A' }, 'B'] }))).toEqual([
      { field: 'lines[1]', message: 'must be an object {code}' },
    ]);
  });

  it('map and strict keep keys named like Object.prototype members as own, plain data', () => {
    const M = map(number(), 'must be a map');
    const out = parseWith(M, JSON.parse('{"__proto__": 1, "constructor": 2, "toString": 3}')) as Record<string, number>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toBe(1);
    expect(fields(() => parseWith(M, JSON.parse('{"__proto__": "x"}')))).toEqual([
      { field: '__proto__', message: 'must be a number' },
    ]);
    const polluting = JSON.parse('{"name": "x", "lines": [], "__proto__": {"admin": true}}');
    expect(fields(() => parseWith(Body, polluting)).map((p) => p.field)).toEqual(['__proto__']);
  });

  it('fieldOf writes paths as today: dots for keys, brackets for indexes, a prefix for where the value sits', () => {
    expect(fields(() => parseWith(Body, { name: 'x', lines: [{ code: '' }] }, 'order'))).toEqual([
      { field: 'order.lines[0].code', message: 'must not be empty' },
    ]);
    expect(fields(() => parseWith(Body, 'text'))).toEqual([{ field: 'body', message: 'must be an object' }]);
  });
});
