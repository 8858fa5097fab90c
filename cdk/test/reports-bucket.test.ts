import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { config } from '../lib/config.ts';
import { functionByEntry, holdlineTemplate, resourcesOf } from './template.ts';

const REPORT_EXPORT = 'lambdas/change-rules/consumers/report-export/handler.ts';

describe('the reports bucket (report-export rule)', () => {
  let template: Template;
  let bucketId: string;
  beforeAll(() => {
    template = holdlineTemplate();
    const output = template.toJSON().Outputs.ReportsBucketName.Value as { Ref: string };
    bucketId = output.Ref;
  });

  it('is private, encrypted, TLS-only, versioned, kept on stack deletion and expires reports and old versions', () => {
    const bucket = template.toJSON().Resources[bucketId];
    expect(bucket.Type).toBe('AWS::S3::Bucket');
    expect(bucket.DeletionPolicy).toBe('Retain');
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
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [
          {
            ExpirationInDays: config.reportRetention.toDays(),
            NoncurrentVersionExpiration: { NoncurrentDays: 7 },
            Status: 'Enabled',
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('is written only by the report-export function, which may put objects and not read or delete them', () => {
    const [, fn] = functionByEntry(template, REPORT_EXPORT);
    expect(fn.Properties.Environment.Variables.REPORTS_BUCKET).toEqual({ Ref: bucketId });
    const writers = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((r) =>
      JSON.stringify(r.Properties.PolicyDocument).includes(`"${bucketId}"`),
    );
    expect(writers).toHaveLength(1);
    const statements = writers[0]?.Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const actions = statements
      .filter((s) => JSON.stringify(s.Resource).includes(`"${bucketId}"`))
      .flatMap((s) => [s.Action].flat());
    expect(actions.every((a) => a.startsWith('s3:PutObject') || a.startsWith('s3:Abort'))).toBe(true);
    expect(actions).toContain('s3:PutObject');
  });
});
