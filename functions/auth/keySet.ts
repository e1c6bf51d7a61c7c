// A remote JSON Web Key Set (Google's, Cognito's) that survives the issuer's outages.
//
// jose's createRemoteJWKSet caches the set, but once the cache is older than `cacheMaxAge` it
// refetches before every verification and fails it when the fetch fails: an outage of Google's
// certs endpoint would then refuse every caller although the keys in hand are still good (Google
// rotates keys weeks apart and publishes the next one long before using it). This key set keeps
// the last good set: a failed refresh keeps verifying with it (and retries after a cooldown); only
// when no usable key is at hand (nothing fetched yet, or a token signed with a key id we have never
// seen while the endpoint is down) does verification fail with KeySetUnavailableError, which the
// authorizer answers as a fault of ours (API Gateway 500, logged and alarmed), never as a denial.
import { createLocalJWKSet, errors as joseErrors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/** No key usable to verify this token, because the issuer's key set could not be fetched. */
export class KeySetUnavailableError extends Error {
  override readonly name = 'KeySetUnavailableError';
}

export type FetchKeySet = (url: string, signal: AbortSignal) => Promise<unknown>;

export interface ResilientKeySetOptions {
  /** Refresh a set older than this (default 10 minutes). */
  maxAgeMs?: number;
  /** No new fetch sooner than this after the last attempt, failed or not (default 30 s). */
  cooldownMs?: number;
  /** Timeout of one fetch (default 3 s). */
  timeoutMs?: number;
  /** How to fetch (default: fetch() and JSON). Tests inject outages here. */
  fetchJson?: FetchKeySet;
  /** The clock (default Date.now). */
  now?: () => number;
  /** Told about each failed refresh (the authorizer logs it). */
  onRefreshError?: (err: Error, keptLastGood: boolean) => void;
}

export interface ResilientKeySet extends JWTVerifyGetKey {
  /** When the set in hand was fetched (undefined: never). */
  readonly fetchedAt: number | undefined;
}

const defaultFetch: FetchKeySet = async (url, signal) => {
  const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return res.json();
};

function isKeySet(v: unknown): v is JSONWebKeySet {
  return typeof v === 'object' && v !== null && Array.isArray((v as { keys?: unknown }).keys);
}

export function resilientKeySet(url: string, opts: ResilientKeySetOptions = {}): ResilientKeySet {
  const maxAgeMs = opts.maxAgeMs ?? 10 * 60_000;
  const cooldownMs = opts.cooldownMs ?? 30_000;
  const timeoutMs = opts.timeoutMs ?? 3_000;
  const fetchJson = opts.fetchJson ?? defaultFetch;
  const now = opts.now ?? Date.now;
  let local: ReturnType<typeof createLocalJWKSet> | undefined;
  let fetchedAt: number | undefined;
  let attemptedAt: number | undefined;
  let lastRefreshFailed = false;
  let pending: Promise<boolean> | undefined;

  /** Fetches once (concurrent callers share the fetch); true when a new set is in hand. */
  const refresh = (): Promise<boolean> => {
    pending ??= (async () => {
      attemptedAt = now();
      try {
        const json = await fetchJson(url, AbortSignal.timeout(timeoutMs));
        if (!isKeySet(json)) throw new Error(`GET ${url} did not answer a JSON Web Key Set`);
        local = createLocalJWKSet(json);
        fetchedAt = now();
        lastRefreshFailed = false;
        return true;
      } catch (err) {
        lastRefreshFailed = true;
        opts.onRefreshError?.(err as Error, local !== undefined);
        return false;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
  const coolingDown = () => attemptedAt !== undefined && now() - attemptedAt < cooldownMs;

  const getKey = (async (header, token) => {
    const stale = fetchedAt === undefined || now() - fetchedAt >= maxAgeMs;
    if ((local === undefined || stale) && !coolingDown()) await refresh();
    if (local === undefined) throw new KeySetUnavailableError(`no key set from ${url} yet: it could not be fetched`);
    try {
      return await local(header, token);
    } catch (err) {
      // An unknown key id: the issuer may have rotated. Fetch again (unless we just did).
      if (!(err instanceof joseErrors.JWKSNoMatchingKey)) throw err;
      const fresh = !coolingDown() && (await refresh());
      if (fresh) return local(header, token);
      // The issuer answered and the key is not in its set: a verdict on the token.
      if (!lastRefreshFailed) throw err;
      // The set in hand may simply be out of date and the issuer cannot be asked.
      throw new KeySetUnavailableError(
        `key ${String(header.kid)} is not in the last key set from ${url}, which cannot be refreshed`,
      );
    }
  }) as ResilientKeySet;
  Object.defineProperty(getKey, 'fetchedAt', { get: () => fetchedAt });
  return getKey;
}
