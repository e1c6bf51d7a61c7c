// The OpenAPI document is built from the route table: every route is in it, and every schema it
// names exists.
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../functions/http/openapi.js';
import { ROUTE_SPECS } from '../../functions/http/routes.js';

describe('openapi.json', () => {
  const doc = openApiDocument('https://api.example.com');

  it('describes every route with its method, and marks public ones', () => {
    for (const r of ROUTE_SPECS) {
      const op = (doc.paths as Record<string, Record<string, { operationId: string; security?: unknown[] }>>)[r.path]?.[
        r.method.toLowerCase()
      ];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op.operationId).toBe(r.id);
      if (r.public) expect(op.security).toEqual([]);
    }
  });

  it('names only schemas that exist', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(20);
    for (const name of new Set(refs)) expect(doc.components.schemas, name).toHaveProperty(name);
  });

  it('marks optional bodies as optional', () => {
    const paths = doc.paths as Record<string, Record<string, { requestBody?: { required: boolean } }>>;
    expect(paths['/v1/production-orders/{id}/batches/generate'].post.requestBody?.required).toBe(false);
    expect(paths['/v1/sales-orders/{id}/production-orders'].post.requestBody?.required).toBe(false);
    expect(paths['/v1/production-orders'].post.requestBody?.required).toBe(true);
  });

  it('describes the rules factories rely on (issue 11): tolerance scope, extra cut, missing, minimum order quantity', () => {
    const schemas = doc.components.schemas as Record<string, any>;
    expect(schemas.Tolerance.properties.scope.enum).toEqual(['order', 'color', 'cell']);
    expect(schemas.ProductionOrder.properties.batchPlan.properties).toHaveProperty('extraCutPct');
    expect(schemas.ProductionOrder.properties.progress.properties).toHaveProperty('missing');
    expect(schemas.ProductionBatch.properties).toHaveProperty('missing');
    expect(schemas.ProductionBatch.properties).toHaveProperty('missingTotal');
    expect(schemas.BomLine.properties).toHaveProperty('minimumOrderQty');
    expect(schemas.MaterialLine.properties).toHaveProperty('sources');
    expect(schemas.MaterialLine.properties).toHaveProperty('minimumOrderQty');
  });
});
