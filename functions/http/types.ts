import type { Actor } from '../../shared/types.js';
import type { RouteSpec } from './routes.js';

/** What a route handler sees: the request already routed, authenticated and parsed. */
export interface ApiRequest {
  route: RouteSpec;
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  actor: Actor;
  requestId: string;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** The resource version; sent as a strong ETag. */
  etag?: number;
}

export type RouteHandler = (req: ApiRequest) => Promise<ApiResponse>;
