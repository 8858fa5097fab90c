import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUTHORIZER_ENV } from '../../lambdas/authorizer/settings.ts';
import { config } from '../lib/config.ts';
import { synthTemplate } from '../lib/synth.ts';
import { READ_ONLY_SYNTH_ISSUER } from '../lib/token-issuer.ts';
import { functionByEntry, holdlineTemplate, referencedId, resourcesOf } from './template.ts';

describe('identity, the order list and the reconciler', () => {
  let template: Template;
  beforeAll(() => {
    template = holdlineTemplate();
  });

  it('puts every API route behind the Lambda authorizer (payload 2.0, simple responses, bearer header)', () => {
    const [authorizerFn] = functionByEntry(template, 'lambdas/authorizer/handler.ts');
    const authorizers = Object.entries(resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer'));
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0]!;
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: config.authorizerCacheTtl.toSeconds(),
    });
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(authorizerFn);
    for (const route of Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route'))) {
      expect(route.Properties.AuthorizationType).toBe('CUSTOM');
      expect(referencedId(route.Properties.AuthorizerId)).toBe(authorizerId);
    }
  });

  it("keeps the authorizer's verdict cache under every accepted token's remaining life", () => {
    const [, fn] = functionByEntry(template, 'lambdas/authorizer/handler.ts');
    const [authorizer] = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer'));
    const cacheTtl = authorizer!.Properties.AuthorizerResultTtlInSeconds as number;
    const env = fn.Properties.Environment.Variables;
    // The authorizer refuses a token with less than TOKEN_MIN_REMAINING_SECONDS left: a verdict cached for at
    // most that long ends before its token does.
    expect(cacheTtl).toBeGreaterThan(0);
    expect(cacheTtl).toBeLessThanOrEqual(Number(env[AUTHORIZER_ENV.minRemainingSeconds]));
    expect(Number(env[AUTHORIZER_ENV.minRemainingSeconds])).toBeLessThan(
      Number(env[AUTHORIZER_ENV.maxAgeSeconds]),
    );
    expect(Number(env[AUTHORIZER_ENV.maxAgeSeconds])).toBe(config.tokenMaxAge.toSeconds());
  });

  it("verifies tokens against the issuer's JWKS and holds no signing key of its own", () => {
    const [, fn] = functionByEntry(template, 'lambdas/authorizer/handler.ts');
    expect(fn.Properties.Environment.Variables).toMatchObject({
      [AUTHORIZER_ENV.jwksUrl]: READ_ONLY_SYNTH_ISSUER.tokenJwksUrl,
      [AUTHORIZER_ENV.jwksCacheSeconds]: String(config.tokenKeyCacheMaxAge.toSeconds()),
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/TokenSigningKey|TOKEN_SIGNING_SECRET/);
    const issuerUrl = 'https://login.example.com/.well-known/jwks.json';
    const [, configured] = functionByEntry(
      holdlineTemplate({ tokenJwksUrl: issuerUrl }),
      'lambdas/authorizer/handler.ts',
    );
    expect(configured.Properties.Environment.Variables[AUTHORIZER_ENV.jwksUrl]).toBe(issuerUrl);
    // Keys fetched over plain HTTP could be swapped on the way: such a setting fails synth.
    expect(() => holdlineTemplate({ tokenJwksUrl: 'http://login.example.com/jwks.json' })).toThrow(/https/);
    // No issuer named: synth fails and says which setting, rather than deploying an API that refuses every token.
    expect(() => synthTemplate({ context: { providers: 'stub' } })).toThrow(
      /No token issuer\. Pass -c tokenJwksUrl=/,
    );
  });

  it('indexes the order view by customer, newest first, for GET /orders', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'byCustomer',
          KeySchema: [
            { AttributeName: 'customer_id', KeyType: 'HASH' },
            { AttributeName: 'created_at', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        }),
      ],
    });
  });

  it('gives only the OnCall function, outside the VPC, read-only CloudWatch access', () => {
    const readers = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('cloudwatch:GetMetricData'),
    );
    expect(readers).toHaveLength(1);
    expect(JSON.stringify(readers[0]!.Properties.Roles)).toContain('OnCall');
    const statements = readers[0]!.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'],
        Effect: 'Allow',
      }),
    );
    // Alarm states only, of this account and region.
    const describe = statements.find((s: { Action: unknown }) => s.Action === 'cloudwatch:DescribeAlarms');
    expect(JSON.stringify(describe.Resource)).toContain(':alarm:');
    const [, onCall] = functionByEntry(template, 'lambdas/oncall/handler.ts');
    expect(onCall.Properties.VpcConfig).toBeUndefined();
  });

  it('runs the reconciler on a rate schedule with the configured deadline', () => {
    const [reconcileId, reconcile] = functionByEntry(template, 'lambdas/reconcile/handler.ts');
    expect(reconcile.Properties.Environment.Variables.RECONCILE_DEADLINE_SECONDS).toBe(
      String(config.reconcileDeadline.toSeconds()),
    );
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${config.reconcileInterval.toMinutes()} minute)`,
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [reconcileId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
  });
});

describe('web hosting', () => {
  let template: Template;
  beforeAll(() => {
    template = holdlineTemplate();
  });

  it('keeps the site bucket private, behind CloudFront origin access control', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
  });

  it('serves the API paths from the same distribution, uncached, with the viewer headers', () => {
    const distribution = Object.values(resourcesOf(template, 'AWS::CloudFront::Distribution'))[0]!;
    const behaviors = distribution.Properties.DistributionConfig.CacheBehaviors as Array<
      Record<string, unknown>
    >;
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual(['/oncall/*', '/orders', '/orders/*']);
    for (const behavior of behaviors)
      expect(behavior).toMatchObject({
        // Managed policies: CachingDisabled and AllViewerExceptHostHeader.
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
        OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
        ViewerProtocolPolicy: 'https-only',
      });
  });
});
