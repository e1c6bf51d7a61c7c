// Stage configuration (infra/config.ts) and cdk.json: no synth needed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig, STAGE_CONFIG, STAGES, validateConfig, type MachineClient } from '../../infra/config.js';
import { PROJECT_ROOT } from '../../infra/stack.js';
import { cdkJson } from './synth.js';

const ctx = (values: Record<string, unknown>) => (key: string) => values[key];

describe('stage config', () => {
  it('defaults to dev', () => {
    expect(loadConfig(ctx({})).stage).toBe('dev');
  });

  it('refuses unknown stages and bad overrides', () => {
    expect(() => loadConfig(ctx({ stage: 'staging' }))).toThrow(/Unknown stage/);
    expect(() => loadConfig(ctx({ googleClientId: 'not-a-client-id' }))).toThrow(/OAuth client id/);
    expect(() => loadConfig(ctx({ replenishmentSchedule: 'every hour' }))).toThrow(/rate\(\.\.\.\) or cron/);
    expect(() => loadConfig(ctx({ replenishmentEnabled: 'maybe' }))).toThrow(/true or false/);
    expect(() => loadConfig(ctx({ alarmEmail: 'nobody' }))).toThrow(/e-mail/);
  });

  it('takes comma lists and booleans from context', () => {
    const c = loadConfig(
      ctx({
        stage: 'prod',
        alarmEmail: 'ops@example.com',
        allowedGoogleDomains: 'a.com, b.org',
        allowedGoogleEmails: 'x@y.com',
        replenishmentEnabled: 'false',
      }),
    );
    expect(c.google.allowedDomains).toEqual(['a.com', 'b.org']);
    expect(c.google.allowedEmails).toEqual(['x@y.com']);
    expect(c.replenishment.enabled).toBe(false);
  });

  it('prod requires alarmEmail, with a message that says how to give it', () => {
    expect(() => loadConfig(ctx({ stage: 'prod' }))).toThrow(/alarmEmail is required for prod.*-c alarmEmail=/);
    expect(loadConfig(ctx({ stage: 'prod', alarmEmail: 'ops@example.com' })).alarms.email).toBe('ops@example.com');
    expect(loadConfig(ctx({})).alarms.email).toBeUndefined();
  });

  it('no standing admin machine client: refused in prod, and its tokens live 15 minutes at most anywhere', () => {
    for (const s of STAGES) {
      expect(STAGE_CONFIG[s].cognito.machineClients.some((m) => m.roles.includes('admin'))).toBe(false);
    }
    const withClient = (stage: 'dev' | 'prod', client: MachineClient) => {
      const c = structuredClone(STAGE_CONFIG[stage]);
      c.alarms.email = 'ops@example.com';
      c.cognito.machineClients = [...c.cognito.machineClients, client];
      return () => validateConfig(c);
    };
    expect(withClient('prod', { name: 'boot', roles: ['admin'], accessTokenMinutes: 5 })).toThrow(
      /no standing admin client/,
    );
    expect(withClient('dev', { name: 'boot', roles: ['admin'] })).toThrow(/15 minutes at most/);
    expect(withClient('dev', { name: 'boot', roles: ['admin'], accessTokenMinutes: 15 })).not.toThrow();
    expect(withClient('prod', { name: 'erp', roles: ['system'] })).toThrow(/appears twice/);
    expect(withClient('prod', { name: 'warehouse', roles: ['system'] })).not.toThrow();
  });

  it('reserved concurrency per function and lower public-route throttles per stage', () => {
    for (const s of STAGES) {
      for (const f of Object.values(STAGE_CONFIG[s].functions)) expect(f.reservedConcurrency).toBeGreaterThanOrEqual(1);
      expect(STAGE_CONFIG[s].api.publicRouteThrottle.rateLimit).toBeLessThan(STAGE_CONFIG[s].api.throttle.rateLimit);
    }
  });

  it('prod protects data; dev does not', () => {
    expect(STAGE_CONFIG.prod.table).toEqual({ deletionProtection: true, retainOnDelete: true });
    expect(STAGE_CONFIG.dev.table).toEqual({ deletionProtection: false, retainOnDelete: false });
    for (const s of STAGES) expect(STAGE_CONFIG[s].stage).toBe(s);
  });
});

describe('cdk.json', () => {
  const json = cdkJson();

  it('runs the app with tsx, without notices or telemetry', () => {
    expect(json.app).toBe('npx tsx infra/app.ts');
    expect(json.notices).toBe(false);
    expect(json.context['cli-telemetry']).toBe(false);
  });

  it("turns CDK's template validation findings into errors", () => {
    expect(json.context['@aws-cdk/core:validateAgainstDefaultRules']).toBe(true);
  });

  it('with its context, a template CloudFormation would reject fails synth', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'gf-cdk-invalid-'));
    try {
      const app = new App({ outdir, context: json.context });
      const stack = new Stack(app, 'Invalid');
      new CfnResource(stack, 'Queue', { type: 'AWS::SQS::Queue', properties: { MessageRetentionPeriod: 'one week' } });
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        expect(() => app.synth()).toThrow(/ERROR MessageRetentionPeriod/);
      } finally {
        error.mockRestore();
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('sets every feature flag aws-cdk-lib recommends, at its recommended value', () => {
    const recommended = JSON.parse(
      readFileSync(path.join(PROJECT_ROOT, 'node_modules/aws-cdk-lib/recommended-feature-flags.json'), 'utf8'),
    );
    for (const [flag, value] of Object.entries(recommended)) expect(json.context[flag], flag).toEqual(value);
  });
});
