// npm run token -- --email ana@example.com --role planner [--role admin] [--ttl 3600]
// Prints a JWT the local stack accepts, signed with the key kept in DATA_DIR.
import { parseArgs } from 'node:util';
import { ROLES } from '../../shared/types.js';
import { loadOrCreateKeys, mintToken } from './auth.js';

const { values } = parseArgs({
  options: {
    email: { type: 'string' },
    role: { type: 'string', multiple: true },
    ttl: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const usage = `usage: npm run token -- --email ana@example.com --role planner [--role admin] [--ttl seconds]\nroles: ${ROLES.join(', ')}`;
if (values.help || !values.email) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}
const roles = (values.role ?? ['viewer']).flatMap((r) => r.split(','));
const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
if (unknown.length) {
  console.error(`unknown role ${unknown.join(', ')}\n${usage}`);
  process.exit(2);
}
const keys = await loadOrCreateKeys(process.env.DATA_DIR || '.data');
console.log(await mintToken(keys, { email: values.email, roles, ttl: values.ttl ? Number(values.ttl) : undefined }));
