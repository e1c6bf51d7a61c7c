// Who may sign in with Google, in one place. The Lambda authorizer (functions/authorizer.ts) applies
// it at the edge, so strangers never reach the API; the API (functions/http/middleware.ts) applies it
// again to the claims it is handed, so the local stack and any other front door obey the same rule.
import { envList } from '../env.js';

export const GOOGLE_ISSUERS: readonly string[] = ['https://accounts.google.com', 'accounts.google.com'];
export const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';

export interface GoogleSignInPolicy {
  /**
   * Workspace domains (lower case) whose accounts may sign in, by the token's `hd` claim only: Google
   * sets `hd` for accounts of a Workspace (or Cloud Identity) organization, and anyone can make a
   * consumer Google account for an address of any domain, so the email's domain alone proves nothing.
   */
  allowedDomains: string[];
  /** Single accounts (lower case) allowed whatever their domain. */
  allowedEmails: string[];
}

/** ALLOWED_GOOGLE_DOMAINS and ALLOWED_GOOGLE_EMAILS, comma lists, case-insensitive. */
export function googlePolicyFromEnv(env: NodeJS.ProcessEnv = process.env): GoogleSignInPolicy {
  return {
    allowedDomains: envList(env.ALLOWED_GOOGLE_DOMAINS, { lowerCase: true }),
    allowedEmails: envList(env.ALLOWED_GOOGLE_EMAILS, { lowerCase: true }),
  };
}

export function isGoogleIssuer(iss: unknown): boolean {
  return typeof iss === 'string' && GOOGLE_ISSUERS.includes(iss);
}

/** The account is listed, or its Workspace domain (`hd`) is (see allowedDomains). */
export function googleAccountAllowed(policy: GoogleSignInPolicy, email: string, hd?: string): boolean {
  const address = email.toLowerCase();
  const workspace = (hd ?? '').toLowerCase();
  return policy.allowedEmails.includes(address) || (workspace !== '' && policy.allowedDomains.includes(workspace));
}
