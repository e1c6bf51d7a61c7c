// What integration tests use to talk to the local stack over real HTTP.
import { inject } from 'vitest';
import { loadKeys, mintToken, type LocalKeys } from '../../infra/local/auth.js';
import type { Role } from '../../shared/types.js';

let keys: Promise<LocalKeys> | undefined;

export function apiUrl(): string {
  return inject('apiUrl');
}

export async function token(opts: { email: string; roles: (Role | string)[]; ttl?: number }): Promise<string> {
  keys ??= loadKeys(inject('keyFile'));
  return mintToken(await keys, opts);
}

export interface ApiAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function api<T = any>(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined || opts.rawBody !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(apiUrl() + path, {
    method,
    headers,
    body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: leave the text
  }
  return { status: res.status, headers: res.headers, body };
}

/** Tokens for each role, minted once per file. */
export async function tokens() {
  const [admin, planner, commercial, viewer, system, logistics, approver] = await Promise.all([
    token({ email: 'admin@example.com', roles: ['admin'] }),
    token({ email: 'ana@example.com', roles: ['planner'] }),
    token({ email: 'carla@example.com', roles: ['commercial'] }),
    token({ email: 'vic@example.com', roles: ['viewer'] }),
    token({ email: 'erp-system', roles: ['system'] }),
    token({ email: 'lou@example.com', roles: ['logistics'] }),
    token({ email: 'april@example.com', roles: ['approver'] }),
  ]);
  return { admin, planner, commercial, viewer, system, logistics, approver };
}
