// Per-stage configuration of the AWS stack. Select a stage with `-c stage=dev|prod` (default dev).
// Values that differ per deployment (Google client id, allowed users, alarm e-mail, account and
// region) can be given on the command line as context instead of editing this file:
//   npx cdk deploy -c stage=prod -c googleClientId=1234-abc.apps.googleusercontent.com \
//     -c allowedGoogleDomains=example.com -c alarmEmail=ops@example.com
// prod requires alarmEmail (an alarm nobody receives is no alarm).
import { envList } from '../functions/env.js';
import { ROLES, type Role } from '../shared/roles.js';

export const STAGES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

export { ROLES };
export type RoleName = Role;

export interface FunctionSizing {
  memoryMb: number;
  timeoutSeconds: number;
  /** Reserved concurrency: the most instances at once, and that many kept for this function. */
  reservedConcurrency: number;
}

export interface MachineClient {
  /** App client name (letters, digits, dashes): one client per integrating system. */
  name: string;
  /** Roles granted through the scopes `garmentflow/<role>`. */
  roles: RoleName[];
  /** Access token lifetime (default cognito.accessTokenMinutes); at most 15 with the admin role. */
  accessTokenMinutes?: number;
}

/** The longest an admin-scoped machine token may live. */
export const ADMIN_TOKEN_MAX_MINUTES = 15;

export interface StageConfig {
  stage: StageName;
  /** Account/region to deploy to; unset: the CLI's current credentials and region. */
  account?: string;
  region?: string;
  /** Prefix of every physical name and of the CloudFormation stack name. */
  stackName: string;

  table: {
    /** DeletionProtectionEnabled on the table. */
    deletionProtection: boolean;
    /** Keep the table (and other data-bearing resources) when the stack is deleted. */
    retainOnDelete: boolean;
  };

