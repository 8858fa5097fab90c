import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENTRY_METADATA, HANDLER_METADATA } from '../../../cdk/lib/entry-metadata.ts';
import type { CfnTemplate, Provisioned, ProvisionedResource } from '../provision/index.ts';
import { pseudoParameters, resolveValue } from '../provision/index.ts';
import { CheckpointStore } from './checkpoints.ts';
import { RuntimeConfigError } from './errors.ts';
import { readFunctions } from './functions.ts';
import { lambdaContext } from './lambda-context.ts';
import { readMappings } from './mappings.ts';
import { parseRate, readSchedules, scheduledEvent } from './schedules.ts';

const arn = (service: string, name: string) => `arn:aws:${service}:us-east-1:000000000000:${name}`;

// A provisioned set built by hand: these tests read templates, they do not talk to AWS.
function provisioned(template: CfnTemplate, resources: Record<string, ProvisionedResource>): Provisioned {
  const pseudo = pseudoParameters({ region: 'us-east-1' });
  return {
    resources,
    outputs: {},
    skipped: [],
    warnings: [],
    pseudo,
    resolve: (value) => resolveValue(value, { resources, pseudo, conditions: template.Conditions ?? {} }),
  };
}

const template: CfnTemplate = {
  Resources: {
    Orders: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true } },
    Failures: { Type: 'AWS::SQS::Queue' },
    Changes: { Type: 'AWS::Kinesis::Stream' },
    Worker: {
      Type: 'AWS::Lambda::Function',
      Metadata: { [ENTRY_METADATA]: 'lambdas/worker/handler.ts', [HANDLER_METADATA]: 'main' },
      Properties: {
        Runtime: 'nodejs22.x',
        Timeout: 9,
        Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
        Environment: { Variables: { QUEUE_URL: { Ref: 'Orders' }, LIMIT: 5 } },
      },
    },
    Helper: { Type: 'AWS::Lambda::Function', Properties: {} },
    OrdersMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        FunctionName: { Ref: 'Worker' },
        EventSourceArn: { 'Fn::GetAtt': ['Orders', 'Arn'] },
        BatchSize: 50,
        MaximumBatchingWindowInSeconds: 5,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      },
    },
    ChangesMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        FunctionName: { 'Fn::GetAtt': ['Worker', 'Arn'] },
        EventSourceArn: { 'Fn::GetAtt': ['Changes', 'Arn'] },
        StartingPosition: 'TRIM_HORIZON',
        ParallelizationFactor: 4,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Failures', 'Arn'] } } },
      },
    },
    Tick: {
      Type: 'AWS::Events::Rule',
      Properties: {
        ScheduleExpression: 'rate(1 minute)',
        Targets: [{ Arn: { 'Fn::GetAtt': ['Worker', 'Arn'] }, Id: 'T' }],
      },
    },
    Nightly: {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        ScheduleExpression: 'cron(0 3 * * ? *)',
        Target: { Arn: { 'Fn::GetAtt': ['Worker', 'Arn'] }, Input: '{"job":"nightly"}' },
      },
    },
  },
};

const resources: Record<string, ProvisionedResource> = {
  Orders: {
    type: 'AWS::SQS::Queue',
    status: 'created',
    ref: 'http://q/orders.fifo',
    attrs: { Arn: arn('sqs', 'orders.fifo') },
  },
  Failures: {
    type: 'AWS::SQS::Queue',
    status: 'created',
    ref: 'http://q/failures',
    attrs: { Arn: arn('sqs', 'failures') },
  },
  Changes: {
    type: 'AWS::Kinesis::Stream',
    status: 'created',
    ref: 'changes',
    attrs: { Arn: arn('kinesis', 'stream/changes') },
  },
  Role: {
    type: 'AWS::IAM::Role',
    status: 'synthetic',
    ref: 'role',
    attrs: { Arn: 'arn:aws:iam::000000000000:role/role' },
  },
  Worker: {
    type: 'AWS::Lambda::Function',
    status: 'local',
    ref: 'worker',
    attrs: { Arn: arn('lambda', 'function:worker') },
  },
  Helper: {
    type: 'AWS::Lambda::Function',
    status: 'local',
    ref: 'helper',
    attrs: { Arn: arn('lambda', 'function:helper') },
  },
  OrdersMapping: { type: 'AWS::Lambda::EventSourceMapping', status: 'local', ref: 'm1', attrs: {} },
  ChangesMapping: { type: 'AWS::Lambda::EventSourceMapping', status: 'local', ref: 'm2', attrs: {} },
  Tick: {
    type: 'AWS::Events::Rule',
    status: 'local',
    ref: 'tick',
    attrs: { Arn: arn('events', 'rule/tick') },
  },
  Nightly: {
    type: 'AWS::Scheduler::Schedule',
    status: 'local',
    ref: 'nightly',
    attrs: { Arn: arn('scheduler', 'schedule/default/nightly') },
  },
};

const prov = provisioned(template, resources);

