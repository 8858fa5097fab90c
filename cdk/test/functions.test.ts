import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUTHORIZER_ENV } from '../../lambdas/authorizer/settings.ts';
import { ENTRY_METADATA, HANDLER_METADATA, HoldlineFunction } from '../lib/constructs/holdline-function.ts';
import { repoRoot } from '../lib/paths.ts';
import { functionByEntry, holdlineTemplate, referencedId, resourcesOf, TEST_PROVIDERS } from './template.ts';

const ENTRIES = [
  'lambdas/api/handler.ts',
  'lambdas/router/handler.ts',
  'lambdas/consumers/payment/handler.ts',
  'lambdas/consumers/inventory/handler.ts',
  'lambdas/consumers/notification/handler.ts',
  'lambdas/order-view/handler.ts',
  'lambdas/outbox-reaper/handler.ts',
  'lambdas/authorizer/handler.ts',
  'lambdas/reconcile/handler.ts',
  'lambdas/oncall/handler.ts',
  'lambdas/slot-monitor/handler.ts',
  'lambdas/change-rules/handler.ts',
  'lambdas/change-rules/consumers/welcome-mail/handler.ts',
  'lambdas/change-rules/consumers/audit-log/handler.ts',
  'lambdas/change-rules/consumers/report-export/handler.ts',
];

/** What every change consumer reads (lambdas/change-rules/consumers/change-consumer.ts). */
const CHANGE_CONSUMER_ENV = ['CONSUMER_NAME', 'IDEMPOTENCY_TABLE', 'IDEMPOTENCY_EXPIRES_AFTER_SECONDS'];

/** What every consumer's failure policy reads (lambdas/consumers/fifo-consumer.ts; consumer-quarantine.test.ts). */
const FAILURE_POLICY_ENV = [
  'QUEUE_URL',
  'DLQ_URL',
  'MAX_ATTEMPTS',
  'RETRY_BACKOFF_BASE_SECONDS',
  'RETRY_BACKOFF_MAX_SECONDS',
  'OUTAGE_BUDGET_SECONDS',
  'OUTAGE_BACKOFF_MAX_SECONDS',
];

/** The environment contract the handlers read; values that are tokens are checked elsewhere. */
const ENVIRONMENT: Record<string, string[]> = {
  'lambdas/api/handler.ts': ['DB_DRIVER', 'DB_SECRET_ARN', 'DB_HOST', 'DB_NAME', 'ORDER_VIEW_TABLE'],
  'lambdas/router/handler.ts': [
    'QUEUE_URL_PAYMENT',
    'QUEUE_URL_INVENTORY',
    'QUEUE_URL_NOTIFICATION',
    'FAILURE_QUEUE_URL',
  ],
  'lambdas/consumers/payment/handler.ts': [
    'CONSUMER_NAME',
    'IDEMPOTENCY_TABLE',
    'IDEMPOTENCY_EXPIRES_AFTER_SECONDS',
    'PAYMENT_GATEWAY_URL',
    'DB_DRIVER',
    'DB_SECRET_ARN',
    'DB_HOST',
    'DB_NAME',
    ...FAILURE_POLICY_ENV,
  ],
  'lambdas/consumers/inventory/handler.ts': [
    'CONSUMER_NAME',
    'IDEMPOTENCY_TABLE',
    'IDEMPOTENCY_EXPIRES_AFTER_SECONDS',
    'INVENTORY_SERVICE_URL',
    ...FAILURE_POLICY_ENV,
  ],
  'lambdas/consumers/notification/handler.ts': [
    'CONSUMER_NAME',
    'IDEMPOTENCY_TABLE',
    'IDEMPOTENCY_EXPIRES_AFTER_SECONDS',
    'NOTIFICATION_SERVICE_URL',
    ...FAILURE_POLICY_ENV,
  ],
  'lambdas/order-view/handler.ts': ['ORDER_VIEW_TABLE', 'FAILURE_QUEUE_URL'],
  'lambdas/outbox-reaper/handler.ts': [
    'OUTBOX_RETENTION_DAYS',
    'OUTBOX_REAP_LOCK_WAIT_MS',
    'DB_DRIVER',
    'DB_SECRET_ARN',
    'DB_HOST',
    'DB_NAME',
  ],
  'lambdas/authorizer/handler.ts': Object.values(AUTHORIZER_ENV),
  'lambdas/change-rules/handler.ts': [
    'CHANGE_RULES',
    'CHANGE_QUEUE_URL_WELCOME_MAIL',
    'CHANGE_QUEUE_URL_AUDIT_LOG',
    'CHANGE_QUEUE_URL_REPORT_EXPORT',
    'CHANGE_BULK_QUEUE_URL_WELCOME_MAIL',
    'CHANGE_BULK_QUEUE_URL_AUDIT_LOG',
    'CHANGE_BULK_QUEUE_URL_REPORT_EXPORT',
    'FAILURE_QUEUE_URL',
    'BULK_TRANSACTIONS_TABLE',
    'FLURRY_CHANGES_PER_TRANSACTION',
    'FLURRY_CHANGES_PER_TABLE_SECOND',
  ],
  'lambdas/change-rules/consumers/welcome-mail/handler.ts': [
    ...CHANGE_CONSUMER_ENV,
    'NOTIFICATION_SERVICE_URL',
  ],
  'lambdas/change-rules/consumers/audit-log/handler.ts': [...CHANGE_CONSUMER_ENV, 'AUDIT_LOG_TABLE'],
  'lambdas/change-rules/consumers/report-export/handler.ts': [
    ...CHANGE_CONSUMER_ENV,
    'REPORTS_BUCKET',
    'ORDER_VIEW_TABLE',
    'REPORT_MAX_ORDERS',
  ],
  'lambdas/oncall/handler.ts': ['ONCALL_NAME_PREFIX'],
  'lambdas/reconcile/handler.ts': [
    'PAYMENT_GATEWAY_URL',
    'RECONCILE_DEADLINE_SECONDS',
    'RECONCILE_BATCH_SIZE',
    'RECONCILE_REDRIVE_INTERVAL_SECONDS',
    'RECONCILE_GIVE_UP_AFTER_SECONDS',
    'DB_DRIVER',
    'DB_SECRET_ARN',
    'DB_HOST',
    'DB_NAME',
  ],
  'lambdas/slot-monitor/handler.ts': ['DB_DRIVER', 'DB_SECRET_ARN', 'DB_HOST', 'DB_NAME'],
};

