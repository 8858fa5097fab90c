import { describe, expect, it } from 'vitest';
import { ONCALL_NAME_PREFIX_ENV } from '../../lambdas/oncall/stack-scope.ts';
import { functionByEntry, holdlineTemplate } from './template.ts';

describe('on-call panel function', () => {
  it("is told the stack's name prefix, so it shows this stack's queues and alarms only", () => {
    const [, fn] = functionByEntry(holdlineTemplate(), 'lambdas/oncall/handler.ts');
    expect(fn.Properties.Environment.Variables[ONCALL_NAME_PREFIX_ENV]).toEqual({
      'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '-']],
    });
  });
});
