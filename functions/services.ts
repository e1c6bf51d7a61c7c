// Clients at module scope: created once per Lambda container (or local process), reused by every request.
import { googlePolicyFromEnv } from './auth/googleSignIn.js';
import { DEFAULT_TABLE_NAME } from './store/tableDefinition.js';
import { createDocumentClient, Db } from './store/db.js';
import { IdempotencyRecords } from './store/idempotency.js';
import { Store } from './store/store.js';

export const config = {
  tableName: process.env.TABLE_NAME ?? DEFAULT_TABLE_NAME,
  dynamoEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
  googleSignIn: googlePolicyFromEnv(),
};

export const documentClient = createDocumentClient(config.dynamoEndpoint);
export const db = new Db(documentClient, config.tableName);
export const store = new Store(db);
export const idempotencyRecords = new IdempotencyRecords(db);