  logs: { retentionDays: number; level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' };

  functions: {
    api: FunctionSizing;
    replenishment: FunctionSizing;
    publisher: FunctionSizing;
    authorizer: FunctionSizing;
  };

  api: {
    /** Default stage throttling (requests per second, steady and burst). */
    throttle: { rateLimit: number; burstLimit: number };
    /** Throttling of the public routes (health, OpenAPI document): no token needed, so kept low. */
    publicRouteThrottle: { rateLimit: number; burstLimit: number };
    // No CORS: the add-on calls the API from Apps Script's servers (UrlFetchApp), never from a browser.
    /** Seconds API Gateway caches an authorizer decision per token (0 = no cache). */
    authorizerCacheSeconds: number;
  };

  google: {
    /** The add-on's OAuth client id: the audience of its ID tokens. Empty: Google callers are refused. */
    clientId: string;
    allowedDomains: string[];
    allowedEmails: string[];
  };

  cognito: {
    /** Prefix of the hosted token endpoint domain: <prefix>.auth.<region>.amazoncognito.com.
     *  Unset: `garmentflow-<stage>-<account id>` (unique per account and stage). */
    domainPrefix?: string;
    /**
     * One client-credentials app client per integrating system. No standing admin client: the first
     * admin is granted with `npm run grant-admin` (docs/deploy.md); prod refuses one in this list.
     */
    machineClients: MachineClient[];
    /** Default access token lifetime of machine clients. */
    accessTokenMinutes: number;
  };

  replenishment: {
    /** Schedule on/off (the admin endpoint and settings.replenishment.enabled still apply). */
    enabled: boolean;
    /** EventBridge Scheduler expression: `rate(1 hour)` or `cron(0 6 * * ? *)`. */
    schedule: string;
    timeZone: string;
  };

  publisher: {
    batchSize: number;
    maxBatchingWindowSeconds: number;
    retryAttempts: number;
    /** Records older than this are sent to the DLQ instead of being retried. */
    maxRecordAgeHours: number;
  };

  events: {
    /** Archive every event on the bus for replay, for this many days (0 = no archive). */
    archiveRetentionDays: number;
  };

  alarms: {
    /** Subscribed to the alarm topic (confirm the subscription e-mail); required for prod. */
    email?: string;
    /** Callers refused for one reason per 5 minutes that raise that reason's alarm. */
    authorizerDenialsPer5Minutes: number;
    /** 5xx responses of the API per 5 minutes that raise the alarm. */
    api5xxPer5Minutes: number;
    /** Stream lag of the publisher that raises the alarm. */
    publisherIteratorAgeMinutes: number;
  };
}

const base = (stage: StageName): StageConfig => ({
  stage,
  stackName: `GarmentFlow-${stage}`,
  table: { deletionProtection: true, retainOnDelete: true },
  logs: { retentionDays: 30, level: 'INFO' },
  functions: {
    api: { memoryMb: 1024, timeoutSeconds: 29, reservedConcurrency: 100 },
    // One run at a time (a second schedule delivery waits for Lambda's retry instead of racing).
    replenishment: { memoryMb: 1024, timeoutSeconds: 300, reservedConcurrency: 1 },
    publisher: { memoryMb: 512, timeoutSeconds: 60, reservedConcurrency: 5 },
    authorizer: { memoryMb: 512, timeoutSeconds: 10, reservedConcurrency: 100 },
  },
  api: {
    throttle: { rateLimit: 100, burstLimit: 200 },
    publicRouteThrottle: { rateLimit: 5, burstLimit: 10 },
    authorizerCacheSeconds: 60,
  },
  google: { clientId: '', allowedDomains: [], allowedEmails: [] },
  cognito: {
    machineClients: [
      // The ERP: stock levels, sales orders, replenishment runs. Add one entry per further system
      // (warehouse, e-commerce), each with its own secret, so one can be revoked alone.
      { name: 'erp', roles: ['system'] },
    ],
    accessTokenMinutes: 60,
  },
  replenishment: { enabled: true, schedule: 'cron(0 5 * * ? *)', timeZone: 'UTC' },
  publisher: { batchSize: 100, maxBatchingWindowSeconds: 1, retryAttempts: 10, maxRecordAgeHours: 24 },
  events: { archiveRetentionDays: 30 },
  alarms: { api5xxPer5Minutes: 5, publisherIteratorAgeMinutes: 5, authorizerDenialsPer5Minutes: 50 },
});

export const STAGE_CONFIG: Record<StageName, StageConfig> = {
  dev: {
    ...base('dev'),
    // dev can be torn down completely.
    table: { deletionProtection: false, retainOnDelete: false },
    logs: { retentionDays: 7, level: 'DEBUG' },
    api: {
      ...base('dev').api,
      throttle: { rateLimit: 20, burstLimit: 40 },
      publicRouteThrottle: { rateLimit: 2, burstLimit: 5 },
    },
    functions: {
      api: { ...base('dev').functions.api, reservedConcurrency: 10 },
      replenishment: { ...base('dev').functions.replenishment, reservedConcurrency: 1 },
      publisher: { ...base('dev').functions.publisher, reservedConcurrency: 2 },
      authorizer: { ...base('dev').functions.authorizer, reservedConcurrency: 10 },
    },
    replenishment: { enabled: false, schedule: 'rate(1 hour)', timeZone: 'UTC' },
    events: { archiveRetentionDays: 0 },
  },
  prod: {
    ...base('prod'),
    logs: { retentionDays: 90, level: 'INFO' },
    events: { archiveRetentionDays: 90 },
  },
};

/** Context keys that override the stage's file values (strings; lists are comma separated). */
export const CONTEXT_KEYS = {
  stage: 'stage',
  account: 'account',
  region: 'region',
  googleClientId: 'googleClientId',
  allowedGoogleDomains: 'allowedGoogleDomains',
  allowedGoogleEmails: 'allowedGoogleEmails',
  alarmEmail: 'alarmEmail',
  replenishmentEnabled: 'replenishmentEnabled',
  replenishmentSchedule: 'replenishmentSchedule',
} as const;

type ContextReader = (key: string) => unknown;

function asList(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v))
    return v
      .map(String)
      .map((s) => s.trim())
      .filter(Boolean);
  return envList(String(v));
}

function asString(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

function asBool(v: unknown): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (/^(true|1|yes|on)$/i.test(String(v))) return true;
  if (/^(false|0|no|off)$/i.test(String(v))) return false;
  throw new Error(`expected true or false, got ${String(v)}`);
}

export function isStage(s: unknown): s is StageName {
  return typeof s === 'string' && (STAGES as readonly string[]).includes(s);
}

