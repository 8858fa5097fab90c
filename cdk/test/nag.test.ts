import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpNoneAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { HttpApiGuards } from '../lib/constructs/http-api-guards.ts';
import { addHoldlineStack } from '../lib/holdline-app.ts';
import { addNagChecks } from '../lib/nag.ts';
import { type CfnTemplate, resourcesOf } from '../lib/template.ts';
import { READ_ONLY_SYNTH_ISSUER } from '../lib/token-issuer.ts';
import { holdlineTemplateJson, TEST_PROVIDERS } from './template.ts';

const VARIANTS = [
  { database: 'rds', cdc: 'debezium' },
  { database: 'aurora', cdc: 'debezium' },
  { database: 'rds', cdc: 'dms' },
  { database: 'aurora', cdc: 'dms' },
] as const;

/** Each variant again with the stub providers (`providers=stub`): their function and its URL are deployable too. */
const STUB_VARIANTS = VARIANTS.map((v) => ({ ...v, providers: 'stub' }));

/** The app as `cdk/bin/app.ts` builds it (bundling skipped), with the AwsSolutions checks registered. Provider
 *  URLs as the template tests use them, unless the context chooses the stub. */
function nagApp(context: Record<string, unknown>) {
  const providers = 'providers' in context ? {} : TEST_PROVIDERS;
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], ...READ_ONLY_SYNTH_ISSUER, ...providers, ...context },
  });
  const stack = addHoldlineStack(app);
  const checks = addNagChecks(app);
  return { app, stack, checks };
}

/** Every finding as `rule construct-path`, acknowledged ones excluded (cdk-nag v3 reports only those left). */
function findings(checks: ReturnType<typeof addNagChecks>, scope: IConstruct): string[] {
  return checks
    .validateScope(scope)
    .violations.flatMap((v) =>
      v.violatingResources.map(
        (r) => `${v.ruleName} ${(r as { constructPath?: string }).constructPath ?? r.resourceLogicalId}`,
      ),
    );
}

interface Acknowledgment {
  path: string;
  id: string;
  reason: string;
}

/** Our cdk-nag acknowledgments (metadata `{ "Annotation::AwsSolutions-…": reason }`); CDK's own ones are skipped. */
function acknowledgments(app: App): Acknowledgment[] {
  return app.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .filter(([key]) => key.startsWith('Annotation::AwsSolutions-'))
      .map(([key, reason]) => ({ path: c.node.path, id: key.replace('Annotation::', ''), reason })),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it.each([...VARIANTS, ...STUB_VARIANTS])(
    'finds nothing unacknowledged with database=$database cdc=$cdc providers=$providers',
    (context) => {
      const { app, checks } = nagApp(context);
      expect(findings(checks, app)).toEqual([]);
      // The plugin runs in synth too: this is what `cdk synth` and `cdk deploy` do.
      expect(() => app.synth()).not.toThrow();
    },
  );

  it('finds nothing unacknowledged when a built UI is uploaded (BucketDeployment and its handler)', () => {
    const dist = mkdtempSync(join(tmpdir(), 'holdline-web-'));
    try {
      writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Holdline</title>');
      const { app, stack, checks } = nagApp({ webDist: dist });
      expect(stack.node.tryFindChild('WebHosting')?.node.tryFindChild('Deployment')).toBeDefined();
      expect(findings(checks, app)).toEqual([]);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });

  it.each([
    { database: 'rds', bastion: 'true' },
    { database: 'aurora', bastion: 'true' },
    { egress: 'nat' },
    { capture: 'paused' },
    { multiAz: 'false' },
    { relay: 'polling' },
    { database: 'aurora', relay: 'polling' },
  ])('finds nothing unacknowledged with the optional switches %j', (context) => {
    const { app, checks } = nagApp(context);
    expect(findings(checks, app)).toEqual([]);
  });

  it('fails synth on a finding nobody acknowledged', () => {
    const { app, stack, checks } = nagApp({});
    new Bucket(stack, 'Careless');
    expect(findings(checks, app).some((f) => f.startsWith('AwsSolutions-S1 Holdline/Careless'))).toBe(true);
    expect(() => app.synth()).toThrow();
  });

  it('reports an API route without an authorizer: the guards acknowledge no such route (APIG4)', () => {
    const app = new App();
    const stack = new Stack(app, 'Guarded');
    const api = new HttpApi(stack, 'Api');
    api.addRoutes({
      path: '/open',
      methods: [HttpMethod.GET],
      integration: new HttpUrlIntegration('Open', 'https://example.com'),
      authorizer: new HttpNoneAuthorizer(),
    });
    new HttpApiGuards(stack, 'Guards', api);
    const checks = addNagChecks(app);
    expect(findings(checks, app).filter((f) => f.startsWith('AwsSolutions-APIG4'))).toEqual([
      'AwsSolutions-APIG4 Guarded/Api/GET--open/Resource',
    ]);
    expect(acknowledgments(app).filter((a) => a.id.startsWith('AwsSolutions-APIG4'))).toEqual([]);
  });

  it('acknowledges each rule beside the construct it concerns, with a reason that says why', () => {
    for (const context of [...VARIANTS, ...STUB_VARIANTS]) {
      const { app } = nagApp(context);
      const all = acknowledgments(app);
      expect(all.length).toBeGreaterThan(0);
      for (const ack of all) {
        // Never stack- or app-wide.
        expect(ack.path.split('/').length, `${ack.id} on ${ack.path}`).toBeGreaterThan(1);
        expect(ack.id).toMatch(/^AwsSolutions-/);
        expect(ack.reason.length, `${ack.id} on ${ack.path}: ${ack.reason}`).toBeGreaterThan(60);
      }
    }
  });

  it('grants on Resource "*" only actions AWS offers on nothing narrower (the IAM5 acknowledgments rely on it)', () => {
    const onlyOnStar = new Set([
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'ecr:GetAuthorizationToken',
      'cloudwatch:PutMetricData',
      // The on-call panel's reads (DescribeAlarms is scoped to alarm ARNs).
      'cloudwatch:GetMetricData',
      'cloudwatch:ListMetrics',
      // CDK's BucketDeployment handler invalidates the distribution after an upload.
      'cloudfront:CreateInvalidation',
      'cloudfront:GetInvalidation',
    ]);
    for (const context of [...VARIANTS, ...STUB_VARIANTS]) {
      const template = holdlineTemplateJson(context);
      // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON.
      for (const [id, resource] of resourcesOf(template as CfnTemplate<Record<string, any>>)) {
        if (resource.Type !== 'AWS::IAM::Policy') continue;
        for (const statement of resource.Properties?.PolicyDocument.Statement ?? []) {
          if (![statement.Resource].flat().includes('*')) continue;
          for (const action of [statement.Action].flat())
            expect(onlyOnStar, `${id}: ${action}`).toContain(action);
        }
      }
    }
  });
});
