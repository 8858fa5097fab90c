import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_RATE_LIMIT_PER_5_MIN, EDGE_WEB_ACL_PARAMETER } from '../lib/constructs/edge-web-acl.ts';
import { holdlineTemplate, only, referencedId } from './template.ts';

describe('web UI hosting', () => {
  let template: Template;
  let built: Template;
  let dist: string;
  beforeAll(() => {
    template = holdlineTemplate({ webDist: join(tmpdir(), 'holdline-no-such-dist') });
    dist = mkdtempSync(join(tmpdir(), 'holdline-web-'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Holdline</title>');
    built = holdlineTemplate({ webDist: dist });
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('keeps the UI bucket private, encrypted and TLS-only', () => {
    // The UI bucket is the one `cdk destroy` empties (the reports bucket is kept: cdk/test/reports-bucket.test.ts).
    const [bucketId, bucket] = only(template, 'AWS::S3::Bucket', (b) => b.DeletionPolicy !== 'Retain');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          // Only this distribution may read, through origin access control.
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
          }),
        ]),
      },
    });
  });

  it('serves the bucket over HTTPS through origin access control and forwards the API paths (orders, on-call gauges) to the API uncached', () => {
    const [oacId] = only(template, 'AWS::CloudFront::OriginAccessControl', () => true);
    const [, distribution] = only(template, 'AWS::CloudFront::Distribution', () => true);
    const cfg = distribution.Properties.DistributionConfig;
    expect(cfg.DefaultRootObject).toBe('index.html');
    expect(cfg.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    const s3Origin = cfg.Origins.find((o: { S3OriginConfig?: unknown }) => o.S3OriginConfig);
    expect(referencedId(s3Origin.OriginAccessControlId)).toBe(oacId);
    expect(cfg.CacheBehaviors.map((b: { PathPattern: string }) => b.PathPattern).sort()).toEqual([
      '/oncall/*',
      '/orders',
      '/orders/*',
    ]);
    const api = cfg.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === '/orders/*');
    expect(api).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: expect.arrayContaining(['POST', 'GET']),
      // CachingDisabled managed policy.
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
    });
    const apiOrigin = cfg.Origins.find((o: { Id: string }) => o.Id === api.TargetOriginId);
    expect(JSON.stringify(apiOrigin.DomainName)).toContain('HttpApi');
    expect(apiOrigin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
  });

  it("keeps the API paths' status codes: the SPA fallback is a function on the UI behaviour, not an error response", () => {
    const [, distribution] = only(template, 'AWS::CloudFront::Distribution', () => true);
    const cfg = distribution.Properties.DistributionConfig;
    // Distribution-wide error responses would turn an API 403/404 into 200 + index.html.
    expect(cfg.CustomErrorResponses).toBeUndefined();
    const [functionId, fn] = only(template, 'AWS::CloudFront::Function', () => true);
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(cfg.DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
    ]);
    for (const behavior of cfg.CacheBehaviors) expect(behavior.FunctionAssociations).toBeUndefined();
  });

  it('serves client-side routes index.html and files as they are', () => {
    const [, fn] = only(template, 'AWS::CloudFront::Function', () => true);
    // The function body is plain ES5 JavaScript: run it as CloudFront would.
    const handler = new Function(`${fn.Properties.FunctionCode}; return handler;`)() as (event: {
      request: { uri: string };
    }) => { uri: string };
    const uri = (path: string) => handler({ request: { uri: path } }).uri;
    expect(uri('/orders-page/42')).toBe('/index.html');
    expect(uri('/')).toBe('/index.html');
    expect(uri('/assets/index-abc.js')).toBe('/assets/index-abc.js');
    expect(uri('/config.json')).toBe('/config.json');
  });

  it('puts a WAF web ACL with a per-IP rate rule, the AWS common and known-bad-inputs rule sets in front of CloudFront', () => {
    const [aclId, acl] = only(template, 'AWS::WAFv2::WebACL', () => true);
    expect(acl.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    expect(acl.Properties.Rules).toEqual([
      expect.objectContaining({
        Action: { Block: {} },
        Statement: { RateBasedStatement: { Limit: EDGE_RATE_LIMIT_PER_5_MIN, AggregateKeyType: 'IP' } },
      }),
      expect.objectContaining({
        Statement: {
          ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' },
        },
      }),
      expect.objectContaining({
        OverrideAction: { None: {} },
        Statement: {
          ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' },
        },
      }),
    ]);
    const [, distribution] = only(template, 'AWS::CloudFront::Distribution', () => true);
    const webAclId = distribution.Properties.DistributionConfig.WebACLId['Fn::If'];
    expect(webAclId).toEqual([
      (template.toJSON().Resources[aclId] as { Condition: string }).Condition,
      { 'Fn::GetAtt': [aclId, 'Arn'] },
      { Ref: EDGE_WEB_ACL_PARAMETER },
    ]);
  });

  it('refuses a deploy outside us-east-1 unless a us-east-1 web ACL is passed in', () => {
    const rules = Object.values(template.toJSON().Rules ?? {}) as { Assertions: { Assert: unknown }[] }[];
    const asserts = JSON.stringify(rules.flatMap((r) => r.Assertions.map((a) => a.Assert)));
    expect(asserts).toContain('"us-east-1"');
    expect(asserts).toContain(`{"Ref":"${EDGE_WEB_ACL_PARAMETER}"}`);
  });

  it('sends CSP with frame-ancestors, HSTS and no-framing headers with the UI and the API', () => {
    const [policyId, policy] = only(template, 'AWS::CloudFront::ResponseHeadersPolicy', () => true);
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers.ContentSecurityPolicy.ContentSecurityPolicy).toContain("frame-ancestors 'none'");
    expect(headers.ContentSecurityPolicy.ContentSecurityPolicy).toContain("default-src 'self'");
    expect(headers.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 730 * 24 * 3600,
      IncludeSubdomains: true,
    });
    expect(headers.FrameOptions.FrameOption).toBe('DENY');
    const [, distribution] = only(template, 'AWS::CloudFront::Distribution', () => true);
    const cfg = distribution.Properties.DistributionConfig;
    for (const behavior of [cfg.DefaultCacheBehavior, ...cfg.CacheBehaviors])
      expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });

  it('switches the execute-api endpoint off when the API has its own domain, and CloudFront forwards to that domain', () => {
    const withDomain = holdlineTemplate({
      webDist: join(tmpdir(), 'holdline-no-such-dist'),
      apiDomainName: 'api.example.com',
      apiCertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
    });
    const [domainId] = only(withDomain, 'AWS::ApiGatewayV2::DomainName', () => true);
    const [, api] = only(withDomain, 'AWS::ApiGatewayV2::Api', () => true);
    expect(api.Properties.DisableExecuteApiEndpoint).toBe(true);
    const [, distribution] = only(withDomain, 'AWS::CloudFront::Distribution', () => true);
    const cfg = distribution.Properties.DistributionConfig;
    const apiBehavior = cfg.CacheBehaviors.find(
      (b: { PathPattern: string }) => b.PathPattern === '/orders/*',
    );
    const origin = cfg.Origins.find((o: { Id: string }) => o.Id === apiBehavior.TargetOriginId);
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [domainId, 'RegionalDomainName'] });
    // Without a domain, execute-api is CloudFront's origin and stays on.
    const [, sandboxApi] = only(template, 'AWS::ApiGatewayV2::Api', () => true);
    expect(sandboxApi.Properties.DisableExecuteApiEndpoint).toBeFalsy();
  });

  it('uploads the UI only when it was built, with the API URL as config.json, and invalidates the cache', () => {
    template.resourceCountIs('Custom::CDKBucketDeployment', 0);
    built.resourceCountIs('Custom::CDKBucketDeployment', 1);
    built.hasResourceProperties('Custom::CDKBucketDeployment', {
      DistributionPaths: ['/*'],
      SourceMarkers: Match.arrayWith([Match.objectLike({})]),
    });
  });

  it('outputs the UI address', () => {
    const [distributionId] = only(template, 'AWS::CloudFront::Distribution', () => true);
    expect(JSON.stringify(template.toJSON().Outputs.WebUrl.Value)).toContain(distributionId);
  });
});
