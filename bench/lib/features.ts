// Which features the code base has right now: routes from the OpenAPI document the running API
// serves, files from the working tree. A row whose feature is missing says "not available yet".
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './paths.js';

export const R = {
  createBatch: 'POST /v1/production-orders/{id}/batches',
  listBatches: 'GET /v1/production-orders/{id}/batches',
  generateBatches: 'POST /v1/production-orders/{id}/batches/generate',
  batchTransition: 'POST /v1/production-orders/{id}/batches/{batchId}/transitions',
  materials: 'GET /v1/production-orders/{id}/materials',
  materialsRefresh: 'POST /v1/production-orders/{id}/materials/refresh',
  createSalesOrder: 'POST /v1/sales-orders',
  salesOrderTransition: 'POST /v1/sales-orders/{id}/transitions',
  salesOrderToProduction: 'POST /v1/sales-orders/{id}/production-orders',
  putStock: 'PUT /v1/stock/{techPackId}',
  getStock: 'GET /v1/stock/{techPackId}',
  runReplenishment: 'POST /v1/replenishment/run',
} as const;

export function fileExists(rel: string): boolean {
  return existsSync(path.join(ROOT, rel));
}

/** The requirements (routes, "file:" paths) that are missing. */
export function missing(routes: Set<string>, requires: readonly string[]): string[] {
  return requires.filter((r) => (r.startsWith('file:') ? !fileExists(r.slice(5)) : !routes.has(r)));
}
