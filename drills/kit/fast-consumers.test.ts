import { describe, expect, it } from 'vitest';
import { ENTRY_METADATA } from '../../cdk/lib/entry-metadata.ts';
import { holdlineTemplateJson } from '../../cdk/test/template.ts';
import { fastConsumers } from './fast-consumers.ts';

describe('fastConsumers', () => {
  it('shortens only the consumer functions and the queues they read, keeping visibility above the timeout', () => {
    const template = holdlineTemplateJson();
    const before = structuredClone(template);
    fastConsumers(4, 9)(template);

    const resources = Object.entries(template.Resources ?? {});
    const changed = resources.filter(
      ([id, r]) => JSON.stringify(r) !== JSON.stringify(before.Resources?.[id]),
    );
    const entries = changed
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([, r]) => r.Metadata?.[ENTRY_METADATA])
      .sort();
    expect(entries).toEqual([
      'lambdas/consumers/inventory/handler.ts',
      'lambdas/consumers/notification/handler.ts',
      'lambdas/consumers/payment/handler.ts',
    ]);
    for (const [, r] of changed) {
      if (r.Type === 'AWS::Lambda::Function') expect(r.Properties?.Timeout).toBe(4);
      else expect(r).toMatchObject({ Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 9 } });
    }
    // Three consumer queues; their DLQs and the router's failure queue keep their settings.
    expect(changed.filter(([, r]) => r.Type === 'AWS::SQS::Queue')).toHaveLength(3);
  });
});
