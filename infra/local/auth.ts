// The local stack's stand-in for API Gateway's JWT authorizer: real signatures with a key kept in
// DATA_DIR, checked for issuer, audience and expiry before a request reaches the handler.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';

export const LOCAL_ISSUER = 'garmentflow-local';
export const LOCAL_AUDIENCE = 'garmentflow-api';
const ALG = 'ES256';

type Key = Awaited<ReturnType<typeof importJWK>>;

export interface LocalKeys {
  privateKey: Key;
  publicKey: Key;
  file: string;
}

/** Where the key lives: DATA_DIR, or a temp folder when the data is in memory. */
export function keyFile(dataDir: string): string {
  const dir = dataDir === ':memory:' ? path.join(os.tmpdir(), 'garmentflow-memory') : dataDir;
  return path.join(dir, 'local-signing-key.json');
}

export async function loadOrCreateKeys(dataDir: string): Promise<LocalKeys> {
  const file = keyFile(dataDir);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const { privateKey } = await generateKeyPair(ALG, { extractable: true });
    writeFileSync(file, JSON.stringify(await exportJWK(privateKey)), { mode: 0o600 });
  }
  return loadKeys(file);
}

export async function loadKeys(file: string): Promise<LocalKeys> {
  const jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  const { d: _private, ...publicJwk } = jwk;
  return { privateKey: await importJWK(jwk, ALG), publicKey: await importJWK(publicJwk, ALG), file };
}

export interface TokenRequest {
  email: string;
  roles: string[];
  /** Lifetime in seconds (default 12 h). */
  ttl?: number;
  name?: string;
}

export async function mintToken(keys: LocalKeys, req: TokenRequest): Promise<string> {
  return new SignJWT({ email: req.email, roles: req.roles, ...(req.name ? { name: req.name } : {}) })
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setSubject(req.email)
    .setIssuedAt()
    .setExpirationTime(`${req.ttl ?? 12 * 3600}s`)
    .sign(keys.privateKey);
}

/**
 * A verified token is remembered until it expires (at most 1,000 of them), as API Gateway caches
 * its authorizer's answer: a caller pays for the signature check once, not on every request.
 */
const verified = new Map<string, JWTPayload>();
const MAX_CACHED = 1_000;

/** The verified claims, or undefined when the token is missing, forged, expired or not for us. */
export async function verifyBearer(
  keys: LocalKeys,
  authorization: string | undefined,
): Promise<JWTPayload | undefined> {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!m) return undefined;
  const token = m[1];
  const cacheKey = `${keys.file}\n${token}`;
  const cached = verified.get(cacheKey);
  if (cached && (cached.exp ?? 0) * 1000 > Date.now()) return cached;
  verified.delete(cacheKey);
  try {
    const { payload } = await jwtVerify(token, keys.publicKey, {
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      algorithms: [ALG],
      requiredClaims: ['exp'],
    });
    if (verified.size >= MAX_CACHED) verified.delete(verified.keys().next().value!);
    verified.set(cacheKey, payload);
    return payload;
  } catch {
    return undefined;
  }
}
