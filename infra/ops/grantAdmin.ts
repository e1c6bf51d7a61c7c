// npm run grant-admin -- --email ana@example.com [--table <TableName>] [--region eu-west-1]
//
// The one-off first-admin step after a deploy (docs/deploy.md): writes the role mapping of one
// Google account, with the admin role added to whatever roles it had, straight into the table with
// the deployer's own AWS credentials (the SDK's default chain: AWS_PROFILE, SSO, environment). No
// standing admin secret exists anywhere: from then on that person manages roles through the API
// (PUT /v1/role-mappings/{email}). The item is the store's own (roleMappingEntity), so the API
// reads it like any mapping it wrote itself.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { roleMappingEntity, type RoleMapping } from '../../functions/store/entities.js';
import { keys } from '../../functions/store/keys.js';
import { isRole, type Role } from '../../shared/roles.js';

export const usage = `usage: npm run grant-admin -- --email ana@example.com [--table <TableName>] [--region <region>]

Grants the admin role to a Google account (its other roles are kept), with your AWS credentials.

  --email address   the Google account to make admin (required)
  --table name      the table (default: TABLE_NAME; the stack's TableName output:
                    aws cloudformation describe-stacks --stack-name GarmentFlow-prod \\
                      --query "Stacks[0].Outputs[?OutputKey=='TableName'].OutputValue" --output text)
  --region region   AWS region (default: AWS_REGION / your profile's)
  --endpoint url    a DynamoDB endpoint other than AWS's (DynamoDB Local)
  -h, --help        this help`;

export class UsageError extends Error {}

const EMAIL = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

export function checkEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email))
    throw new UsageError(`--email ${JSON.stringify(raw)} is not an e-mail address`);
  return email;
}

export interface GrantRequest {
  email: string;
  table: string;
  doc: DynamoDBDocumentClient;
  /** Who is recorded as updatedBy. */
  actor: string;
  now?: string;
}

/** Writes the mapping (admin added to the roles it had); answers it and the roles before. */
export async function grantAdmin(req: GrantRequest): Promise<{ mapping: RoleMapping; before: Role[] }> {
  const email = checkEmail(req.email);
  const current = await req.doc.send(
    new GetCommand({ TableName: req.table, Key: keys.roleMapping(email), ConsistentRead: true }),
  );
  const before = current.Item ? roleMappingEntity.decode(current.Item).roles : [];
  const roles = [...new Set<Role>([...before.filter(isRole), 'admin'])];
  const mapping: RoleMapping = { email, roles, updatedAt: req.now ?? new Date().toISOString(), updatedBy: req.actor };
  await req.doc.send(new PutCommand({ TableName: req.table, Item: roleMappingEntity.item(mapping) }));
  return { mapping, before };
}

export function documentClient(opts: { region?: string; endpoint?: string }): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.endpoint
      ? {
          endpoint: opts.endpoint,
          region: opts.region ?? 'local',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

async function main(argv: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        email: { type: 'string' },
        table: { type: 'string' },
        region: { type: 'string' },
        endpoint: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.error(usage);
      return 0;
    }
    if (!values.email) throw new UsageError('--email is required');
    const table = values.table ?? process.env.TABLE_NAME;
    if (!table) throw new UsageError('--table is required (or TABLE_NAME): the stack output TableName');
    const doc = documentClient({ region: values.region, endpoint: values.endpoint ?? process.env.DYNAMODB_ENDPOINT });
    const { mapping, before } = await grantAdmin({
      email: values.email,
      table,
      doc,
      actor: `grant-admin:${os.userInfo().username}`,
    });
    console.log(JSON.stringify({ granted: mapping.email, roles: mapping.roles, before, table }));
    return 0;
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(err as Error).message}\n${usage}`);
      return 2;
    }
    console.error(`grant-admin failed: ${(err as Error).name}: ${(err as Error).message}`);
    return 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
