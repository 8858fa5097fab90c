import { describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../cdk/lib/template.ts';
import { checkovInput, FUNCTION_URL_STAND_IN } from './checkov-input.ts';

const template: CfnTemplate = {
  Resources: {
    Url: {
      Type: 'AWS::Lambda::Url',
      Properties: { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': ['Stub', 'Arn'] } },
    },
    Stub: { Type: 'AWS::Lambda::Function', Properties: {} },
    Consumer: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Environment: {
          Variables: {
            PAYMENT_GATEWAY_URL: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Url', 'FunctionUrl'] }, 'payment']] },
            QUEUE_URL: { Ref: 'Queue' },
          },
        },
      },
    },
  },
};

describe("checkov's copy of a template", () => {
  it('reads a function URL reference as a string, and leaves every other reference and resource alone', () => {
    const copy = checkovInput(template);
    const vars = (
      copy.Resources!.Consumer!.Properties as { Environment: { Variables: Record<string, unknown> } }
    ).Environment.Variables;

    expect(vars.PAYMENT_GATEWAY_URL).toEqual({ 'Fn::Join': ['', [FUNCTION_URL_STAND_IN, 'payment']] });
    expect(vars.QUEUE_URL).toEqual({ Ref: 'Queue' });
    expect(copy.Resources?.Url).toEqual(template.Resources?.Url);
    expect(Object.keys(copy.Resources ?? {})).toEqual(['Url', 'Stub', 'Consumer']);
  });

  it('is the template itself when it has no function URL', () => {
    const plain: CfnTemplate = { Resources: { Stub: { Type: 'AWS::Lambda::Function' } } };
    expect(checkovInput(plain)).toBe(plain);
  });
});
