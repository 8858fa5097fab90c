import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { holdlineTemplate, only, referencedId } from './template.ts';

describe('on-call topic', () => {
  let template: Template;
  beforeAll(() => {
    template = holdlineTemplate();
  });

  it('is encrypted at rest with a rotated key that CloudWatch alarms may use to publish', () => {
    const [, topic] = only(
      template,
      'AWS::SNS::Topic',
      (r) => r.Properties.DisplayName === 'Holdline on-call',
    );
    const keyId = referencedId(topic.Properties.KmsMasterKeyId);
    expect(keyId).toBeDefined();
    const key = template.toJSON().Resources[keyId as string];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const cloudwatch = key.Properties.KeyPolicy.Statement.find(
      (s: { Principal?: { Service?: string } }) => s.Principal?.Service === 'cloudwatch.amazonaws.com',
    );
    expect(cloudwatch.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
  });
});
