// The pieces the authorizer and the API share: the Google sign-in policy, roles, comma lists.
import { describe, expect, it } from 'vitest';
import { googleAccountAllowed, googlePolicyFromEnv, isGoogleIssuer } from '../../functions/auth/googleSignIn.js';
import { envList } from '../../functions/env.js';
import { authentication } from '../../functions/http/middleware.js';
import { isRole, knownRoles, ROLE_SETS, ROLES } from '../../shared/roles.js';
import { ROLES as TYPES_ROLES } from '../../shared/types.js';

describe('envList', () => {
  it('trims, drops empty entries, lower-cases on request', () => {
    expect(envList(' a, B ,,c ')).toEqual(['a', 'B', 'c']);
    expect(envList('A.com,b.org', { lowerCase: true })).toEqual(['a.com', 'b.org']);
    expect(envList(undefined)).toEqual([]);
    expect(envList('')).toEqual([]);
  });
});

describe('Google sign-in policy', () => {
  const policy = googlePolicyFromEnv({
    ALLOWED_GOOGLE_DOMAINS: 'Example.com, factory.example',
    ALLOWED_GOOGLE_EMAILS: 'Solo@Gmail.com',
  });

  it('reads both lists from the environment, case-insensitively', () => {
    expect(policy).toEqual({ allowedDomains: ['example.com', 'factory.example'], allowedEmails: ['solo@gmail.com'] });
  });

  it("allows a listed account or a listed Workspace domain (hd); the email's domain alone is not enough", () => {
    expect(googleAccountAllowed(policy, 'solo@gmail.com')).toBe(true);
    expect(googleAccountAllowed(policy, 'Ana@Example.com', 'example.com')).toBe(true);
    // A consumer Google account can be made for any address: no hd, no Workspace membership.
    expect(googleAccountAllowed(policy, 'Ana@Example.com')).toBe(false);
    expect(googleAccountAllowed(policy, 'ana@example.com', 'other.example')).toBe(false);
    expect(googleAccountAllowed(policy, 'ana@alias.example', 'FACTORY.example')).toBe(true);
    expect(googleAccountAllowed(policy, 'eve@evil.example', 'evil.example')).toBe(false);
    expect(googleAccountAllowed(policy, 'eve@gmail.com', '')).toBe(false);
    expect(googleAccountAllowed({ allowedDomains: [], allowedEmails: [] }, 'ana@example.com', 'example.com')).toBe(
      false,
    );
  });

  it('knows both spellings of the Google issuer', () => {
    expect(isGoogleIssuer('https://accounts.google.com')).toBe(true);
    expect(isGoogleIssuer('accounts.google.com')).toBe(true);
    expect(isGoogleIssuer('https://evil.example')).toBe(false);
    expect(isGoogleIssuer(undefined)).toBe(false);
  });

  it('the API applies the same policy to the claims it is handed', async () => {
    const mw = authentication({ rolesFor: async () => ['viewer'], googleSignIn: policy });
    const run = async (claims: Record<string, string>) => {
      const request = {
        event: { requestContext: { authorizer: { lambda: claims } } },
        context: { api: { route: { public: false, roles: ['viewer'] }, actor: { id: 'anonymous', roles: [] } } },
      };
      await mw.before!(request as never);
      return (request.context.api.actor as { id: string }).id;
    };
    const google = { iss: 'https://accounts.google.com', email_verified: 'true', sub: '1' };
    expect(await run({ ...google, email: 'ana@example.com', hd: 'example.com' })).toBe('ana@example.com');
    await expect(run({ ...google, email: 'ana@example.com' })).rejects.toMatchObject({ status: 403 });
    expect(await run({ ...google, email: 'ana@alias.example', hd: 'factory.example' })).toBe('ana@alias.example');
    await expect(run({ ...google, email: 'eve@evil.example' })).rejects.toMatchObject({ status: 403 });
  });
});

describe('roles', () => {
  it('one list, re-exported by shared/types.ts; every role set names known roles', () => {
    expect(TYPES_ROLES).toBe(ROLES);
    for (const set of Object.values(ROLE_SETS)) for (const r of set) expect(isRole(r)).toBe(true);
    expect(knownRoles(['system', 'root', 'admin', 'admin'])).toEqual(['admin', 'system']);
    expect(isRole('root')).toBe(false);
  });
});
