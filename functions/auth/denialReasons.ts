// Why the authorizer refused a caller, as a short fixed word: the `reason` dimension of the
// AuthorizerDenials metric (a bounded set, so infra/stack.ts can alarm on each by name).
export const DENIAL_REASONS = [
  'no-token',
  'malformed',
  'untrusted-issuer',
  'not-configured',
  'invalid-token',
  'expired',
  'unverified-email',
  'account-not-allowed',
  'wrong-token-use',
  'client-not-allowed',
  // Not a verdict on the caller: no key at hand to check the token with (the issuer's key set could
  // not be fetched). The handler counts it like the others, logs an error and fails the invocation,
  // so API Gateway answers 500 (not 403) and caches nothing; an alarm watches it (infra/stack.ts).
  'keys-unavailable',
] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];