describe('Lambda functions', () => {
  let template: Template;
  beforeAll(() => {
    template = holdlineTemplate();
  });

  const variables = (entry: string): Record<string, unknown> =>
    functionByEntry(template, entry)[1].Properties.Environment.Variables;

  it('names its source module and export on every function, for the local runtime', () => {
    const all = Object.entries(resourcesOf(template, 'AWS::Lambda::Function'));
    // The only functions without a module of ours are CDK's own custom-resource handlers (the web UI bucket's).
    const ours = all.filter(([id]) => !id.startsWith('Custom'));
    expect(
      all
        .filter(([id]) => id.startsWith('Custom'))
        .every(([, f]) => f.Metadata?.[ENTRY_METADATA] === undefined),
    ).toBe(true);
    expect(ours.map(([, f]) => f.Metadata?.[ENTRY_METADATA]).sort()).toEqual([...ENTRIES].sort());
    for (const [, fn] of ours) expect(fn.Metadata?.[HANDLER_METADATA]).toBe('handler');
  });

  it.each(ENTRIES)('points %s at a file that exists and exports the handler', (entry) => {
    const path = join(repoRoot, entry);
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).toMatch(/export (const|async function|function) handler\b/);
  });

  it('runs every function on Node 22, arm64, with active tracing', () => {
    for (const entry of ENTRIES) {
      expect(functionByEntry(template, entry)[1].Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
    }
  });

  it('sends every function log to a log group kept 30 days', () => {
    for (const entry of ENTRIES) {
      const logGroupId = referencedId(functionByEntry(template, entry)[1].Properties.LoggingConfig.LogGroup);
      expect(resourcesOf(template, 'AWS::Logs::LogGroup')[logGroupId!]?.Properties.RetentionInDays).toBe(30);
    }
  });

  it.each(ENTRIES)('gives %s exactly its environment contract', (entry) => {
    const expected = ['POWERTOOLS_SERVICE_NAME', 'NODE_OPTIONS', ...(ENVIRONMENT[entry] ?? [])];
    expect(Object.keys(variables(entry)).sort()).toEqual(expected.sort());
  });

  it('tells each consumer its name and the payment consumer its gateway', () => {
    for (const name of ['payment', 'inventory', 'notification']) {
      expect(variables(`lambdas/consumers/${name}/handler.ts`).CONSUMER_NAME).toBe(name);
    }
    expect(variables('lambdas/consumers/payment/handler.ts').PAYMENT_GATEWAY_URL).toBe(
      TEST_PROVIDERS.paymentGatewayUrl,
    );
    expect(variables('lambdas/api/handler.ts')).toMatchObject({ DB_DRIVER: 'pg', DB_NAME: 'holdline' });
  });

  it('points the router at the three FIFO queues and lets it send to them', () => {
    const vars = variables('lambdas/router/handler.ts');
    const outputs = template.toJSON().Outputs;
    for (const [variable, output] of [
      ['QUEUE_URL_PAYMENT', 'PaymentQueueUrl'],
      ['QUEUE_URL_INVENTORY', 'InventoryQueueUrl'],
      ['QUEUE_URL_NOTIFICATION', 'NotificationQueueUrl'],
    ] as const) {
      const queueId = referencedId(outputs[output].Value);
      expect(referencedId(vars[variable])).toBe(queueId);
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: Match.arrayWith(['sqs:SendMessage']),
              Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
            }),
          ]),
        },
      });
    }
  });

  it('lets the consumers read and write the idempotency table they are told about', () => {
    const tableId = referencedId(template.toJSON().Outputs.IdempotencyTableName.Value);
    for (const name of ['payment', 'inventory', 'notification']) {
      expect(referencedId(variables(`lambdas/consumers/${name}/handler.ts`).IDEMPOTENCY_TABLE)).toBe(tableId);
    }
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith([
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:UpdateItem',
              'dynamodb:DeleteItem',
            ]),
            Resource: Match.arrayWith([{ 'Fn::GetAtt': [tableId, 'Arn'] }]),
          }),
        ]),
      },
    });
  });

  it('keeps out of the VPC the functions that never reach Postgres', () => {
    for (const entry of ENTRIES) {
      const inVpc = functionByEntry(template, entry)[1].Properties.VpcConfig !== undefined;
      expect([entry, inVpc]).toEqual([entry, 'DB_HOST' in variables(entry)]);
    }
  });
});

// The real esbuild run is in function-bundling.it.test.ts: it starts a process.
describe('HoldlineFunction bundling', () => {
  it('refuses an entry that is absolute, climbs out of the repo or does not exist', () => {
    const stack = new Stack(new App(), 'Bad');
    const make = (entry: string) => () =>
      new HoldlineFunction(stack, entry, { entry, serviceName: 'x', timeout: Duration.seconds(3) });
    expect(make(join(repoRoot, 'lambdas/router/handler.ts'))).toThrow(/repo-relative/);
    expect(make('../outside.ts')).toThrow(/leaves the repository/);
    expect(make('lambdas/nope/handler.ts')).toThrow(/does not exist/);
  });
});
