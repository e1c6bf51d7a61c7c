// npm run token -- --email ana@example.com --role planner [--role admin] [--ttl 3600]
// Prints a JWT the local stack's authorizer (the production one, functions/authorizer.ts) accepts,
// signed with the key kept in DATA_DIR: with roles a Cognito-style access token (the roles as
// scopes), without a Google-style ID token whose roles come from the role mapping (infra/local/auth.ts).
import { parseArgs } from 'node:util';
import { isRole, ROLES } from '../../shared/roles.js';
import { loadOrCreateKeys, mintToken } from './auth.js';

const usage = `usage: npm run token -- --email ana@example.com --role planner [--role admin] [--ttl seconds]

Prints a bearer token for the local stack (npm start), signed with the key in DATA_DIR (default .data).

  --email address   who the caller is (required)
  --role role       a role to grant; repeat it or give a comma list; the token is then a
                    Cognito-style machine token carrying them as scopes (garmentflow/<role>).
                    Without --role: a Google-style sign-in token, whose roles are those an admin
                    mapped to the email (PUT /v1/role-mappings/{email}), as for the add-on's users.
                    roles: ${ROLES.join(', ')}
  --ttl seconds     lifetime of the token (default 43200, 12 h)
  -h, --help        this help`;

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

// biome-ignore lint/suspicious/noImplicitAnyLet: its type is parseArgs's, inferred from the options in the try
let values;
try {
  ({ values } = parseArgs({
    strict: true,
    allowPositionals: false,
    options: {
      email: { type: 'string' },
      role: { type: 'string', multiple: true },
      ttl: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (err) {
  fail((err as Error).message);
}

if (values.help) {
  console.error(usage);
  process.exit(0);
}
if (!values.email) fail('--email is required');
const roles = (values.role ?? []).flatMap((r) => r.split(',')).filter((r) => r !== '');
const unknown = roles.filter((r) => !isRole(r));
if (unknown.length) fail(`unknown role ${unknown.join(', ')}`);
const ttl = values.ttl === undefined ? undefined : Number(values.ttl);
if (ttl !== undefined && (!Number.isInteger(ttl) || ttl <= 0)) {
  fail(`--ttl must be a whole number of seconds (got ${values.ttl})`);
}
const keys = await loadOrCreateKeys(process.env.DATA_DIR || '.data');
console.log(await mintToken(keys, { email: values.email, roles, ttl }));
