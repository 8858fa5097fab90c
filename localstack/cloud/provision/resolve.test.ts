// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings hold CloudFormation ${} placeholders.
import { describe, expect, it } from 'vitest';
import { InvalidTemplateError, UnresolvableReferenceError, UnsupportedIntrinsicError } from './errors.ts';
import { evaluateCondition, pseudoParameters, type ResolveContext, resolveValue } from './resolve.ts';

const ctx: ResolveContext = {
  resources: {
    Queue: {
      ref: 'http://sqs/q.fifo',
      attrs: { Arn: 'arn:aws:sqs:us-east-1:1:q.fifo', QueueName: 'q.fifo' },
    },
    Db: { ref: 'db', attrs: { 'Endpoint.Address': 'db.local' } },
  },
  pseudo: pseudoParameters({ region: 'eu-west-1', stackName: 'Shop' }),
  parameters: { Env: 'dev', Zones: ['a', 'b'] },
  conditions: {
    IsDev: { 'Fn::Equals': [{ Ref: 'Env' }, 'dev'] },
    IsProd: { 'Fn::Not': [{ Condition: 'IsDev' }] },
    DevInEu: { 'Fn::And': [{ Condition: 'IsDev' }, { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] }] },
  },
  mappings: { Sizes: { dev: { shards: 1 } } },
};

describe('resolveValue', () => {
  it('resolves Ref to resources, parameters and pseudo parameters', () => {
    expect(resolveValue({ Ref: 'Queue' }, ctx)).toBe('http://sqs/q.fifo');
    expect(resolveValue({ Ref: 'Env' }, ctx)).toBe('dev');
    expect(resolveValue({ Ref: 'AWS::AccountId' }, ctx)).toBe('000000000000');
    expect(resolveValue({ Ref: 'AWS::StackName' }, ctx)).toBe('Shop');
    expect(resolveValue({ Ref: 'AWS::URLSuffix' }, ctx)).toBe('amazonaws.com');
  });

  it('resolves Fn::GetAtt in array and dotted-string form, including dotted attribute names', () => {
    expect(resolveValue({ 'Fn::GetAtt': ['Queue', 'Arn'] }, ctx)).toBe('arn:aws:sqs:us-east-1:1:q.fifo');
    expect(resolveValue({ 'Fn::GetAtt': 'Queue.QueueName' }, ctx)).toBe('q.fifo');
    expect(resolveValue({ 'Fn::GetAtt': 'Db.Endpoint.Address' }, ctx)).toBe('db.local');
  });

  it('resolves Fn::Join, Fn::Select and Fn::Split nested inside objects and arrays', () => {
    const value = {
      Env: [
        { 'Fn::Join': [':', ['arn', { Ref: 'AWS::Partition' }, { 'Fn::Select': [1, { Ref: 'Zones' }] }]] },
      ],
      Host: { 'Fn::Select': [0, { 'Fn::Split': ['.', { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] }] }] },
    };
    expect(resolveValue(value, ctx)).toEqual({ Env: ['arn:aws:b'], Host: 'db' });
  });

  it('resolves Fn::Sub with pseudo parameters, attributes, local variables and ${!escapes}', () => {
    expect(resolveValue({ 'Fn::Sub': '${AWS::Region}/${Queue.QueueName}/${Env}/${!Literal}' }, ctx)).toBe(
      'eu-west-1/q.fifo/dev/${Literal}',
    );
    expect(resolveValue({ 'Fn::Sub': ['${Name}-${Queue}', { Name: { Ref: 'Env' } }] }, ctx)).toBe(
      'dev-http://sqs/q.fifo',
    );
  });

  it('evaluates Fn::If through the template conditions and drops AWS::NoValue', () => {
    const value = {
      A: { 'Fn::If': ['IsDev', 'yes', 'no'] },
      B: { 'Fn::If': ['IsProd', 'yes', { Ref: 'AWS::NoValue' }] },
      C: [1, { Ref: 'AWS::NoValue' }, 2],
    };
    expect(resolveValue(value, ctx)).toEqual({ A: 'yes', C: [1, 2] });
    expect(evaluateCondition('DevInEu', ctx)).toBe(true);
  });

  it('resolves Fn::FindInMap and Fn::Base64', () => {
    expect(resolveValue({ 'Fn::FindInMap': ['Sizes', { Ref: 'Env' }, 'shards'] }, ctx)).toBe(1);
    expect(resolveValue({ 'Fn::Base64': 'hi' }, ctx)).toBe('aGk=');
  });

  it('names the logical id it cannot resolve', () => {
    expect(() => resolveValue({ Ref: 'Missing' }, ctx)).toThrow(UnresolvableReferenceError);
    try {
      resolveValue({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Queue', 'Nope'] }]] }, ctx);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UnresolvableReferenceError);
      expect(error).toMatchObject({ logicalId: 'Queue', attribute: 'Nope' });
    }
    expect(() => resolveValue({ 'Fn::Sub': '${Other.Arn}' }, ctx)).toThrow(/Other\.Arn/);
  });

  it('rejects intrinsics it does not evaluate and malformed arguments', () => {
    expect(() => resolveValue({ 'Fn::ImportValue': 'x' }, ctx)).toThrow(UnsupportedIntrinsicError);
    expect(() => resolveValue({ 'Fn::Select': [5, ['a']] }, ctx)).toThrow(InvalidTemplateError);
  });

  it('leaves plain objects that merely contain intrinsic-looking keys among others alone', () => {
    const statement = { Effect: 'Allow', Condition: { StringEquals: { a: 'b' } } };
    expect(resolveValue(statement, ctx)).toEqual(statement);
  });
});
