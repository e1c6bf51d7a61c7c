// The served OpenAPI document against OpenAPI 3.1's structure, and against the server itself: the
// shared fixtures (bodies.ts) go through each write route's parser and through the route's body
// component compiled by ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1). What one accepts the
// other accepts, except the checks the fixtures mark as code-only.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ROUTE_SPECS } from '../../functions/http/routes.js';
import { openApiDocument } from '../../functions/http/openapi.js';
import { parseBatchCreate, parseBatchTransition, parseGenerate } from '../../shared/batches.js';
import { ValidationError } from '../../shared/errors.js';
import {
  parseMatrixEdits,
  parseOrderCreate,
  parseOrderPatch,
  parseOrderTransition,
} from '../../shared/productionOrder.js';
import { RoleMappingInput } from '../../shared/schemas/admin.js';
import { parseWith } from '../../shared/schemas/core.js';
import { parseInspection, parseIqTemplateCreate, parseIqTemplatePatch } from '../../shared/quality.js';
import { PageQuery, QUERY_SCHEMAS, parseQuery } from '../../shared/schemas/queries.js';
import {
  parseProductionOrderRequest,
  parseSalesOrderCreate,
  parseSalesOrderTransition,
} from '../../shared/salesOrder.js';
import { parseSplit } from '../../shared/linkedOrders.js';
import { parseMilestoneUpdate } from '../../shared/milestones.js';
import { parseRawMaterialPut } from '../../shared/requirements.js';
import { DEFAULT_SETTINGS, parseSettingsUpdate } from '../../shared/settings.js';
import { parseStockPut } from '../../shared/stock.js';
import { parseTechPackCreate, parseTechPackPatch, parseTechPackTransition } from '../../shared/techPack.js';
import { requireObject } from '../../shared/validate.js';
import { api } from '../support/api.js';
import { BODY_FIXTURES, TECH_PACK } from './bodies.js';

type Json = Record<string, unknown>;

/** The server's parser of each request body component (what the handler of its route calls). */
const PARSERS: Record<string, (body: unknown) => unknown> = {
  SettingsInput: (b) => parseSettingsUpdate(b, structuredClone(DEFAULT_SETTINGS)),
  TechPackInput: parseTechPackCreate,
  TechPackPatch: (b) => parseTechPackPatch(b, TECH_PACK),
  TechPackTransition: parseTechPackTransition,
  OrderInput: parseOrderCreate,
  OrderPatch: parseOrderPatch,
  OrderTransition: parseOrderTransition,
  OrderSplit: parseSplit,
  MatrixEdits: parseMatrixEdits,
  BatchInput: parseBatchCreate,
  GenerateBatchesInput: parseGenerate,
  BatchTransition: parseBatchTransition,
  RoleMappingInput: (b) => parseWith(RoleMappingInput, requireObject(b)),
  SalesOrderInput: parseSalesOrderCreate,
  SalesOrderTransition: parseSalesOrderTransition,
  SalesOrderProductionOrderInput: parseProductionOrderRequest,
  StockInput: (b) => parseStockPut(b, TECH_PACK),
  IqTemplateInput: parseIqTemplateCreate,
  IqTemplatePatch: parseIqTemplatePatch,
  InspectionInput: parseInspection,
  RawMaterialInput: (b) => parseRawMaterialPut(b, 'FAB-JERSEY'),
  MilestoneInput: parseMilestoneUpdate,
};

/** A minimal schema of the OpenAPI 3.1 document's structure (the parts this API uses). */
const OPENAPI_31 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['openapi', 'info', 'paths', 'components'],
  additionalProperties: false,
  properties: {
    openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' },
    info: {
      type: 'object',
      required: ['title', 'version'],
      additionalProperties: false,
      properties: { title: { type: 'string' }, version: { type: 'string' }, description: { type: 'string' } },
    },
    servers: {
      type: 'array',
      items: { type: 'object', required: ['url'], properties: { url: { type: 'string', format: 'uri' } } },
    },
    security: { $ref: '#/$defs/security' },
    components: {
      type: 'object',
      additionalProperties: false,
      properties: {
        schemas: { type: 'object', additionalProperties: { type: 'object' } },
        securitySchemes: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            required: ['type'],
            properties: {
              type: { enum: ['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'] },
              scheme: { type: 'string' },
              bearerFormat: { type: 'string' },
            },
          },
        },
      },
    },
    paths: {
      type: 'object',
      propertyNames: { pattern: '^/' },
      additionalProperties: {
        type: 'object',
        propertyNames: {
          enum: [
            'get',
            'put',
            'post',
            'delete',
            'options',
            'head',
            'patch',
            'trace',
            'parameters',
            'summary',
            'description',
          ],
        },
        additionalProperties: { $ref: '#/$defs/operation' },
      },
    },
  },
  $defs: {
    security: {
      type: 'array',
      items: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    },
    mediaContent: {
      type: 'object',
      minProperties: 1,
      additionalProperties: {
        type: 'object',
        required: ['schema'],
        additionalProperties: false,
        properties: { schema: { type: 'object' } },
      },
    },
    operation: {
      type: 'object',
      required: ['responses'],
      additionalProperties: false,
      properties: {
        operationId: { type: 'string' },
        summary: { type: 'string' },
        description: { type: 'string' },
        security: { $ref: '#/$defs/security' },
        parameters: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'in', 'schema'],
            additionalProperties: false,
            properties: {
              name: { type: 'string' },
              in: { enum: ['query', 'header', 'path', 'cookie'] },
              required: { type: 'boolean' },
              description: { type: 'string' },
              schema: { type: 'object' },
            },
            if: { properties: { in: { const: 'path' } } },
            then: { required: ['required'], properties: { required: { const: true } } },
          },
        },
        requestBody: {
          type: 'object',
          required: ['content'],
          additionalProperties: false,
          properties: {
            required: { type: 'boolean' },
            description: { type: 'string' },
            content: { $ref: '#/$defs/mediaContent' },
          },
        },
        responses: {
          type: 'object',
          minProperties: 1,
          propertyNames: { pattern: '^([1-5][0-9X]{2}|default)$' },
          additionalProperties: {
            type: 'object',
            required: ['description'],
            additionalProperties: false,
            properties: { description: { type: 'string' }, content: { $ref: '#/$defs/mediaContent' } },
          },
        },
      },
    },
  },
};