describe('readFunctions', () => {
  it('takes entry, handler, timeout and resolved environment from the template, with Lambda defaults', () => {
    const { functions, withoutEntry } = readFunctions(template, prov, '/repo');
    expect(withoutEntry).toEqual(['Helper']);
    expect(functions).toEqual([
      {
        logicalId: 'Worker',
        name: 'worker',
        arn: arn('lambda', 'function:worker'),
        entry: '/repo/lambdas/worker/handler.ts',
        handler: 'main',
        runtime: 'nodejs22.x',
        timeoutSec: 9,
        memoryMb: 128,
        environment: { QUEUE_URL: 'http://q/orders.fifo', LIMIT: '5' },
        roleArn: 'arn:aws:iam::000000000000:role/role',
      },
    ]);
  });

  it('refuses a function without a Runtime: its workers would have no Node to run on', () => {
    const noRuntime = structuredClone(template);
    delete noRuntime.Resources?.Worker?.Properties?.Runtime;

    expect(() => readFunctions(noRuntime, provisioned(noRuntime, resources), '/repo')).toThrow(
      /Worker: Runtime must be set/,
    );
  });
});

describe('readMappings', () => {
  const { functions } = readFunctions(template, prov, '/repo');

  it('caps a FIFO batch at 10 and drops the batching window, saying so', () => {
    const sqs = readMappings(template, prov, functions).mappings.find((m) => m.kind === 'sqs');
    expect(sqs).toMatchObject({
      batchSize: 10,
      batchingWindowSec: 0,
      fifo: true,
      reportBatchItemFailures: true,
    });
    expect(sqs?.unsupported.join()).toMatch(/BatchSize 50.*MaximumBatchingWindowInSeconds/);
  });

  it('reads Kinesis defaults (batch 100, retries and age -1) and resolves the on-failure queue', () => {
    const kinesis = readMappings(template, prov, functions).mappings.find((m) => m.kind === 'kinesis');
    expect(kinesis).toMatchObject({
      functionId: 'Worker',
      batchSize: 100,
      maxRetries: -1,
      maxRecordAgeSec: -1,
      bisect: false,
      onFailure: { kind: 'sqs', queueUrl: 'http://q/failures' },
    });
    expect(kinesis?.unsupported).toEqual([expect.stringMatching(/ParallelizationFactor 4/)]);
  });

  it('rejects a FIFO on-failure destination, as Lambda does', () => {
    const fifoDestination = structuredClone(template);
    const props = fifoDestination.Resources?.ChangesMapping?.Properties as Record<string, unknown>;
    props.DestinationConfig = { OnFailure: { Destination: { 'Fn::GetAtt': ['Orders', 'Arn'] } } };
    expect(() => readMappings(fifoDestination, prov, functions)).toThrow(RuntimeConfigError);
  });
});

describe('schedules', () => {
  const { functions } = readFunctions(template, prov, '/repo');

  it('parses rate expressions and nothing else', () => {
    expect(parseRate('rate(1 minute)')).toBe(60_000);
    expect(parseRate('rate(5 minutes)')).toBe(300_000);
    expect(parseRate('rate(2 hours)')).toBe(7_200_000);
    expect(parseRate('cron(0 3 * * ? *)')).toBeUndefined();
  });

  it('fires a rate rule at its rate, and a cron schedule only when overridden', () => {
    const plain = readSchedules(template, prov, functions, {});
    expect(plain.schedules.map((s) => [s.logicalId, s.intervalMs])).toEqual([['Tick', 60_000]]);
    expect(plain.ignored.join()).toMatch(/Nightly: cron/);
    const fast = readSchedules(template, prov, functions, { Tick: 2000, Nightly: 5000 });
    expect(fast.schedules.map((s) => [s.logicalId, s.intervalMs, s.overridden])).toEqual([
      ['Tick', 2000, true],
      ['Nightly', 5000, true],
    ]);
    expect(scheduledEvent(fast.schedules[1]!, 'us-east-1', '0')).toEqual({ job: 'nightly' });
    expect(scheduledEvent(fast.schedules[0]!, 'us-east-1', '0')).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      resources: [arn('events', 'rule/tick')],
    });
  });

  it('rejects an override that names no schedule', () => {
    expect(() => readSchedules(template, prov, functions, { Tock: 1000 })).toThrow(RuntimeConfigError);
  });
});

describe('CheckpointStore', () => {
  it('persists positions so a new store over the same file resumes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'checkpoints-'));
    try {
      const file = join(dir, 'state', 'kinesis-checkpoints.json');
      new CheckpointStore(file).set('Mapping', 'shardId-000000000000', '42');
      expect(new CheckpointStore(file).get('Mapping', 'shardId-000000000000')).toBe('42');
      expect(new CheckpointStore(file).get('Mapping', 'shardId-000000000001')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('lambdaContext', () => {
  it('counts remaining time down to the deadline and never below zero', () => {
    let now = 1000;
    const context = lambdaContext({
      requestId: 'r',
      functionName: 'f',
      invokedFunctionArn: 'a',
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/f',
      logStreamName: 's',
      deadlineMs: 4000,
      now: () => now,
    });
    expect(context.getRemainingTimeInMillis()).toBe(3000);
    now = 5000;
    expect(context.getRemainingTimeInMillis()).toBe(0);
    expect(() => context.succeed('x')).toThrow(/deprecated/);
  });
});
