import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { config } from '../lib/config.ts';
import { OUTPUT_IDS } from '../lib/outputs.ts';
import { functionByEntry, holdlineTemplate, referencedId, resourcesOf } from './template.ts';

describe('stack outputs and the HTTP API', () => {
  let template: Template;
  beforeAll(() => {
    template = holdlineTemplate();
  });

  it('exports exactly the output ids the local cloud, tests and drills look up', () => {
    expect(Object.keys(template.toJSON().Outputs).sort()).toEqual(
      [
        'OrderEventsStreamName',
        'OrderChangesStreamName',
        'PaymentQueueUrl',
        'PaymentDlqUrl',
        'InventoryQueueUrl',
        'InventoryDlqUrl',
        'NotificationQueueUrl',
        'NotificationDlqUrl',
        'RouterFailureQueueUrl',
        'OrderViewFailureQueueUrl',
        'IdempotencyTableName',
        'OrderViewTableName',
        'TableChangesStreamName',
        'WelcomeMailQueueUrl',
        'WelcomeMailDlqUrl',
        'AuditLogQueueUrl',
        'AuditLogDlqUrl',
        'ReportExportQueueUrl',
        'ReportExportDlqUrl',
        'ChangeRouterFailureQueueUrl',
        'AuditLogTableName',
        'ReportsBucketName',
        'HttpApiUrl',
        'WebUrl',
      ].sort(),
    );
    expect([...OUTPUT_IDS].sort()).toEqual(Object.keys(template.toJSON().Outputs).sort());
  });

  it.each([
    ['OrderEventsStreamName', 'AWS::Kinesis::Stream'],
    ['OrderChangesStreamName', 'AWS::Kinesis::Stream'],
    ['PaymentDlqUrl', 'AWS::SQS::Queue'],
    ['RouterFailureQueueUrl', 'AWS::SQS::Queue'],
    ['IdempotencyTableName', 'AWS::DynamoDB::Table'],
    ['HttpApiUrl', 'AWS::ApiGatewayV2::Api'],
  ])('resolves %s to a %s of this stack', (outputId, type) => {
    const value = template.toJSON().Outputs[outputId].Value;
    const id = referencedId(value) ?? JSON.stringify(value).match(/"Ref":"(\w+)"/)?.[1];
    expect(resourcesOf(template, type)[id!]).toBeDefined();
  });

  it('keeps the three CDC streams (outbox, orders, change rules) provisioned, encrypted and separate', () => {
    const streams = resourcesOf(template, 'AWS::Kinesis::Stream');
    expect(Object.keys(streams)).toHaveLength(3);
    for (const [id, stream] of Object.entries(streams)) {
      expect(stream.Properties).toMatchObject({
        ShardCount: id.startsWith('OrderEvents') ? config.orderEventsShardCount : config.shardCount,
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
        StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
        RetentionPeriodHours: 168,
      });
    }
  });

  it('routes the order routes to the Api function and the on-call route to the OnCall function', () => {
    const [apiFunctionId] = functionByEntry(template, 'lambdas/api/handler.ts');
    const [onCallFunctionId] = functionByEntry(template, 'lambdas/oncall/handler.ts');
    const integrations = resourcesOf(template, 'AWS::ApiGatewayV2::Integration');
    const routes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route'));
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual([
      'GET /oncall/gauges',
      'GET /orders',
      'GET /orders/{id}',
      'POST /orders',
    ]);
    for (const route of routes) {
      const integrationId = JSON.stringify(route.Properties.Target).match(/"Ref":"(\w+)"/)?.[1];
      const integration = integrations[integrationId!]!.Properties;
      expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
      expect(integration.IntegrationUri['Fn::GetAtt'][0]).toBe(
        route.Properties.RouteKey === 'GET /oncall/gauges' ? onCallFunctionId : apiFunctionId,
      );
    }
  });
});