/** The document the real handler serves, over HTTP from the local stack. */
async function servedDocument(): Promise<Json> {
  const res = await api<Json>('GET', '/v1/openapi.json');
  expect(res.status).toBe(200);
  return res.body;
}

function compiler(doc: Json) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const components = (doc.components as { schemas: Json }).schemas;
  // Component references point into the document: served as one schema resource, they resolve.
  const text = JSON.stringify(components).replaceAll('"#/components/schemas/', '"api#/$defs/');
  ajv.addSchema({ $id: 'api', $defs: JSON.parse(text) as Json });
  return (name: string) => {
    const validate = ajv.getSchema(`api#/$defs/${name}`);
    if (!validate) throw new Error(`no component ${name}`);
    return validate;
  };
}

function accepts(parse: (b: unknown) => unknown, body: unknown): { ok: boolean; fields?: string[] } {
  try {
    parse(structuredClone(body));
    return { ok: true };
  } catch (e) {
    if (e instanceof ValidationError) return { ok: false, fields: e.problems.map((p) => p.field) };
    throw e;
  }
}

describe('the OpenAPI document', async () => {
  const doc = await servedDocument();
  const component = compiler(doc);
  const schemas = (doc.components as { schemas: Record<string, Json> }).schemas;

  it('is the document openApiDocument() builds, and validates as OpenAPI 3.1', () => {
    expect(doc).toEqual(
      JSON.parse(JSON.stringify(openApiDocument(doc.servers ? (doc.servers as { url: string }[])[0].url : undefined))),
    );
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(OPENAPI_31);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it('has components that are valid JSON Schema 2020-12, and every reference resolves', () => {
    for (const name of Object.keys(schemas)) expect(() => component(name), name).not.toThrow();
  });

  it('names a body component for every write route, and has fixtures for each', () => {
    const bodies = new Set(ROUTE_SPECS.flatMap((r) => ('body' in r && r.body ? [r.body] : [])));
    expect([...bodies].sort()).toEqual(Object.keys(PARSERS).sort());
    for (const name of bodies) {
      expect(BODY_FIXTURES.filter((f) => f.name === name && f.valid).length, name).toBeGreaterThan(0);
      expect(BODY_FIXTURES.filter((f) => f.name === name && !f.valid && !f.codeOnly).length, name).toBeGreaterThan(0);
    }
  });

  it('refuses unknown fields wherever the server does: every request object is closed', () => {
    const open: string[] = [];
    const walk = (s: unknown, at: string) => {
      if (Array.isArray(s)) return s.forEach((x, i) => walk(x, `${at}[${i}]`));
      if (typeof s !== 'object' || s === null) return;
      const o = s as Json;
      if (o.type === 'object' && o.properties && o.additionalProperties !== false) open.push(at);
      for (const [k, v] of Object.entries(o)) walk(v, `${at}.${k}`);
    };
    for (const name of Object.keys(PARSERS)) walk(schemas[name], name);
    expect(open).toEqual([]);
  });

  it('states the bounds the parsers enforce', () => {
    const props = (name: string) => schemas[name].properties as Record<string, Json>;
    const nullable = (s: Json) => ((s.anyOf as Json[] | undefined)?.[0] ?? s) as Json;
    expect(nullable(props('OrderInput').notes).maxLength).toBe(4000);
    expect(nullable(props('SalesOrderInput').notes).maxLength).toBe(4000);
    expect((props('OrderInput').batchPlan.properties as Record<string, Json>).maxBatchQty).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 10_000_000,
    });
    expect(props('GenerateBatchesInput').maxBatchQty).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 10_000_000,
    });
    expect(props('TechPackInput').styleCode).toMatchObject({ type: 'string', maxLength: 40 });
    expect(props('MatrixInput').sizes).toMatchObject({ maxItems: 100, items: { maxLength: 40 } });
    expect(props('MatrixInput').colors).toMatchObject({ maxItems: 500 });
    expect(props('MatrixEdits').edits).toMatchObject({ minItems: 1, maxItems: 20_000 });
    expect(props('StockInput').cells).toMatchObject({ maxItems: 20_000 });
    expect(props('RawMaterialInput').leadTimeDays).toMatchObject({ type: 'integer', minimum: 0, maximum: 3650 });
    expect(props('RawMaterialInput').variants).toMatchObject({ maxItems: 500 });
    expect(props('SettingsInput').productionLeadDays).toMatchObject({ type: 'integer', minimum: 0, maximum: 365 });
    expect(String(schemas.MatrixInput.description)).toContain('checked in code');
  });

  describe.each(
    BODY_FIXTURES.map(
      (f, i) => [`${f.name} #${i} (${f.valid ? 'valid' : f.codeOnly ? `code: ${f.codeOnly}` : 'invalid'})`, f] as const,
    ),
  )('%s', (_label, f) => {
    it('the parser and the document agree', () => {
      const server = accepts(PARSERS[f.name], f.body);
      const validate = component(f.name);
      const doc = validate(structuredClone(f.body)) as boolean;
      expect(server.ok, `parser: ${JSON.stringify(server.fields)}`).toBe(f.valid);
      if (f.codeOnly)
        expect(doc, `a code-only check: the document accepts it (${JSON.stringify(validate.errors)})`).toBe(true);
      else expect(doc, JSON.stringify(validate.errors)).toBe(f.valid);
    });
  });

  it('keeps sizes named like Object.prototype members as plain data', () => {
    const body = {
      styleCode: 'X',
      name: 'X',
      sizes: ['constructor', '__proto__'],
      colors: [{ code: 'NAVY' }],
      bom: [{ material: 'F', uom: 'm', consumption: JSON.parse('{"constructor": 1, "__proto__": 2}') as Json }],
    };
    const pack = parseTechPackCreate(body);
    const consumption = pack.bom[0].consumption as Record<string, number>;
    expect(Object.getPrototypeOf(consumption)).toBe(Object.prototype);
    expect(Object.keys(consumption)).toEqual(['constructor', '__proto__']);
    expect(JSON.parse(JSON.stringify(consumption))).toEqual(JSON.parse('{"constructor": 1, "__proto__": 2}'));
    const missing = { ...body, bom: [{ material: 'F', uom: 'm', consumption: { S: 1 } }], sizes: ['constructor'] };
    expect(accepts(parseTechPackCreate, missing).fields).toEqual(['bom[0].consumption', 'bom[0].consumption.S']);
  });

  describe('query parameters', () => {
    const param = (path: string, name: string) =>
      (doc.paths as Record<string, { get: { parameters: { name: string; schema: Json }[] } }>)[
        path
      ].get.parameters.find((p) => p.name === name)!.schema;
    const ajv = new Ajv2020({ strict: true });

    it.each([
      ['1', true],
      ['25', true],
      ['100', true],
      ['0', false],
      ['101', false],
      ['0x10', false],
      ['1e1', false],
      [' 5', false],
      ['5.0', false],
      ['-1', false],
    ])('limit=%s: the handler and the document agree (%s)', (limit, valid) => {
      const server = accepts((q) => parseQuery(PageQuery, q as Record<string, string>), { limit });
      expect(server.ok).toBe(valid);
      expect(ajv.validate(param('/v1/production-orders', 'limit'), limit)).toBe(valid);
    });

    it.each([
      ['listOrders', '/v1/production-orders', 'state', 'Draft', true],
      ['listOrders', '/v1/production-orders', 'state', 'Open', false],
      ['listOrders', '/v1/production-orders', 'techPackId', 'TP-000001', true],
      ['listOrders', '/v1/production-orders', 'techPackId', 'tp-1', false],
      ['listTechPacks', '/v1/tech-packs', 'state', 'Design', true],
      ['listTechPacks', '/v1/tech-packs', 'state', 'Draft', false],
      ['listSalesOrders', '/v1/sales-orders', 'state', 'Sent', true],
      ['listSalesOrders', '/v1/sales-orders', 'state', 'Planned', false],
    ])('%s %s=%s', (id, path, name, value, valid) => {
      expect(accepts((q) => parseQuery(QUERY_SCHEMAS[id], q as Record<string, string>), { [name]: value }).ok).toBe(
        valid,
      );
      expect(ajv.validate(param(path, name), value)).toBe(valid);
    });
  });
});
