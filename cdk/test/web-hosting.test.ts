import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    const [bucketId, bucket] = only(template, 'AWS::S3::Bucket', () => true);
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
