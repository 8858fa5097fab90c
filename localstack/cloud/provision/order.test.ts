// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings hold CloudFormation ${} placeholders.
import { describe, expect, it } from 'vitest';
import { InvalidTemplateError } from './errors.ts';
import { localName } from './names.ts';
import { dependencyOrder } from './order.ts';
import { requestedAttributes } from './references.ts';

describe('dependencyOrder', () => {
  it('puts a DLQ before the queue whose redrive policy names it, keeping template order otherwise', () => {
    const order = dependencyOrder({
      Source: {
        Type: 'AWS::SQS::Queue',
        Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } },
      },
      Table: { Type: 'AWS::DynamoDB::Table' },
      Dlq: { Type: 'AWS::SQS::Queue' },
      Fn: {
        Type: 'AWS::Lambda::Function',
        DependsOn: ['Table'],
        Properties: { X: { 'Fn::Sub': '${Source}' } },
      },
    });
    expect(order).toEqual(['Table', 'Dlq', 'Source', 'Fn']);
  });

  it('rejects a cycle and names the resources in it', () => {
    expect(() =>
      dependencyOrder({
        A: { Type: 'T', Properties: { x: { Ref: 'B' } } },
        B: { Type: 'T', DependsOn: 'A' },
      }),
    ).toThrow(InvalidTemplateError);
  });
});

describe('requestedAttributes', () => {
  it('collects Fn::GetAtt and ${Id.Attr} reads per resource, across resources and outputs', () => {
    const wanted = requestedAttributes({
      Resources: { Fn: { Type: 'T', Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } } },
      Outputs: {
        Db: { Value: { 'Fn::Sub': 'postgres://${Db.Endpoint.Address}:${Db.Endpoint.Port}/${Local}' } },
      },
    });
    expect(wanted.get('Role')).toEqual(new Set(['Arn']));
    expect(wanted.get('Db')).toEqual(new Set(['Endpoint.Address', 'Endpoint.Port']));
  });
});

describe('localName', () => {
  it('is <stack>-<logicalId>, with .fifo for FIFO queues', () => {
    expect(localName('Shop', 'OrdersQueue1A2B', 'AWS::SQS::Queue', true)).toBe('Shop-OrdersQueue1A2B.fifo');
  });

  it('stays within the AWS limit and unique when the logical id is long', () => {
    const a = localName('Shop', `${'X'.repeat(90)}A`, 'AWS::SQS::Queue', true);
    const b = localName('Shop', `${'X'.repeat(90)}B`, 'AWS::SQS::Queue', true);
    expect(a.length).toBe(80);
    expect(a.endsWith('.fifo')).toBe(true);
    expect(a).not.toBe(b);
    expect(localName('Shop', 'Y'.repeat(80), 'AWS::Lambda::Function').length).toBe(64);
  });

  it('names an S3 bucket in lower case, without underscores, within 63 characters', () => {
    expect(localName('Shop_Local', 'ChangeRulesReports1A2B', 'AWS::S3::Bucket')).toBe(
      'shop-local-changerulesreports1a2b',
    );
    expect(localName('Shop', 'Z'.repeat(80), 'AWS::S3::Bucket')).toMatch(/^[a-z0-9-]{63}$/);
  });
});
