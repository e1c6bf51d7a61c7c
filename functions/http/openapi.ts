// The OpenAPI 3.1 document, built from the route table so it cannot drift from what is served, and
// its components from the valibot schemas in shared/schemas/ (@valibot/to-json-schema): the shapes
// the parsers check are the shapes the document states. Checks that are code (they span fields, or
// read the tech pack) are named in the components' descriptions.
import { toJsonSchema, toJsonSchemaDefs, type ConversionConfig, type JsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { ROUNDING } from '../../shared/materials.js';
import { REQUEST_SCHEMAS, RESOURCE_SCHEMAS } from '../../shared/schemas/index.js';
import { PageQuery, QUERY_SCHEMAS } from '../../shared/schemas/queries.js';
import { ROUTE_SPECS, type RouteSpec } from './routes.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' };

/** valibot actions with no JSON Schema form: trimming, code checks (described in the schema's description). */
const CONVERSION: ConversionConfig = {
  target: 'draft-2020-12',
  errorMode: 'throw',
  ignoreActions: ['trim', 'check', 'finite'],
  overrideRef: ({ referenceId }) => `#/components/schemas/${referenceId}`,
};

/** Every component, each schema that is itself a component referenced by name. */
function components(): Record<string, JsonSchema> {
  const all = { ...RESOURCE_SCHEMAS, ...REQUEST_SCHEMAS } as Record<string, v.GenericSchema>;
  const out = toJsonSchemaDefs(all, CONVERSION) as Record<string, JsonSchema>;
  out.MaterialsSummary = { ...out.MaterialsSummary, description: ROUNDING };
  return out;
}

let converted: Record<string, JsonSchema> | undefined;

/** The components, converted once on the first request for the document (not at every cold start). */
export function schemas(): Record<string, JsonSchema> {
  converted ??= components();
  return converted;
}

function queryParameter(r: RouteSpec, name: string) {
  const schema = (QUERY_SCHEMAS[r.id] ?? PageQuery).entries[name];
  if (!schema) throw new Error(`openapi: route ${r.id} names query parameter ${name}, which its query schema lacks`);
  const json = toJsonSchema(schema, CONVERSION) as JsonSchema & { description?: string };
  const { description, $schema: _dialect, ...rest } = json;
  return { name, in: 'query', required: false, schema: rest, ...(description ? { description } : {}) };
}

const ERRORS: Record<string, string> = {
  '400': 'Invalid input; details.fields names each bad field',
  '401': 'Missing or invalid bearer token',
  '403': 'The caller lacks a role this route needs',
  '404': 'No such resource',
  '409':
    'State or business-rule conflict ' +
    '(ILLEGAL_TRANSITION, TECH_PACK_NOT_READY, EDIT_CONFLICT, OUT_OF_TOLERANCE, UNRECONCILED, ...)',
  '412': 'If-Match is stale; details.current is the resource now',
  '422': 'Idempotency-Key reused with another body',
  '428': 'If-Match is required',
};

function operation(r: RouteSpec) {
  const params: unknown[] = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: str,
  }));
  for (const q of r.query ?? []) params.push(queryParameter(r, q));
  if (r.method === 'PATCH' || (r as RouteSpec).ifMatch)
    params.push({
      name: 'If-Match',
      in: 'header',
      required: true,
      schema: str,
      description: 'The ETag you read, e.g. "3"',
    });
  if (r.method === 'POST') params.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: str });
  const okStatus = r.method === 'POST' && r.id.startsWith('create') ? '201' : '200';
  const responses: Record<string, unknown> = {
    [okStatus]: {
      description: 'OK',
      content: {
        'application/json': { schema: r.response ? ref(r.response) : r.id === 'health' ? ref('Health') : {} },
      },
    },
  };
  if (!r.public)
    for (const [code, description] of Object.entries(ERRORS))
      responses[code] = { description, content: { 'application/json': { schema: ref('Error') } } };
  return {
    operationId: r.id,
    summary: r.summary,
    ...(r.public ? { security: [] } : { description: `Roles: ${r.roles.join(', ')}` }),
    ...(params.length ? { parameters: params } : {}),
    ...(r.body
      ? { requestBody: { required: !r.bodyOptional, content: { 'application/json': { schema: ref(r.body) } } } }
      : {}),
    responses,
  };
}

export function openApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTE_SPECS) {
    paths[r.path] ??= {};
    paths[r.path][r.method.toLowerCase()] = operation(r);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'GarmentFlow Production API',
      version: '1.0.0',
      description: 'Production orders, tech packs, batches and materials of a garment factory.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: schemas(),
    },
    paths,
  };
}