/** The stage's configuration with context overrides applied (and checked). */
export function loadConfig(context: ContextReader): StageConfig {
  const stage = asString(context(CONTEXT_KEYS.stage)) ?? 'dev';
  if (!isStage(stage)) throw new Error(`Unknown stage "${stage}": use -c stage=${STAGES.join('|')}`);
  const file = STAGE_CONFIG[stage];
  const config: StageConfig = {
    ...file,
    account: asString(context(CONTEXT_KEYS.account)) ?? file.account,
    region: asString(context(CONTEXT_KEYS.region)) ?? file.region,
    google: {
      clientId: asString(context(CONTEXT_KEYS.googleClientId)) ?? file.google.clientId,
      allowedDomains: asList(context(CONTEXT_KEYS.allowedGoogleDomains)) ?? file.google.allowedDomains,
      allowedEmails: asList(context(CONTEXT_KEYS.allowedGoogleEmails)) ?? file.google.allowedEmails,
    },
    replenishment: {
      ...file.replenishment,
      enabled: asBool(context(CONTEXT_KEYS.replenishmentEnabled)) ?? file.replenishment.enabled,
      schedule: asString(context(CONTEXT_KEYS.replenishmentSchedule)) ?? file.replenishment.schedule,
    },
    alarms: { ...file.alarms, email: asString(context(CONTEXT_KEYS.alarmEmail)) ?? file.alarms.email },
  };
  validateConfig(config);
  return config;
}

export function validateConfig(c: StageConfig): void {
  const problems: string[] = [];
  if (!/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/.test(c.replenishment.schedule)) {
    problems.push(`replenishment.schedule "${c.replenishment.schedule}" is not rate(...) or cron(...)`);
  }
  if (c.google.clientId && !/\.apps\.googleusercontent\.com$/.test(c.google.clientId)) {
    problems.push(
      `google.clientId "${c.google.clientId}" does not look like an OAuth client id (*.apps.googleusercontent.com)`,
    );
  }
  for (const d of c.google.allowedDomains)
    if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(d)) problems.push(`allowed Google domain "${d}" is not a domain`);
  for (const e of c.google.allowedEmails)
    if (!/^[^@\s]+@[^@\s]+$/.test(e)) problems.push(`allowed Google email "${e}" is not an e-mail address`);
  if (c.alarms.email && !/^[^@\s]+@[^@\s]+$/.test(c.alarms.email))
    problems.push(`alarm email "${c.alarms.email}" is not an e-mail address`);
  if (c.stage === 'prod' && !c.alarms.email) {
    problems.push(
      'alarmEmail is required for prod (alarms nobody receives are no alarms): -c alarmEmail=ops@example.com',
    );
  }
  for (const [name, f] of Object.entries(c.functions)) {
    if (!Number.isInteger(f.reservedConcurrency) || f.reservedConcurrency < 1) {
      problems.push(`functions.${name}.reservedConcurrency must be a whole number of at least 1`);
    }
  }
  const pub = c.api.publicRouteThrottle;
  if (pub.rateLimit <= 0 || pub.burstLimit <= 0 || pub.rateLimit > c.api.throttle.rateLimit) {
    problems.push('api.publicRouteThrottle must be positive and no higher than api.throttle');
  }
  if (c.cognito.domainPrefix && !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(c.cognito.domainPrefix))
    problems.push('cognito.domainPrefix must be lower-case letters, digits and dashes');
  const names = new Set<string>();
  for (const m of c.cognito.machineClients) {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(m.name))
      problems.push(`machine client name "${m.name}" must be letters, digits and dashes`);
    if (names.has(m.name)) problems.push(`machine client "${m.name}" appears twice`);
    names.add(m.name);
    if (m.roles.length === 0) problems.push(`machine client "${m.name}" has no roles`);
    const minutes = m.accessTokenMinutes ?? c.cognito.accessTokenMinutes;
    if (!Number.isInteger(minutes) || minutes < 5 || minutes > 1440) {
      problems.push(`machine client "${m.name}": access tokens must live 5..1440 minutes (Cognito's range)`);
    }
    if (m.roles.includes('admin')) {
      if (c.stage === 'prod') {
        problems.push(
          `machine client "${m.name}" has the admin role: prod has no standing admin client (npm run grant-admin)`,
        );
      }
      if (minutes > ADMIN_TOKEN_MAX_MINUTES) {
        problems.push(
          `machine client "${m.name}" has the admin role: its tokens may live ${ADMIN_TOKEN_MAX_MINUTES} minutes at most`,
        );
      }
    }
  }
  if (c.publisher.batchSize < 1 || c.publisher.batchSize > 10_000)
    problems.push('publisher.batchSize must be 1..10000');
  if (c.publisher.retryAttempts < 0 || c.publisher.retryAttempts > 10_000)
    problems.push('publisher.retryAttempts must be 0..10000');
  if (c.api.throttle.rateLimit <= 0 || c.api.throttle.burstLimit <= 0)
    problems.push('api.throttle limits must be positive');
  if (problems.length) throw new Error(`Invalid configuration for stage ${c.stage}:\n- ${problems.join('\n- ')}`);
}
