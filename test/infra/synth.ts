// Synthesizes the CDK app of one stage the way `npm run synth` does (cdk.json's context, the
// stage selected with the `stage` context key), into a temporary directory. One synth per stage
// per test file: bundling runs esbuild for four functions.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { createStack, PROJECT_ROOT, type GarmentFlowStack } from '../../infra/stack.js';

export interface Synth {
  stage: string;
  app: App;
  stack: GarmentFlowStack;
  assembly: CloudAssembly;
  template: Template;
  /** The raw template JSON. */
  json: {
    Resources: Record<
      string,
      { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string }
    >;
    Outputs?: Record<string, any>;
  };
  outdir: string;
  dispose(): void;
}

export function cdkJson(): { app: string; context: Record<string, unknown>; [k: string]: unknown } {
  return JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8'));
}

export function synthStage(stage: string, extraContext: Record<string, unknown> = {}): Synth {
  const outdir = mkdtempSync(path.join(tmpdir(), `gf-cdk-${stage}-`));
  const app = new App({ outdir, context: { ...cdkJson().context, stage, ...extraContext } });
  const stack = createStack(app);
  // cdk-nag's rule packs as validation plugins: an unacknowledged error fails synth; warnings land in
  // validation-report.json (stack.test.ts fails on any). Acknowledgments, with reasons: infra/stack.ts.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  // app.synth() runs CDK's template validation (cdk.json turns its findings into errors) and the
  // plugins, and throws when they fail, exactly like `cdk synth`.
  const assembly = app.synth();
  const json = assembly.getStackByName(stack.stackName).template;
  return {
    stage,
    app,
    stack,
    assembly,
    template: Template.fromJSON(json),
    json,
    outdir,
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** Logical ids of the resources of one type. */
export function idsOf(s: Synth, type: string): string[] {
  return Object.entries(s.json.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id]) => id);
}
