// Hostile input, generated: every write route the served OpenAPI document lists (paths x methods
// with a requestBody) gets valid bodies mutated (wrong types, unknown fields at depth, huge strings,
// NUL bytes, deep nesting, odd numbers, weird codes), plus hostile paths and queries. Whatever
// comes in: no 5xx, every refusal in the CONTRACT's error shape, and a refused write leaves the
// entity it aimed at reading back whole and unchanged. A fixed seed keeps it reproducible.
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { api, tokens, type ApiAnswer } from '../support/api.js';
import { createOrder, createTechPack, matrix, techPackBody, transition } from '../support/fixtures.js';

const SEED = 20261201;
const MUTATIONS_PER_ROUTE = 22;

let t: Awaited<ReturnType<typeof tokens>>;
let doc: { paths: Record<string, Record<string, { requestBody?: unknown }>> };
beforeAll(async () => {
  t = await tokens();
  doc = (await api('GET', '/v1/openapi.json')).body;
});

// ---- what every answer must look like ----

const problems: string[] = [];

function checkAnswer(what: string, res: ApiAnswer): void {
  if (res.status >= 500) problems.push(`${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
  if (res.status < 400) return;
  const b = res.body;
  const ok =
    b &&
    typeof b === 'object' &&
    Object.keys(b).sort().join() === 'error,requestId' &&
    typeof b.requestId === 'string' &&
    typeof b.error === 'object' &&
    /^[A-Z][A-Z_]*$/.test(b.error.code) &&
    typeof b.error.message === 'string' &&
    Object.keys(b.error).every((k) => ['code', 'message', 'details'].includes(k)) &&
    (b.error.code !== 'VALIDATION_FAILED' ||
      (Array.isArray(b.error.details?.fields) &&
        b.error.details.fields.length > 0 &&
        b.error.details.fields.every(
          (f: { field: unknown; message: unknown }) => typeof f.field === 'string' && typeof f.message === 'string',
        )));
  if (!ok) problems.push(`${what}: ${res.status} not in the error shape: ${JSON.stringify(b).slice(0, 200)}`);
}

// ---- mutations ----

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
/** A value the JSON text carries literally (1e309, -0): JSON.stringify cannot write them. */
const RAW = '\u0001raw:';
const raw = (text: string) => `${RAW}${text}`;

const WEIRD_CODES = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  ' ',
  '%00',
  '../..',
  '\u202eRTL',
  '👕',
  'a'.repeat(300),
];
const ODD_NUMBERS = [
  raw('1e309'),
  raw('-1e309'),
  raw('-0'),
  raw('1e-400'),
  raw('123456789012345678901234567890'),
  'NaN',
  'Infinity',
  '-1',
  '1.5',
  '0x10',
  '1e2',
  -1,
  0.5,
  2 ** 53 + 1,
];
const WRONG_TYPES: Json[] = [12345, 'text', true, null, [], {}, [[[]]], { nested: { deeper: [1, 'x', null] } }];

function deep(n: number): Json {
  let v: Json = [];
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { d: v };
  return v;
}

type Mutation = { kind: string; apply: (body: Json) => Json };

/** Every path into a JSON value: [] is the whole value. */
function pathsOf(v: Json, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pathsOf(x, [...at, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...at, k]));
  return out;
}

function setAt(v: Json, path: (string | number)[], fn: (old: Json) => Json): Json {
  if (path.length === 0) return fn(v);
  const copy: Json = Array.isArray(v) ? [...v] : { ...(v as Record<string, Json>) };
  const [head, ...rest] = path;
  Object.defineProperty(copy, head, {
    value: setAt((v as Record<string, Json>)[head as string], rest, fn),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}

function getAt(v: Json, path: (string | number)[]): Json {
  return path.reduce<Json>((x, k) => (x as Record<string, Json>)[k as string], v);
}

const mutationArb = (valid: Json) => {
  const paths = pathsOf(valid);
  const objectPaths = paths.filter((p) => {
    const x = getAt(valid, p);
    return x !== null && typeof x === 'object' && !Array.isArray(x);
  });
  const leafPaths = paths.filter((p) => p.length > 0);
  const at = fc.constantFrom(...(leafPaths.length ? leafPaths : [[]]));
  return fc.oneof(
    fc
      .tuple(at, fc.constantFrom(...WRONG_TYPES))
      .map(([p, w]): Mutation => ({ kind: `wrong type at ${p.join('.')}`, apply: (b) => setAt(b, p, () => w) })),
    fc
      .tuple(
        fc.constantFrom(...objectPaths),
        fc.constantFrom('unknownField', 'sidePct', 'hex', 'note', 'constructor', '__proto__', 'toString'),
      )
      .map(
        ([p, k]): Mutation => ({
          kind: `unknown field ${[...p, k].join('.')}`,
          apply: (b) =>
            setAt(b, p, (o) => {
              const c = { ...(o as Record<string, Json>) };
              Object.defineProperty(c, k, { value: { x: 1 }, enumerable: true, writable: true, configurable: true });
              return c;
            }),
        }),
      ),
    fc.tuple(at, fc.constantFrom(100_000, 1_000_000)).map(
      ([p, n]): Mutation => ({
        kind: `huge string at ${p.join('.')}`,
        apply: (b) => setAt(b, p, () => 'x'.repeat(n)),
      }),
    ),
    at.map(
      (p): Mutation => ({
        kind: `NUL byte at ${p.join('.')}`,
        apply: (b) => setAt(b, p, (old) => `${typeof old === 'string' ? old : 'x'}\u0000y`),
      }),
    ),
    fc.tuple(at, fc.constantFrom(50, 2_000)).map(
      ([p, n]): Mutation => ({
        kind: `nesting ${n} deep at ${p.join('.')}`,
        apply: (b) => setAt(b, p, () => deep(n)),
      }),
    ),
    fc.tuple(at, fc.constantFrom(...ODD_NUMBERS)).map(
      ([p, n]): Mutation => ({
        kind: `odd number ${String(n)} at ${p.join('.')}`,
        apply: (b) => setAt(b, p, () => n as Json),
      }),
    ),
    fc.tuple(at, fc.constantFrom(...WEIRD_CODES)).map(
      ([p, c]): Mutation => ({
        kind: `code ${JSON.stringify(c.slice(0, 20))} at ${p.join('.')}`,
        apply: (b) => setAt(b, p, () => c),
      }),
    ),
  );
};

function text(body: Json): string {
  return JSON.stringify(body).replace(/"\\u0001raw:([^"]*)"/g, '$1');
}

/** Always refused, whatever the route: bodies that are not a JSON object. */
const NOT_OBJECTS = [
  '[]',
  '"text"',
  '42',
  'null',
  'true',
  '{"a":',
  '{"a":1}}',
  '\u0000',
  `${'['.repeat(6000)}${']'.repeat(6000)}`,
];

// ---- the routes and an entity each ----

interface Target {
  /** Concrete path of the write. */
  path: string;
  token: string;
  body: Json | undefined;
  /** Where the entity it writes reads back (undefined: a create, nothing to compare). */
  read?: string;
  /** A PATCH: If-Match with the version this reads back as now. */
  etagOf?: string;
}

async function ok(p: Promise<ApiAnswer>, status = 200) {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

async function releasedOrder(
  q: number[][] = [
    [10, 10, 10],
    [10, 10, 10],
  ],
) {
  const tp = await createTechPack(t.commercial, 'ProductionReady');
  const o = await createOrder(t.planner, tp.id, { matrix: matrix(q) });
  await ok(transition(t.planner, o.id, { action: 'plan' }));
  await ok(transition(t.planner, o.id, { action: 'release' }));
  return { tp, o };
}

async function targets(): Promise<Record<string, Target>> {
  const tpC = await createTechPack(t.commercial);
  const tpPatch = await createTechPack(t.commercial);
  const tpMove = await createTechPack(t.commercial);
  const draft = await createOrder(t.planner, tpC.id, {
    matrix: matrix([
      [1, 2, 3],
      [4, 5, 6],
    ]),
  });
  const patchMe = await createOrder(t.planner, tpC.id);
  const forSplit = await releasedOrder([
    [100, 100, 100],
    [100, 100, 100],
  ]);
  const moveMe = await createOrder(t.planner, tpC.id);
  const forBatch = await releasedOrder();
  const forGenerate = await releasedOrder();
  const forMove = await releasedOrder();
  const forMilestone = await releasedOrder();
  const batch = await ok(
    api('POST', `/v1/production-orders/${forMove.o.id}/batches`, {
      token: t.planner,
      body: {
        matrix: matrix([
          [1, 0, 0],
          [0, 0, 0],
        ]),
      },
    }),
    201,
  );
  const so = await ok(
    api('POST', '/v1/sales-orders', {
      token: t.commercial,
      body: {
        customer: 'Fuzz',
        techPackId: tpC.id,
        matrix: matrix([
          [1, 1, 1],
          [1, 1, 1],
        ]),
      },
    }),
    201,
  );
  const soAccepted = await ok(
    api('POST', '/v1/sales-orders', {
      token: t.commercial,
      body: {
        customer: 'Fuzz',
        techPackId: tpC.id,
        matrix: matrix([
          [1, 1, 1],
          [1, 1, 1],
        ]),
      },
    }),
    201,
  );
  for (const to of ['Sent', 'Accepted'])
    await ok(api('POST', `/v1/sales-orders/${soAccepted.id}/transitions`, { token: t.commercial, body: { to } }));
  const email = `fuzz-${process.pid}@example.com`;
  await ok(api('PUT', `/v1/role-mappings/${email}`, { token: t.admin, body: { roles: ['viewer'] } }));
  const iqCode = `FUZZ-${process.pid}-${Date.now().toString(36)}`;
  await ok(
    api('POST', '/v1/iq-templates', {
      token: t.planner,
      body: { code: iqCode, name: 'Fuzz', aql: { major: 2.5 }, requiredForFinish: true },
    }),
    201,
  );
  const forInspection = await releasedOrder();
  await ok(
    api('PATCH', `/v1/production-orders/${forInspection.o.id}`, {
      token: t.planner,
      headers: {
        'if-match':
          (await api('GET', `/v1/production-orders/${forInspection.o.id}`, { token: t.admin })).headers.get('etag') ??
          '"1"',
      },
      body: { iqTemplate: iqCode },
    }),
  );
  const inspected = await ok(
    api('POST', `/v1/production-orders/${forInspection.o.id}/batches`, {
      token: t.planner,
      body: {
        matrix: matrix([
          [5, 5, 0],
          [0, 0, 0],
        ]),
      },
    }),
    201,
  );
  await ok(
    api('POST', `/v1/production-orders/${forInspection.o.id}/batches/${inspected.id}/transitions`, {
      token: t.planner,
      body: { action: 'start' },
    }),
  );
  const settings = await ok(api('GET', '/v1/settings', { token: t.admin }));
  const { version: _v, ...settingsBody } = settings;
  const targets: Record<string, Target> = {
    'PUT /v1/settings': { path: '/v1/settings', token: t.admin, body: settingsBody, read: '/v1/settings' },
    'POST /v1/tech-packs': { path: '/v1/tech-packs', token: t.commercial, body: techPackBody() as Json },
    'PATCH /v1/tech-packs/{id}': {
      path: `/v1/tech-packs/${tpPatch.id}`,
      token: t.commercial,
      body: { name: 'Renamed tee', season: 'AW27' },
      read: `/v1/tech-packs/${tpPatch.id}`,
      etagOf: `/v1/tech-packs/${tpPatch.id}`,
    },
    'POST /v1/tech-packs/{id}/transitions': {
      path: `/v1/tech-packs/${tpMove.id}/transitions`,
      token: t.commercial,
      body: { to: 'Design' },
      read: `/v1/tech-packs/${tpMove.id}`,
    },
    'POST /v1/production-orders': {
      path: '/v1/production-orders',
      token: t.planner,
      body: {
        techPackId: tpC.id,
        deliveryDate: '2027-03-01',
        matrix: matrix([
          [1, 0, 0],
          [0, 0, 1],
        ]),
        tolerance: { overPct: 5, underPct: 3 },
      },
    },
    'PATCH /v1/production-orders/{id}': {
      path: `/v1/production-orders/${patchMe.id}`,
      token: t.planner,
      body: { notes: 'fuzzed', deliveryDate: '2027-05-01', tolerance: { overPct: 4, underPct: 2 } },
      read: `/v1/production-orders/${patchMe.id}`,
      etagOf: `/v1/production-orders/${patchMe.id}`,
    },
    'POST /v1/production-orders/{id}/transitions': {
      path: `/v1/production-orders/${moveMe.id}/transitions`,
      token: t.planner,
      body: { action: 'cancel', reason: 'fuzz' },
      read: `/v1/production-orders/${moveMe.id}`,
    },
    // No milestone template in the parallel run: a valid body finds no FABRIC-IN (404); bad ones are 4xx first.
    'PUT /v1/production-orders/{id}/milestones/{key}': {
      path: `/v1/production-orders/${forMilestone.o.id}/milestones/FABRIC-IN`,
      token: t.planner,
      body: { done: '2027-02-01', due: '2027-02-10', reason: 'fuzz' },
      read: `/v1/production-orders/${forMilestone.o.id}`,
      etagOf: `/v1/production-orders/${forMilestone.o.id}`,
    },
    'POST /v1/production-orders/{id}/matrix-edits': {
      path: `/v1/production-orders/${draft.id}/matrix-edits`,
      token: t.planner,
      body: { baseVersion: 1, edits: [{ color: 'NAVY', size: 'S', from: 1, to: 1 }] },
      read: `/v1/production-orders/${draft.id}`,
    },
    'POST /v1/production-orders/{id}/split': {
      path: `/v1/production-orders/${forSplit.o.id}/split`,
      token: t.planner,
      body: {
        matrix: { sizes: ['S'], colors: ['NAVY'], quantities: [[1]] },
        reason: 'fuzz',
        deliveryDate: '2027-05-01',
      },
      read: `/v1/production-orders/${forSplit.o.id}`,
    },
    'POST /v1/production-orders/{id}/batches': {
      path: `/v1/production-orders/${forBatch.o.id}/batches`,
      token: t.planner,
      body: {
        matrix: matrix([
          [1, 0, 0],
          [0, 0, 0],
        ]),
      },
      read: `/v1/production-orders/${forBatch.o.id}`,
    },
    'POST /v1/production-orders/{id}/batches/generate': {
      path: `/v1/production-orders/${forGenerate.o.id}/batches/generate`,
      token: t.planner,
      body: { maxBatchQty: 5 },
      read: `/v1/production-orders/${forGenerate.o.id}`,
    },
    'POST /v1/production-orders/{id}/batches/{batchId}/transitions': {
      path: `/v1/production-orders/${forMove.o.id}/batches/${batch.id}/transitions`,
      token: t.planner,
      body: { action: 'cancel', reason: 'fuzz' },
      read: `/v1/production-orders/${forMove.o.id}`,
    },
    'PUT /v1/role-mappings/{email}': {
      path: `/v1/role-mappings/${email}`,
      token: t.admin,
      body: { roles: ['viewer'] },
      read: `/v1/role-mappings/${email}`,
    },
    'POST /v1/sales-orders': {
      path: '/v1/sales-orders',
      token: t.commercial,
      body: {
        customer: 'Fuzz Retail',
        techPackId: tpC.id,
        matrix: matrix([
          [1, 1, 1],
          [1, 1, 1],
        ]),
        deliveryDate: '2027-04-01',
        notes: 'n',
      },
    },
    'POST /v1/sales-orders/{id}/transitions': {
      path: `/v1/sales-orders/${so.id}/transitions`,
      token: t.commercial,
      body: { to: 'Sent' },
      read: `/v1/sales-orders/${so.id}`,
    },
    'POST /v1/sales-orders/{id}/production-orders': {
      path: `/v1/sales-orders/${soAccepted.id}/production-orders`,
      token: t.commercial,
      body: { deliveryDate: '2027-04-01' },
      read: `/v1/sales-orders/${soAccepted.id}`,
    },
    'POST /v1/iq-templates': {
      path: '/v1/iq-templates',
      token: t.planner,
      body: {
        code: `${iqCode}-NEW`,
        name: 'Fuzz new',
        inspectionLevel: 'II',
        aql: { critical: 0.065, major: 2.5, minor: 4 },
        checkpoints: ['Seams'],
        requiredForFinish: false,
      },
    },
    'PATCH /v1/iq-templates/{code}': {
      path: `/v1/iq-templates/${iqCode}`,
      token: t.planner,
      body: { name: 'Fuzz II', inspectionLevel: 'III', aql: { minor: 6.5 }, checkpoints: ['Labels'] },
      read: `/v1/iq-templates/${iqCode}`,
      etagOf: `/v1/iq-templates/${iqCode}`,
    },
    'POST /v1/production-orders/{id}/batches/{batchId}/inspections': {
      path: `/v1/production-orders/${forInspection.o.id}/batches/${inspected.id}/inspections`,
      token: t.planner,
      body: { sampleSize: 8, criticalDefects: 0, majorDefects: 1, minorDefects: 2, inspector: 'Lin', notes: 'n' },
      read: `/v1/production-orders/${forInspection.o.id}`,
    },
    'PUT /v1/stock/{techPackId}': {
      path: `/v1/stock/${tpC.id}`,
      token: t.logistics,
      body: { cells: [{ color: 'NAVY', size: 'S', onHand: 5, reorderPoint: 10, target: 40 }] },
      read: `/v1/stock/${tpC.id}`,
    },
    'PUT /v1/raw-materials/{material}': {
      path: '/v1/raw-materials/FUZZ-FAB',
      token: t.logistics,
      body: {
        leadTimeDays: 30,
        variants: [{ variant: 'NAVY', uom: 'm', onHand: 12.5, onOrder: [{ qty: 100, eta: '2026-03-01' }] }],
      },
      read: '/v1/raw-materials/FUZZ-FAB',
    },
  };
  return targets;
}

async function readBack(target: Target): Promise<string | undefined> {
  if (!target.read) return undefined;
  const res = await api('GET', target.read, { token: t.admin });
  expect(res.status, `${target.read}: ${JSON.stringify(res.body).slice(0, 200)}`).toBe(200);
  return JSON.stringify(res.body);
}

describe('fuzzed requests', () => {
  beforeEach(() => {
    problems.length = 0;
  });
  const optional = (route: string) => {
    const [method, path] = route.split(' ');
    return (doc.paths[path][method.toLowerCase()].requestBody as { required?: boolean }).required !== true;
  };

  it('every write route of the OpenAPI document, mutated bodies and hostile input: no 5xx, errors in shape, no partial writes', async () => {
    const writeRoutes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op && typeof op === 'object' && 'requestBody' in op)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(writeRoutes.length).toBeGreaterThanOrEqual(16);
    const all = await targets();
    // A new write route needs an entity here: the test fails until it has one.
    expect(writeRoutes.filter((r) => !all[r])).toEqual([]);

    let sent = 0;
    let refused = 0;
    await Promise.all(
      writeRoutes.map(async (route, ri) => {
        const target = all[route];
        const method = route.split(' ')[0];
        const mutations = fc.sample(mutationArb(target.body as Json), {
          seed: SEED + ri,
          numRuns: MUTATIONS_PER_ROUTE,
        });
        const bodies: { kind: string; text: string; mustRefuse: boolean }[] = [
          // A route whose body may be left out takes `null` as left out.
          ...NOT_OBJECTS.map((b) => ({
            kind: `body ${JSON.stringify(b.slice(0, 12))}`,
            text: b,
            mustRefuse: !(b === 'null' && optional(route)),
          })),
          ...mutations.map((m) => ({ kind: m.kind, text: text(m.apply(target.body as Json)), mustRefuse: false })),
        ];
        let before = await readBack(target);
        for (const b of bodies) {
          const headers: Record<string, string> = {};
          if (target.etagOf)
            headers['if-match'] = (await api('GET', target.etagOf, { token: t.admin })).headers.get('etag') ?? '"1"';
          const res = await api(method, target.path, { token: target.token, rawBody: b.text, headers });
          sent++;
          const what = `${route} with ${b.kind}`;
          checkAnswer(what, res);
          if (b.mustRefuse && (res.status < 400 || res.status >= 500))
            problems.push(`${what}: expected a 4xx, got ${res.status}`);
          const after = await readBack(target);
          if (res.status >= 400) {
            refused++;
            if (after !== before) problems.push(`${what}: refused (${res.status}) yet ${target.read} changed`);
          }
          before = after;
        }
      }),
    );
    expect(problems).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(300);
    // Nearly all of them are bad; a few mutations happen to be valid (a weird but legal code, -0).
    expect(refused / sent).toBeGreaterThan(0.8);
  }, 300_000);

  it('hostile paths and queries: 4xx in the error shape, never a 5xx', async () => {
    const tp = await createTechPack(t.commercial);
    const page = await ok(api('GET', '/v1/production-orders?limit=1', { token: t.viewer }));
    const otherQuery = await ok(api('GET', `/v1/production-orders?limit=1&state=Draft`, { token: t.viewer }));
    expect(page.nextCursor).toEqual(expect.any(String));
    const [payload] = String(page.nextCursor).split('.');
    const forged = Buffer.from(
      JSON.stringify({ pk: 'PO#PO-999999', sk: '#ENTITY', type: 'ProductionOrder', seq: 1 }),
    ).toString('base64url');
    const oldStyle = Buffer.from(
      JSON.stringify({ i: 'ProductionOrder:byType', k: { pk: 'x', sk: 'y', type: 'ProductionOrder', seq: 'zz' } }),
    ).toString('base64url');
    const cursors = [
      forged,
      `${forged}.AAAAAAAAAAAAAAAAAAAAAAAA`,
      `${payload}.${'A'.repeat(24)}`,
      oldStyle,
      'not a cursor',
      '.',
      '...',
      '%ZZ',
      'x'.repeat(5000),
      otherQuery.nextCursor,
    ];
    const cases: [string, string, number[]][] = [
      ...[
        '%ZZ',
        '%E0%A4%A',
        '%C0%AF',
        '%00',
        '%',
        'PO-000001%0A',
        'a'.repeat(3000),
        'constructor',
        '__proto__',
        'toString',
        '..%2F..%2Fsettings',
      ].map((id): [string, string, number[]] => ['GET', `/v1/production-orders/${id}`, [400, 404]]),
      ['GET', `/v1/tech-packs/%ZZ/transitions`, [400, 404, 405]],
      ['POST', `/v1/production-orders/%C0%AF/matrix-edits`, [400, 404]],
      ['GET', `/v1/role-mappings/${'a'.repeat(3000)}%40example.com`, [400]],
      ['PUT', `/v1/role-mappings/${'a'.repeat(3000)}%40example.com`, [400]],
      ['PUT', '/v1/role-mappings/a%00b%40example.com', [400]],
      ['PUT', '/v1/role-mappings/a%0Ab%40example.com', [400]],
      ['GET', '/v1/stock/%E0%A4%A', [400, 404]],
      // An empty value reads as left out (shared/schemas/queries.ts), so `limit=` is the default page.
      ['GET', '/v1/production-orders?limit=', [200]],
      ...['0x10', '1e2', '-1', '0', 'abc', '101', '1.0', ' 5', '5 ', '+5', '٥'].map(
        (limit): [string, string, number[]] => [
          'GET',
          `/v1/production-orders?limit=${encodeURIComponent(limit)}`,
          [400],
        ],
      ),
      ...cursors.map((c): [string, string, number[]] => [
        'GET',
        `/v1/production-orders?cursor=${encodeURIComponent(c)}`,
        [400],
      ]),
      ['GET', `/v1/production-orders?state=Planned&cursor=${encodeURIComponent(otherQuery.nextCursor)}`, [400]],
      ['GET', `/v1/tech-packs?cursor=${encodeURIComponent(page.nextCursor)}`, [400]],
      ['GET', `/v1/production-orders?techPackId=${tp.id}&cursor=${encodeURIComponent(page.nextCursor)}`, [400]],
      ['GET', `/v1/role-mappings?cursor=${encodeURIComponent(page.nextCursor)}`, [400]],
      ['GET', `/v1/production-orders/PO-000001/history?cursor=${encodeURIComponent(page.nextCursor)}`, [400, 404]],
      ['GET', `/v1/iq-templates?cursor=${encodeURIComponent(page.nextCursor)}`, [400]],
      ['GET', `/v1/iq-templates?cursor=${encodeURIComponent(forged)}`, [400]],
      ['GET', '/v1/iq-templates?limit=0x10', [400]],
      ...['%ZZ', '%00', '..%2F..%2Fsettings', 'constructor', '__proto__', 'a'.repeat(3000)].map(
        (code): [string, string, number[]] => ['GET', `/v1/iq-templates/${code}`, [400, 404]],
      ),
      ['PATCH', '/v1/iq-templates/%C0%AF', [400, 404, 428]],
      ['GET', `/v1/production-orders/PO-000001/batches/%ZZ/inspection-plan`, [400, 404]],
      ['POST', `/v1/production-orders/%C0%AF/batches/PB-000001/inspections`, [400, 404]],
      ['GET', `/v1/production-orders?state=constructor`, [400]],
      ['GET', `/v1/production-orders?techPackId=%00`, [400]],
      ['GET', `/v1/milestones?cursor=${encodeURIComponent(page.nextCursor)}`, [400]],
      ['GET', `/v1/milestones?cursor=${encodeURIComponent(forged)}`, [400]],
      ['GET', '/v1/milestones?dueBefore=2027-13-01', [400]],
      ['GET', '/v1/milestones?open=1', [400]],
      ...['%ZZ', '%00', '..%2F..', 'constructor', 'a'.repeat(300)].map((key): [string, string, number[]] => [
        'PUT',
        `/v1/production-orders/PO-000001/milestones/${key}`,
        [400, 404, 428],
      ]),
    ];
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const [method, path, allowed] of cases) {
      const res = await api(method, path, {
        token: t.admin,
        ...(method === 'PUT' || method === 'POST' ? { body: { roles: ['viewer'] } } : {}),
      });
      checkAnswer(`${method} ${path.slice(0, 80)}`, res);
      if (!allowed.includes(res.status))
        problems.push(`${method} ${path.slice(0, 80)}: ${res.status}, expected one of ${allowed.join('/')}`);
      if (path.includes('cursor=') && res.status === 400 && res.body?.error?.code !== 'INVALID_CURSOR')
        problems.push(`${path.slice(0, 80)}: ${res.body?.error?.code}, not INVALID_CURSOR`);
    }
    expect(problems).toEqual([]);
    // The genuine cursor still pages on.
    expect(
      (
        await api('GET', `/v1/production-orders?limit=1&cursor=${encodeURIComponent(page.nextCursor)}`, {
          token: t.viewer,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await api(
          'GET',
          `/v1/production-orders?limit=1&state=Draft&cursor=${encodeURIComponent(otherQuery.nextCursor)}`,
          { token: t.viewer },
        )
      ).status,
    ).toBe(200);
  });
});

describe('codes named like Object.prototype members are data like any other', () => {
  it('sizes constructor / toString and color constructor: tech pack, order, release, materials summary', async () => {
    const sizes = ['constructor', 'toString', 'M'];
    const tp = await createTechPack(t.commercial, 'ProductionReady', {
      sizes,
      colors: [
        { code: 'constructor', name: 'C' },
        { code: 'hasOwnProperty', name: 'H' },
      ],
      bom: [
        {
          material: 'FAB',
          uom: 'm',
          consumption: { constructor: 1, toString: 2, M: 3 },
          wastagePct: 0,
          variants: 'match',
        },
        {
          material: 'THREAD',
          uom: 'm',
          consumption: 0.5,
          wastagePct: 0,
          variants: { constructor: 'WHITE', hasOwnProperty: 'BLACK' },
        },
      ],
    });
    const o = await createOrder(t.planner, tp.id, {
      matrix: matrix(
        [
          [1, 10, 100],
          [0, 0, 1],
        ],
        sizes,
        ['constructor', 'hasOwnProperty'],
      ),
    });
    await ok(transition(t.planner, o.id, { action: 'plan' }));
    await ok(transition(t.planner, o.id, { action: 'release' }));
    const summary = await ok(api('GET', `/v1/production-orders/${o.id}/materials`, { token: t.viewer }));
    const line = (material: string, variant: string) =>
      summary.lines.find(
        (l: { material: string; variant: string }) => l.material === material && l.variant === variant,
      );
    expect(line('FAB', 'constructor')).toMatchObject({
      garments: 111,
      net: 1 + 20 + 300,
      consumption: { constructor: 1, toString: 2, M: 3 },
    });
    expect(line('FAB', 'hasOwnProperty')).toMatchObject({ garments: 1, net: 3 });
    expect(line('THREAD', 'WHITE')).toMatchObject({ garments: 111, net: 55.5 });
    expect(line('THREAD', 'BLACK')).toMatchObject({ garments: 1, net: 0.5 });
    const b = await ok(
      api('POST', `/v1/production-orders/${o.id}/batches`, {
        token: t.planner,
        body: { matrix: matrix([[1, 10, 0]], ['constructor', 'toString', 'M'], ['constructor']) },
      }),
      201,
    );
    expect(b.total).toBe(11);
  });
});
